import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const buf = join(root, "node_modules", ".bin", "buf");
const scratch = mkdtempSync(join(tmpdir(), "zitadel-actions-gen-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe("gen/", () => {
  it("is exactly what `npm run gen` produces from proto/", () => {
    const env = {
      ...process.env,
      PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
    };
    execFileSync(buf, ["generate", "--output", scratch], { cwd: root, env, stdio: "pipe" });
    const fresh = join(scratch, "gen");
    const committed = join(root, "gen");
    const freshFiles = listFiles(fresh);
    expect(listFiles(committed)).toEqual(freshFiles);
    for (const file of freshFiles) {
      const same =
        readFileSync(join(fresh, file), "utf8") === readFileSync(join(committed, file), "utf8");
      expect(same, `gen/${file} is stale: run npm run gen`).toBe(true);
    }
  });
});

const contractCompare = join(root, "..", "shared", "contract", "contract-compare.mjs");

describe.skipIf(!existsSync(contractCompare))("wire contract (../shared present)", () => {
  it("matches ZITADEL for ActionService v2 and the v1 actions & flows RPCs", () => {
    const image = join(scratch, "image.binpb");
    execFileSync(buf, ["build", "-o", image], { cwd: root, stdio: "pipe" });
    const out = execFileSync(
      process.execPath,
      [contractCompare, image, "--services", "v2,mgmt", "--strict", "--quiet"],
      { cwd: root, stdio: "pipe", encoding: "utf8", timeout: 120_000 },
    );
    expect(out).toMatch(/v2: .* — OK/);
    expect(out).toMatch(/mgmt: .* — OK/);
  });
});
