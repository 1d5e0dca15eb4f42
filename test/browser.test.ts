/**
 * `examples/browser` in Debian's headless Chromium: built with esbuild against the packed
 * tarball, served from its own origin, calling a real API server on another origin (CORS) over
 * gRPC-web and then over Connect; creates and lists targets and shows them on the page.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import {
  hasChromium,
  launchChromium,
  type StaticServer,
  serveStatic,
} from "./helpers/browser-page.js";
import { bundledInputs, findForbiddenInputs } from "./helpers/bundle-inputs.js";
import {
  type Consumer,
  createConsumer,
  npmInstall,
  pinnedSpec,
  readJson,
  writeJson,
} from "./helpers/pack-consumer.js";
import { repoRoot, run, runNode } from "./helpers/pack-exec.js";
import { packLibrary } from "./helpers/pack-tarball.js";

const token = "browser-test-token";
/** The API the page talks to; swap in the emulator here (it needs only `{ baseUrl, close }`). */
const startApi = () => startEmulator({ token });
const artifacts = join(repoRoot, "test", ".artifacts");
const skip = !hasChromium() && process.env.CI === undefined;

if (skip) {
  console.warn(
    "browser.test.ts skipped: /usr/bin/chromium is missing (apt-get install -y chromium). In CI it always runs.",
  );
}

describe.skipIf(skip)("examples/browser in headless Chromium", () => {
  let example: Consumer;
  let page: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    const { tarball } = await packLibrary();
    const [installed, launched] = await Promise.all([
      createConsumer({ name: "browser", copyFrom: join(repoRoot, "examples", "browser") }).then(
        async (consumer) => {
          // The example's own tool versions, pinned to what this repository installed (cached).
          const pkg = readJson<{ devDependencies: Record<string, string> }>(
            join(consumer.dir, "package.json"),
          );
          for (const name of Object.keys(pkg.devDependencies)) {
            pkg.devDependencies[name] = pinnedSpec(name).slice(name.length + 1);
          }
          writeJson(join(consumer.dir, "package.json"), pkg);
          await npmInstall(consumer.dir, [tarball]);
          await run("npm", ["run", "--silent", "build"], { cwd: consumer.dir });
          return consumer;
        },
      ),
      launchChromium(),
    ]);
    example = installed;
    browser = launched;
    page = await serveStatic(example.dir);
    mkdirSync(artifacts, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await page?.close();
    example?.remove();
  });

  it("type-checks the page against the DOM only (no Node types)", async () => {
    const tsc = join(example.dir, "node_modules", "typescript", "bin", "tsc");
    const result = await runNode([tsc, "--noEmit", "-p", "."], {
      cwd: example.dir,
      allowFailure: true,
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("bundles without @connectrpc/connect-node or node:* modules", () => {
    const metafile = JSON.parse(
      readFileSync(join(example.dir, "dist", "meta.json"), "utf8"),
    ) as Metafile;
    expect(findForbiddenInputs(metafile)).toEqual([]);
    const inputs = bundledInputs(metafile);
    expect(inputs).toContain("node_modules/zitadel-actions/dist/src/web.js");
    expect(inputs.some((i) => i.startsWith("node_modules/@connectrpc/connect-web/"))).toBe(true);
    expect(Object.keys(metafile.inputs).some((i) => /connect-node|^node:/.test(i))).toBe(false);
  });

  it.each([
    ["grpc-web", "application/grpc-web+proto"],
    ["connect", "application/json"],
  ])("creates and lists targets over %s", async (protocol, contentType) => {
    const total = 2;
    const api = await startApi();
    const tab = await browser.newPage({ viewport: { width: 900, height: 420 } });
    try {
      const requests: Array<{ url: string; method: string; contentType: string | undefined }> = [];
      tab.on("request", (req) => {
        if (req.url().startsWith(api.baseUrl)) {
          requests.push({
            url: req.url(),
            method: req.method(),
            contentType: req.headers()["content-type"],
          });
        }
      });
      const errors: string[] = [];
      tab.on("pageerror", (err) => errors.push(err.message));

      const query = new URLSearchParams({ api: api.baseUrl, protocol, token });
      await tab.goto(`${page.origin}/index.html?${query}`);
      const status = tab.locator("#status:not([data-state=loading])");
      await status.waitFor({ timeout: 15_000 });

      const statusText = await status.textContent();
      expect(statusText).toBe(`${total} targets via ${protocol}`);
      expect(await tab.locator("#status").getAttribute("data-state")).toBe("done");
      const items = await tab.locator("#targets li").allTextContents();
      expect(items).toHaveLength(total);
      expect(items).toEqual(
        expect.arrayContaining([
          `webhook-${protocol} · webhook · https://hooks.example.com/webhook · 10s`,
          `call-${protocol} · call · https://hooks.example.com/call · 5s`,
        ]),
      );
      const ids = await tab
        .locator("#targets li")
        .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id));
      for (const id of ids) {
        expect(id).toMatch(/^\d+$/);
      }
      expect(await tab.locator("body").textContent()).toContain(`webhook-${protocol}`);
      expect(errors).toEqual([]);

      // The calls really went cross-origin over the chosen protocol.
      const calls = requests.filter((r) => r.method === "POST");
      expect(calls.map((r) => new URL(r.url).pathname)).toEqual([
        "/zitadel.action.v2.ActionService/CreateTarget",
        "/zitadel.action.v2.ActionService/CreateTarget",
        "/zitadel.action.v2.ActionService/ListTargets",
      ]);
      for (const call of calls) {
        expect(call.contentType).toBe(contentType);
      }

      await tab.screenshot({ path: join(artifacts, `browser-${protocol}.png`), fullPage: true });
    } finally {
      await tab.close();
      await api.close();
    }
  });

  it("shows a server error on the page", async () => {
    const api = await startApi();
    const tab = await browser.newPage();
    try {
      const query = new URLSearchParams({ api: api.baseUrl, token: "not-the-token" });
      await tab.goto(`${page.origin}/index.html?${query}`);
      const status = tab.locator("#status[data-state=error]");
      await status.waitFor({ timeout: 15_000 });
      // 16 is Code.Unauthenticated; the message is the server's own.
      expect(await status.textContent()).toMatch(/^error: \[16\] \S/);
    } finally {
      await tab.close();
      await api.close();
    }
  });
});
