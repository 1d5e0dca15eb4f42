/**
 * `examples/monorepo`: an npm-workspaces repo where `@example/actions-types` re-exports our
 * generated types and `@example/actions-app` uses them in typed functions. Copied to a temp dir,
 * installed from the packed tarball, type-checked, built and run against a real server.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PayloadType } from "../gen/zitadel/action/v2/target_pb.js";
import { createActionsClient } from "../src/client.js";
import { type Emulator, startEmulator } from "../src/emulator/index.js";
import { createActionsTransport } from "../src/node.js";
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

const token = "monorepo-test-token";

/** Run one of the example's npm scripts (optionally in one workspace); never rejects. */
function npmRun(cwd: string, script: string, workspace?: string) {
  const args = ["run", "--silent", script, ...(workspace ? ["-w", workspace] : [])];
  return run("npm", args, { cwd, allowFailure: true });
}

type PackageJson = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

describe("examples/monorepo", () => {
  let repo: Consumer;
  let api: Emulator;

  beforeAll(async () => {
    const { tarball } = await packLibrary();
    repo = await createConsumer({
      name: "monorepo",
      copyFrom: join(repoRoot, "examples", "monorepo"),
    });
    // Point every workspace at the packed tarball and pin tools to this repository's (cached) ones.
    const root = join(repo.dir, "package.json");
    const rootPkg = readJson<PackageJson>(root);
    for (const name of Object.keys(rootPkg.devDependencies ?? {})) {
      rootPkg.devDependencies![name] = pinnedSpec(name).slice(name.length + 1);
    }
    writeJson(root, rootPkg);
    for (const dir of readdirSync(join(repo.dir, "packages"))) {
      const path = join(repo.dir, "packages", dir, "package.json");
      const pkg = readJson<PackageJson>(path);
      if (pkg.dependencies?.["zitadel-actions"] !== undefined) {
        pkg.dependencies["zitadel-actions"] = `file:${tarball}`;
      }
      writeJson(path, pkg);
    }
    const [, server] = await Promise.all([npmInstall(repo.dir), startEmulator({ token })]);
    api = server;
  }, 120_000);

  afterAll(async () => {
    repo?.remove();
    await api?.close();
  });

  it("installs one copy of zitadel-actions for both workspaces", async () => {
    const { stdout } = await run("npm", ["ls", "zitadel-actions", "--all", "--parseable"], {
      cwd: repo.dir,
    });
    const copies = new Set(stdout.split("\n").filter((line) => line.endsWith("zitadel-actions")));
    expect(copies).toEqual(new Set([join(repo.dir, "node_modules", "zitadel-actions")]));
  });

  it("type-checks the app against the shared types with tsc --noEmit, builds, and runs", async () => {
    const check = await npmRun(repo.dir, "typecheck");
    expect(check.stdout + check.stderr).toBe("");
    expect(check.code).toBe(0);
    // `typecheck` built the types package already; `npm run build` would redo it.
    const build = await npmRun(repo.dir, "build", "@example/actions-app");
    expect(build.stdout + build.stderr).toBe("");

    const client = createActionsClient(
      createActionsTransport({ baseUrl: api.baseUrl, token, protocol: "connect" }),
    );
    const { id } = await client.raw.action.createTarget({
      name: "monorepo-hook",
      endpoint: "https://hooks.example.com/monorepo",
      targetType: { case: "restAsync", value: {} },
      timeout: { seconds: 2n, nanos: 500_000_000 },
      payloadType: PayloadType.JWT,
    });
    const { stdout, stderr } = await runNode(["packages/app/dist/main.js"], {
      cwd: repo.dir,
      env: { ZITADEL_BASE_URL: api.baseUrl, ZITADEL_TOKEN: token, ZITADEL_PROTOCOL: "grpc-web" },
    });
    expect(stderr).toBe("");
    expect(stdout).toBe(`${id}\tmonorepo-hook\trestAsync\t2500ms\tJWT\n`);
  });

  it("rejects a misuse of the shared types (the check can fail)", async () => {
    const misuse = join(repo.dir, "packages", "app", "src", "misuse.ts");
    writeFileSync(
      misuse,
      `import type { TargetSummary } from "@example/actions-types";
export const wrong: TargetSummary = { id: 7, name: "n", endpoint: "e", kind: "restCall", timeoutMs: 0 };
`,
    );
    try {
      if (!existsSync(join(repo.dir, "packages", "types", "dist", "index.d.ts"))) {
        await npmRun(repo.dir, "build", "@example/actions-types");
      }
      const result = await npmRun(repo.dir, "typecheck", "@example/actions-app");
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/misuse\.ts.*TS2322/);
    } finally {
      rmSync(misuse);
    }
  });
});
