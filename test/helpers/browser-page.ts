/**
 * Serve a built browser example from its own origin and drive Debian's headless Chromium.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { listenLoopback } from "./loopback.js";

/** Where Debian's `chromium` package puts the browser. */
const chromiumPath = "/usr/bin/chromium";

/** Flags for a quiet, offline, root-friendly headless run in a container. */
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A static file server. */
interface StaticServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".css": "text/css",
};

/** Serve the files below `root` on an ephemeral port of 127.0.0.1 (GET only, no listing). */
async function serveStatic(root: string): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (req.method !== "GET" || !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
          "cache-control": "no-store",
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  const { baseUrl, close } = await listenLoopback(server);
  return { origin: baseUrl, close };
}

/** Return whether the system Chromium is installed. */
function hasChromium(): boolean {
  return existsSync(chromiumPath);
}

/** Launch the system Chromium headless (never a downloaded browser). */
function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

export type { StaticServer };
export { chromiumPath, hasChromium, launchChromium, serveStatic };
