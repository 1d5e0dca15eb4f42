/**
 * HTTP(S) proxies for the Node transports: which proxy a base URL goes through (the `proxy` option,
 * else `https_proxy`/`HTTPS_PROXY` or `http_proxy`/`HTTP_PROXY` minus `NO_PROXY`), and a tunnel
 * through it with `CONNECT`, as `@grpc/grpc-js` and curl do. Credentials in a proxy URL are sent as
 * `Proxy-Authorization: Basic` and never appear in errors.
 *
 * @module
 */
import { Agent as HttpAgent } from "node:http";
import { type AgentOptions, Agent as HttpsAgent } from "node:https";
import { isIP, connect as netConnect, type Socket } from "node:net";
import { Duplex } from "node:stream";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { Code, ConnectError } from "@connectrpc/connect";

/** Return the proxy for `target`, or undefined to connect directly. */
function resolveProxy(
  target: URL,
  option: string | false | undefined,
  env: Record<string, string | undefined> = process.env,
): URL | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return parseProxyUrl("proxy", option);
  const https = target.protocol === "https:";
  const fromEnv = https ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY);
  if (fromEnv === undefined || fromEnv.trim() === "") return undefined;
  // As Go's net/http does, loopback is never sent through an environment proxy.
  if (isLoopback(target.hostname)) return undefined;
  if (bypassed(target, env.no_proxy ?? env.NO_PROXY ?? "")) return undefined;
  return parseProxyUrl(https ? "HTTPS_PROXY" : "HTTP_PROXY", fromEnv.trim());
}

function parseProxyUrl(name: string, value: unknown): URL {
  if (typeof value !== "string") {
    throw new ConnectError(`${name}: must be a proxy URL string or false`, Code.InvalidArgument);
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new ConnectError(`${name}: not a valid URL`, Code.InvalidArgument);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConnectError(
      `${name}: must be an http:// or https:// proxy, got ${url.protocol}//`,
      Code.InvalidArgument,
    );
  }
  return url;
}

/** Apply `NO_PROXY`: `*`, host names (matching the host and its subdomains), `.suffix`, `host:port`. */
function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    let entryPort: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch !== null && !entry.startsWith("[") && isIP(entry) === 0) {
      entry = portMatch[1]!;
      entryPort = portMatch[2];
    }
    entry = entry.replace(/^\[|\]$/g, "").replace(/^\*?\./, ".");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (
      entry.startsWith(".")
        ? host.endsWith(entry) || host === entry.slice(1)
        : host === entry || host.endsWith(`.${entry}`)
    ) {
      return true;
    }
  }
  return false;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host)
  );
}

/**
 * Open a tunnel to `target` through `proxy`: a duplex that carries bytes to the target once the
 * proxy answered `CONNECT` with 2xx. Writes made before that are held back.
 */
function createTunnel(proxy: URL, target: URL): Duplex {
  const targetPort = target.port || (target.protocol === "https:" ? "443" : "80");
  const authority = `${target.hostname}:${targetPort}`;
  const proxyPort = Number(proxy.port || (proxy.protocol === "https:" ? 443 : 80));
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, "");
  const socket: Socket =
    proxy.protocol === "https:"
      ? tlsConnect({
          host: proxyHost,
          port: proxyPort,
          servername: isIP(proxyHost) ? undefined : proxyHost,
        })
      : netConnect({ host: proxyHost, port: proxyPort });
  let open = false;
  let head = Buffer.alloc(0);
  const held: Array<{ chunk: Buffer; callback: (error?: Error | null) => void }> = [];
  const tunnel = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (open) socket.write(chunk, callback);
      else held.push({ chunk, callback });
    },
    final(callback) {
      socket.end(callback);
    },
    read() {
      socket.resume();
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  const where = `proxy ${proxy.protocol}//${proxy.host}`;
  socket.once("connect", () => {
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
    if (proxy.username !== "" || proxy.password !== "") {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      lines.push(`Proxy-Authorization: Basic ${Buffer.from(credentials).toString("base64")}`);
    }
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
  socket.on("data", (data: Buffer) => {
    if (open) {
      if (!tunnel.push(data)) socket.pause();
      return;
    }
    head = Buffer.concat([head, data]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      if (head.length > 16_384)
        tunnel.destroy(proxyError(`${where} sent an oversized CONNECT answer`));
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString("latin1"));
    if (status === null || !status[1]!.startsWith("2")) {
      const code = status?.[1] ?? "no HTTP status";
      const hint =
        code === "407"
          ? " (proxy authentication required: put user:password in the proxy URL)"
          : "";
      tunnel.destroy(proxyError(`${where} refused CONNECT ${authority}: ${code}${hint}`));
      return;
    }
    open = true;
    const rest = head.subarray(end + 4);
    head = Buffer.alloc(0);
    for (const { chunk, callback } of held.splice(0)) socket.write(chunk, callback);
    if (rest.length > 0) tunnel.push(rest);
  });
  socket.on("end", () => tunnel.push(null));
  socket.on("error", (error) => {
    tunnel.destroy(proxyError(`cannot reach ${where}: ${error.message}`, error));
  });
  return tunnel;
}

function proxyError(message: string, cause?: unknown): Error {
  const error = new Error(message, { cause }) as Error & { code: string };
  error.code = "ERR_PROXY_TUNNEL";
  return error;
}

/** Return the `createConnection` of `http2.connect` that opens a session through the tunnel. */
function http2TunnelConnection(proxy: URL, target: URL, tls: ConnectionOptions): () => Duplex {
  return () => {
    const tunnel = createTunnel(proxy, target);
    if (target.protocol !== "https:") return tunnel;
    return tlsConnect({
      ...tls,
      socket: tunnel,
      servername: tls.servername ?? (isIP(target.hostname) ? undefined : target.hostname),
      ALPNProtocols: ["h2"],
    });
  };
}

/** Return an agent for `http.request`/`https.request` whose connections go through the tunnel. */
function http1TunnelAgent(proxy: URL, target: URL, tls: AgentOptions): HttpAgent {
  const agent =
    target.protocol === "https:"
      ? new HttpsAgent({ ...tls, keepAlive: true })
      : new HttpAgent({ keepAlive: true });
  agent.createConnection = (options, callback) => {
    const tunnel = createTunnel(proxy, target);
    const socket =
      target.protocol === "https:"
        ? tlsConnect({
            ...tls,
            socket: tunnel,
            servername:
              (options as ConnectionOptions).servername ??
              (isIP(target.hostname) ? undefined : target.hostname),
          })
        : tunnel;
    callback?.(null, socket as Socket);
    return undefined as unknown as Socket;
  };
  return agent;
}

export { http1TunnelAgent, http2TunnelConnection, resolveProxy };
