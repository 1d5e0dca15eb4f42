import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSignatureHeader } from "../src/receiver/index.js";
import {
  eventBodyInline,
  functionBody,
  OTHER_SIGNING_KEY,
  requestBody,
  SIGNING_KEY,
} from "./helpers/receiver-fixtures.js";
import { createInstanceKey, signJwt, startJwksServer } from "./helpers/receiver-keys.js";

const root = resolve(import.meta.dirname, "..");
const receiverSource = join(root, "src/receiver/index.ts");
const examples = ["examples/receiver/node.ts", "examples/receiver/fetch.ts"].map((p) =>
  join(root, p),
);

let outDir: string;

/** Bundle an example with esbuild, resolving "zitadel-actions/receiver" to our source. */
async function bundle(entry: string): Promise<string> {
  const outfile = join(outDir, `${entry.split("/").pop()!.replace(/\.ts$/, "")}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
    plugins: [
      {
        name: "self-reference",
        setup(b) {
          b.onResolve({ filter: /^zitadel-actions\/receiver$/ }, () => ({ path: receiverSource }));
        },
      },
    ],
  });
  return outfile;
}

async function signed(body: string, key = SIGNING_KEY): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "zitadel-signature": await computeSignatureHeader({ body, signingKeys: key }),
  };
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "receiver-examples-"));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("receiver examples", () => {
  it("type-check strictly against the receiver's source", () => {
    const program = ts.createProgram(examples, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      verbatimModuleSyntax: true,
      noImplicitReturns: true,
      noUnusedLocals: true,
      skipLibCheck: true,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
      types: ["node"],
      baseUrl: root,
      paths: { "zitadel-actions/receiver": ["src/receiver/index.ts"] },
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });

  it("are the code blocks of the README section, verbatim", async () => {
    const doc = await readFile(join(root, "README.md"), "utf8");
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    for (const file of examples) {
      const code = (await readFile(file, "utf8")).trimEnd();
      expect(blocks).toContain(code);
      expect(code.split("\n").length).toBeLessThanOrEqual(16);
    }
  });

  describe("node example, run as a real process", () => {
    let child: ChildProcess;
    let url: string;
    let stdout = "";

    beforeAll(async () => {
      const file = await bundle(examples[0]!);
      child = spawn(process.execPath, [file], {
        env: { ...process.env, PORT: "0", ZITADEL_SIGNING_KEY: SIGNING_KEY },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const port = await new Promise<string>((resolvePort, reject) => {
        child.once("exit", (code) => reject(new Error(`example exited with ${code}`)));
        child.stdout!.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /port: (\d+)/.exec(stdout);
          if (match) resolvePort(match[1]!);
        });
      });
      url = `http://127.0.0.1:${port}/`;
    });
    afterAll(() => {
      child.kill();
    });

    it("answers a function call with the claim reply", async () => {
      const body = JSON.stringify(functionBody);
      const res = await fetch(url, { method: "POST", body, headers: await signed(body) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ append_claims: [{ key: "plan", value: "pro" }] });
    });

    it("logs an event and answers an empty 200", async () => {
      const body = JSON.stringify(eventBodyInline);
      const res = await fetch(url, { method: "POST", body, headers: await signed(body) });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
      await expect.poll(() => stdout).toContain("event user.human.added");
    });

    it("refuses a call signed with another key", async () => {
      const body = JSON.stringify(requestBody);
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: await signed(body, OTHER_SIGNING_KEY),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: "mismatch" });
    });
  });

  it("fetch example handles real Requests, including a JWT payload from the issuer's JWKS", async () => {
    const file = await bundle(examples[1]!);
    const worker = (await import(pathToFileURL(file).href)) as {
      default: { fetch: (request: Request, env: object) => Promise<Response> };
    };
    const instance = await createInstanceKey("example-instance-key");
    const jwks = await startJwksServer(instance.jwks);
    try {
      const env = { ZITADEL_SIGNING_KEY: SIGNING_KEY, ZITADEL_ISSUER: jwks.issuer };
      const call = async (body: string, key = SIGNING_KEY) =>
        worker.default.fetch(
          new Request("https://worker.example/", {
            method: "POST",
            body,
            headers: await signed(body, key),
          }),
          env,
        );

      const anonymous = JSON.stringify({ ...requestBody, userID: undefined });
      const denied = await call(anonymous);
      expect(denied.status).toBe(200);
      expect(await denied.json()).toEqual({
        forwardedStatusCode: 401,
        forwardedErrorMessage: "sign in",
      });

      const jwt = await signJwt(instance, JSON.stringify(functionBody));
      const claims = await call(jwt);
      expect(claims.status).toBe(200);
      expect(await claims.json()).toEqual({ append_claims: [{ key: "region", value: "eu" }] });
      expect(jwks.fetches()).toBe(1);

      const allowed = await call(JSON.stringify(requestBody));
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toBe("");

      expect((await call(JSON.stringify(requestBody), OTHER_SIGNING_KEY)).status).toBe(401);
    } finally {
      await jwks.close();
    }
  });
});
