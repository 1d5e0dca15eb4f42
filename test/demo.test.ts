import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedPackage } from "./helpers/installed-package.js";
import type { Consumer } from "./helpers/pack-consumer.js";
import { repoRoot, runNode } from "./helpers/pack-exec.js";

const example = join(repoRoot, "examples", "quickstart.mjs");

describe("the README quick start (`npm run demo`)", () => {
  let consumer: Consumer;
  beforeAll(async () => {
    consumer = await installedPackage();
    copyFileSync(example, join(consumer.dir, "quickstart.mjs"));
  }, 180_000);
  afterAll(() => consumer?.remove());

  it("runs end to end against the embedded emulator over gRPC and gRPC-web, from the packed package", async () => {
    const { code, stdout, stderr } = await runNode(["quickstart.mjs"], { cwd: consumer.dir });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const protocol of ["grpc", "grpc-web"]) {
      expect(stdout).toContain(` over ${protocol}\n`);
      expect(stdout).toMatch(
        new RegExp(`quickstart-enrich-${protocol}-3 {2}call {2}1500 ms {2}JWT`),
      );
    }
    expect(stdout.match(/signing key rotated: true/g)).toHaveLength(2);
    expect(stdout.match(/page at offset 2 \(2 of 4\)/g)).toHaveLength(2);
    expect(stdout.match(/targets left: 0/g)).toHaveLength(2);
    expect(stdout).toMatch(/flow COMPLEMENT_TOKEN: \[\{"triggerType":"PRE_ACCESS_TOKEN_CREATION"/);
    expect(stdout.trimEnd().endsWith("done")).toBe(true);
  });

  it("is the example the README shows", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const source = readFileSync(example, "utf8");
    expect(readme).toContain(`\`\`\`js\n${source}\`\`\``);
  });
});
