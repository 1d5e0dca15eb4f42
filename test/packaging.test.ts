/**
 * The packed tarball, installed into fresh consumer projects: Node ESM, CommonJS through Node's
 * require(esm), TypeScript `nodenext` and `bundler`, publint, arethetypeswrong, the Node example.
 */

import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/emulator/index.js";
import {
  type Consumer,
  createConsumer,
  pinnedSpec,
  readJson,
  tscScript,
} from "./helpers/pack-consumer.js";
import { repoRoot, run, runNode } from "./helpers/pack-exec.js";
import {
  cjsScript,
  consumerTsconfig,
  deepImportSource,
  entryPoints,
  esmScript,
  negativeTsconfig,
  typedCjsSource,
  typedEsmSource,
} from "./helpers/pack-fixtures.js";
import { type PackedLibrary, packLibrary } from "./helpers/pack-tarball.js";

const token = "packaging-test-token";

let packed: PackedLibrary;
let files: string[];
let consumer: Consumer;
let api: Emulator;

beforeAll(async () => {
  packed = await packLibrary();
  const [listing, installed, server] = await Promise.all([
    run("tar", ["-tzf", packed.tarball], { cwd: repoRoot }),
    createConsumer({
      name: "packaging",
      packageJson: { type: "module" },
      files: {
        "esm.mjs": esmScript,
        "cjs.cjs": cjsScript,
        "src/check.ts": typedEsmSource,
        "src/check-cjs.cts": typedCjsSource,
        "negative/deep-import.ts": deepImportSource,
        "tsconfig.negative.json": negativeTsconfig,
        "tsconfig.nodenext.json": consumerTsconfig("nodenext", ["src"]),
        "tsconfig.bundler.json": consumerTsconfig("bundler", ["src/check.ts"]),
      },
      install: [packed.tarball, pinnedSpec("@types/node"), pinnedSpec("@connectrpc/connect")],
    }),
    startEmulator({ token }),
  ]);
  files = listing.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^package\//, ""));
  consumer = installed;
  api = server;
}, 120_000);

afterAll(async () => {
  consumer?.remove();
  await api?.close();
});

describe("the tarball", () => {
  it("ships built JavaScript, declarations and protos, and nothing else", () => {
    for (const file of [
      "package.json",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/node.js",
      "dist/src/web.d.ts",
      "dist/gen/zitadel/action/v2/target_pb.js",
      "dist/gen/zitadel/action/v2/target_pb.d.ts",
      "proto/zitadel/action/v2/target.proto",
    ]) {
      expect(files).toContain(file);
    }
    const unexpected = files.filter(
      (file) =>
        !/^(dist\/(src|gen)\/.+\.(js|d\.ts)|proto\/.+\.proto|package\.json|README\.md|LICENSE)$/.test(
          file,
        ),
    );
    expect(unexpected).toEqual([]);
  });

  it("has a tested entry for every export of the package", () => {
    const pkg = readJson<{ exports: Record<string, unknown> }>(
      join(consumer.dir, "node_modules", "zitadel-actions", "package.json"),
    );
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== "./package.json");
    const tested = entryPoints.map((entry) => `.${entry.slice("zitadel-actions".length)}`);
    for (const subpath of subpaths) {
      if (subpath.includes("*")) {
        const prefix = subpath.slice(0, subpath.indexOf("*"));
        expect(tested.some((t) => t.startsWith(prefix))).toBe(true);
      } else {
        expect(tested).toContain(subpath);
      }
    }
  });

  it("passes publint", async () => {
    const tarball = await import("node:fs/promises").then((fs) => fs.readFile(packed.tarball));
    const { messages, pkg } = await publint({
      pack: {
        tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.length),
      },
      level: "suggestion",
      strict: true,
    });
    const problems = messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`);
    expect(problems).toEqual([]);
  });

  it("passes arethetypeswrong, ignoring only require(esm) of an ESM-only package", async () => {
    const attw = join(repoRoot, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
    const result = await runNode(
      [attw, packed.tarball, "--ignore-rules", "cjs-resolves-to-esm", "--format", "json"],
      { cwd: repoRoot, allowFailure: true },
    );
    const report = JSON.parse(result.stdout) as {
      problems: Record<string, Array<{ kind: string; resolutionKind?: string }>>;
      analysis: {
        entrypoints: Record<
          string,
          { resolutions: Record<string, { resolution?: { fileName: string } }> }
        >;
      };
    };
    // The strict profile, minus one rule: attw 0.18 flags every `require()` that reaches ESM
    // (CJSResolvesToESM), which Node's require(esm) in our engines range makes work.
    const counted = Object.values(report.problems)
      .flat()
      .filter((p) => p.kind !== "CJSResolvesToESM");
    expect(counted).toEqual([]);
    expect(result.code).toBe(0);
    // Every entry's types resolve in all four modes, node10 (through typesVersions) included.
    for (const subpath of [".", "./node", "./web", "./emulator", "./receiver"]) {
      const resolutions = report.analysis.entrypoints[subpath]?.resolutions ?? {};
      for (const mode of ["node10", "node16-cjs", "node16-esm", "bundler"]) {
        expect(resolutions[mode]?.resolution?.fileName).toMatch(/\/dist\/src\/.+\.d\.ts$/);
      }
    }
  });

  it("mirrors every exported subpath's types in typesVersions (for node10 resolution)", () => {
    const pkg = readJson<{
      exports: Record<string, { types?: string } | string>;
      typesVersions: { "*": Record<string, string[]> };
    }>(join(consumer.dir, "node_modules", "zitadel-actions", "package.json"));
    const mirrored = Object.entries(pkg.exports)
      .filter(([subpath, value]) => subpath !== "." && typeof value !== "string")
      .map(([subpath, value]) => [
        subpath.slice(2),
        [(value as { types: string }).types.replace(/\*\.d\.ts$/, "*")],
      ]);
    expect(pkg.typesVersions).toEqual({ "*": Object.fromEntries(mirrored) });
  });
});

describe("a Node ESM consumer", () => {
  it("imports every entry point and generated module, and calls a real server", async () => {
    const genModules = files
      .filter((f) => /^dist\/gen\/.+\.js$/.test(f))
      .map((f) => `zitadel-actions/${f.replace(/^dist\//, "").replace(/\.js$/, "")}`);
    expect(genModules.length).toBeGreaterThanOrEqual(9);
    const { stdout, stderr } = await runNode(
      [
        "esm.mjs",
        JSON.stringify({ entries: entryPoints, genModules, baseUrl: api.baseUrl, token }),
      ],
      { cwd: consumer.dir },
    );
    expect(stderr).toBe("");
    const out = JSON.parse(stdout);
    expect(out.exports["zitadel-actions"]).toEqual(
      expect.arrayContaining(["Code", "ConnectError", "createActionsClient"]),
    );
    for (const entry of ["zitadel-actions/node", "zitadel-actions/web"]) {
      expect(out.exports[entry]).toEqual(
        expect.arrayContaining(["createActionsClient", "createActionsTransport"]),
      );
    }
    expect(out.exports["zitadel-actions/gen/zitadel/action/v2/target_pb"]).toEqual(
      expect.arrayContaining(["PayloadType", "TargetSchema", "file_zitadel_action_v2_target"]),
    );
    for (const entry of entryPoints) {
      expect(out.resolved[entry]).toMatch(
        /\/node_modules\/zitadel-actions\/dist\/(src|gen)\/.+\.js$/,
      );
    }
    for (const specifier of genModules) {
      expect(out.gen[specifier]).toHaveLength(1);
    }
    expect(out.call.id).toMatch(/^\d+$/);
    expect(out.call.signingKeyLength).toBe(36);
    expect(out.call.names).toContain("from-esm");
  });
});

describe("a CommonJS consumer", () => {
  it("requires every entry point through require(esm) and gets the ESM instances", async () => {
    const { stdout, stderr } = await runNode(
      ["cjs.cjs", JSON.stringify({ entries: entryPoints, baseUrl: api.baseUrl, token })],
      { cwd: consumer.dir },
    );
    // Nothing on stderr but, on Node 22.12.x only, require(esm)'s one-time experimental notice.
    const noise =
      /^.*ExperimentalWarning: .*(ES Module|require\(\)).*$|^\(Use `node --trace-warnings.*$/gm;
    expect(stderr.replace(noise, "").trim()).toBe("");
    const out = JSON.parse(stdout);
    for (const entry of entryPoints) {
      expect(out.sameInstance[entry]).toBe(true);
    }
    expect(out.exports["zitadel-actions/node"]).toEqual(
      expect.arrayContaining(["createActionsClient", "createActionsTransport"]),
    );
    expect(out.call.names).toContain("from-cjs");
    expect(out.call.typeNames).toEqual(["zitadel.action.v2.Target"]);
    expect(out.call.schemaTypeName).toBe("zitadel.action.v2.Target");
    expect(out.serverError).toEqual({ ours: true, connectCjs: true, code: true });
    expect(out.validation).toMatchObject({ ours: true, code: true });
    expect(out.validation.message).toMatch(/^\[invalid_argument\] baseUrl: /);
  });
});

describe("TypeScript consumers", () => {
  it.concurrent.each([
    ["nodenext", "tsconfig.nodenext.json"],
    ["bundler", "tsconfig.bundler.json"],
  ])("type-check with moduleResolution %s, including typed gen imports", async (_mode, config) => {
    const result = await runNode([tscScript, "-p", config], {
      cwd: consumer.dir,
      allowFailure: true,
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it.concurrent("refuse a deep import past the exports map (the check can fail)", async () => {
    const result = await runNode([tscScript, "-p", "tsconfig.negative.json"], {
      cwd: consumer.dir,
      allowFailure: true,
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(
      /deep-import\.ts.*TS2307.*'zitadel-actions\/dist\/src\/node\.js'/,
    );
  });
});

describe("examples/node", () => {
  it("lists targets from a real server", async () => {
    const example = await createConsumer({
      name: "node-example",
      copyFrom: join(repoRoot, "examples", "node"),
      install: [packed.tarball],
    });
    try {
      const { stdout } = await runNode(["list-targets.mjs"], {
        cwd: example.dir,
        env: { ZITADEL_BASE_URL: api.baseUrl, ZITADEL_TOKEN: token, ZITADEL_PROTOCOL: "grpc-web" },
      });
      expect(stdout).toMatch(/^\d+ targets\n/);
      expect(stdout).toMatch(/\tfrom-esm\trestWebhook\thttps:\/\/hooks\.example\.com\/esm\t3s\n/);
    } finally {
      example.remove();
    }
  });
});
