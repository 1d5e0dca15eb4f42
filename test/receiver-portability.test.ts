import { createContext, runInContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { requestBody, SIGNING_KEY } from "./helpers/receiver-fixtures.js";
import { opensslSignatureHeader } from "./helpers/receiver-openssl.js";

/** Bundle the receiver entry for the browser, as a worker or edge bundler would. */
async function browserBundle(format: "esm" | "iife"): Promise<string> {
  const result = await build({
    entryPoints: ["src/receiver/index.ts"],
    bundle: true,
    platform: "browser",
    format,
    globalName: format === "iife" ? "receiver" : undefined,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

describe("receiver portability", () => {
  it("bundles for the browser without any node: import", async () => {
    const code = await browserBundle("esm");
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/require\(/);
  });

  it("runs with only web globals (no process, no Buffer)", async () => {
    const code = await browserBundle("iife");
    const context = createContext({
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
      atob,
      btoa,
      URL,
      Headers,
      Request,
      Response,
      ReadableStream,
      console,
    });
    runInContext(code, context);
    const body = JSON.stringify(requestBody);
    const t = Math.floor(Date.now() / 1000);
    const header = opensslSignatureHeader([SIGNING_KEY], t, body);
    context.input = { body, header, key: SIGNING_KEY };
    const result = await runInContext(
      `(async () => {
        const { verifySignature, readPayload, createFetchReceiver } = receiver;
        const verified = await verifySignature({ body: input.body, header: input.header, signingKeys: input.key });
        const payload = await readPayload(
          { body: input.body, headers: { "ZITADEL-Signature": input.header } },
          { signingKeys: input.key },
        );
        const handle = createFetchReceiver((p) => ({ kind: p.kind }), { signingKeys: input.key });
        const response = await handle(new Request("https://edge.example/", {
          method: "POST", body: input.body, headers: { "ZITADEL-Signature": input.header },
        }));
        return JSON.stringify({ ok: verified.ok, kind: payload.kind, reply: await response.json(),
          hasProcess: typeof process !== "undefined", hasBuffer: typeof Buffer !== "undefined" });
      })()`,
      context,
    );
    expect(JSON.parse(result as string)).toEqual({
      ok: true,
      kind: "request",
      reply: { kind: "request" },
      hasProcess: false,
      hasBuffer: false,
    });
  });
});
