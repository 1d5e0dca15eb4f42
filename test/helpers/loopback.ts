import type * as http from "node:http";
import type * as http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";

/** A test server listening on an ephemeral port of 127.0.0.1. */
interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  port: number;
  /** Stop listening and destroy every open connection (HTTP/1.1 keep-alive and HTTP/2 sessions). */
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 port 0 and track connections, so `close()` never waits on an idle client. */
async function listenLoopback(server: http.Server | http2.Http2Server): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export type { LoopbackServer };
export { listenLoopback };
