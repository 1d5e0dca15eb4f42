/**
 * The Node gRPC transport's own unary path (src/internal/grpc-transport.ts), against real HTTP/2
 * servers on 127.0.0.1: a connect-node server for real gRPC answers (compressed ones included) and
 * a bare `node:http2` server for answers a gRPC server would not give on its own.
 */
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActionService,
  GetTargetResponseSchema,
} from "../gen/zitadel/action/v2/action_service_pb.js";
import { createActionsClient, createActionsTransport } from "../src/node.js";
import { type LoopbackServer, listenLoopback } from "./helpers/loopback.js";

/** What the connect server saw of the last call. */
const seen: { header?: Headers; aborted?: Promise<unknown> } = {};
let real: LoopbackServer;
let bare: LoopbackServer;
/** How the bare server answers, per test. */
let answer: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;

beforeAll(async () => {
  const impl: Partial<ServiceImpl<typeof ActionService>> = {
    getTarget(req, ctx) {
      seen.header = ctx.requestHeader;
      ctx.responseHeader.set("x-answer", "header");
      ctx.responseTrailer.set("x-answer", "trailer");
      // A long name makes the answer big enough for the server to gzip it.
      return { target: { id: req.id, name: "n".repeat(4000) } };
    },
    async deleteTarget(_req, ctx) {
      seen.aborted = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      await new Promise((resolve) => setTimeout(resolve, 10_000).unref());
      return {};
    },
  };
  // compressMinBytes 1: compress whatever the client accepts.
  real = await listenLoopback(
    http2.createServer(
      connectNodeAdapter({
        routes: (router) => router.service(ActionService, impl),
        compressMinBytes: 1,
      }),
    ),
  );
  const bareServer = http2.createServer();
  bareServer.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    answer(stream, headers);
  });
  bare = await listenLoopback(bareServer);
});
afterAll(async () => {
  await real.close();
  await bare.close();
});

function envelope(bytes: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + bytes.length);
  frame.writeUInt32BE(bytes.length, 1);
  frame.set(bytes, 5);
  return frame;
}

async function codeOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectError);
    return e as ConnectError;
  }
  throw new Error("the call succeeded");
}

describe("unary calls over the Node gRPC transport", () => {
  it("decodes a gzip-compressed answer and hands headers and trailers to the caller", async () => {
    const client = createActionsClient(createActionsTransport({ baseUrl: real.baseUrl }));
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const res = await client.raw.action.getTarget(
      { id: "7" },
      { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) },
    );
    expect(res.target?.id).toBe("7");
    expect(res.target?.name).toHaveLength(4000);
    expect(header?.get("grpc-encoding")).toBe("gzip");
    expect(header?.get("x-answer")).toBe("header");
    expect(trailer?.get("x-answer")).toBe("trailer");
    expect(seen.header?.get("content-type")).toBe("application/grpc+proto");
    expect(seen.header?.get("te")).toBe("trailers");
  });

  it("sends grpc-timeout and runs interceptors outermost first, on a request with a signal", async () => {
    const order: string[] = [];
    const tag =
      (name: string): Interceptor =>
      (next) =>
      async (req) => {
        order.push(`${name}:${req.signal.aborted}`);
        req.header.set(`x-${name}`, "1");
        return next(req);
      };
    const client = createActionsClient(
      createActionsTransport({
        baseUrl: real.baseUrl,
        defaultTimeoutMs: 5000,
        interceptors: [tag("a"), tag("b")],
      }),
    );
    await client.raw.action.getTarget({ id: "1" });
    expect(order).toEqual(["a:false", "b:false"]);
    expect(seen.header?.get("x-a")).toBe("1");
    expect(seen.header?.get("x-b")).toBe("1");
    expect(seen.header?.get("grpc-timeout")).toBe("5000m");
  });

  it("cancels with Code.Canceled, and the server sees the stream end", async () => {
    const client = createActionsClient(createActionsTransport({ baseUrl: real.baseUrl }));
    const controller = new AbortController();
    const call = client.raw.action.deleteTarget({ id: "1" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await codeOf(call)).code).toBe(Code.Canceled);
    await expect(seen.aborted).resolves.toBeDefined();
  });

  it("fails with Code.DeadlineExceeded when the deadline passes", async () => {
    const client = createActionsClient(createActionsTransport({ baseUrl: real.baseUrl }));
    const err = await codeOf(client.raw.action.deleteTarget({ id: "1" }, { timeoutMs: 50 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
  });

  it("maps a refused connection to Code.Unavailable", async () => {
    const closed = await listenLoopback(http2.createServer());
    await closed.close();
    const client = createActionsClient(
      createActionsTransport({ baseUrl: closed.baseUrl, retry: false }),
    );
    expect((await codeOf(client.raw.action.getTarget({ id: "1" }))).code).toBe(Code.Unavailable);
  });
});

describe("answers no gRPC server should give", () => {
  const client = () =>
    createActionsClient(createActionsTransport({ baseUrl: bare.baseUrl, retry: false })).raw.action;
  const ok = toBinary(GetTargetResponseSchema, create(GetTargetResponseSchema, {}));

  it.each([
    [401, Code.Unauthenticated],
    [403, Code.PermissionDenied],
    [404, Code.Unimplemented],
    [503, Code.Unavailable],
    [500, Code.Unknown],
  ])("maps HTTP %i to code %i", async (status, code) => {
    answer = (stream) => {
      stream.respond({ ":status": status });
      stream.end();
    };
    const err = await codeOf(client().getTarget({ id: "1" }));
    expect(err.code).toBe(code);
    expect(err.rawMessage).toBe(`HTTP ${status}`);
  });

  it("refuses a non-gRPC content type", async () => {
    answer = (stream) => {
      stream.respond({ ":status": 200, "content-type": "text/html" });
      stream.end("<html>");
    };
    expect((await codeOf(client().getTarget({ id: "1" }))).code).toBe(Code.Unknown);
  });

  it("reads a trailers-only error with its percent-encoded message", async () => {
    answer = (stream) => {
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "5",
          "grpc-message": "no%20such%20target",
        },
        { endStream: true },
      );
    };
    const err = await codeOf(client().getTarget({ id: "1" }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe("no such target");
  });

  it("reports an unknown grpc-status as Code.Unknown, saying so", async () => {
    answer = (stream) => {
      stream.respond(
        { ":status": 200, "content-type": "application/grpc", "grpc-status": "99" },
        { endStream: true },
      );
    };
    const err = await codeOf(client().getTarget({ id: "1" }));
    expect(err.code).toBe(Code.Unknown);
    expect(err.rawMessage).toBe('invalid grpc-status "99": not a gRPC status code (0-16)');
  });

  it("reports a missing status as Code.Internal", async () => {
    answer = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.end(envelope(ok));
    };
    expect((await codeOf(client().getTarget({ id: "1" }))).code).toBe(Code.Internal);
  });

  it("refuses a second message for a unary method", async () => {
    answer = (stream) => {
      stream.respond(
        { ":status": 200, "content-type": "application/grpc" },
        { waitForTrailers: true },
      );
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.concat([envelope(ok), envelope(ok)]));
    };
    expect((await codeOf(client().getTarget({ id: "1" }))).code).toBe(Code.Unimplemented);
  });

  it("maps a stream reset with REFUSED_STREAM to Code.Unavailable", async () => {
    answer = (stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    expect((await codeOf(client().getTarget({ id: "1" }))).code).toBe(Code.Unavailable);
  });

  it("succeeds on a well-formed answer from a plain HTTP/2 server", async () => {
    answer = (stream) => {
      stream.respond(
        { ":status": 200, "content-type": "application/grpc" },
        { waitForTrailers: true },
      );
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(envelope(ok));
    };
    const res = await client().getTarget({ id: "1" });
    expect(res.target).toBeUndefined();
  });
});
