/**
 * Build and `npm pack` the library at most once per source state, shared by every test file.
 *
 * Vitest runs test files in separate workers, so an in-memory cache is not enough: the tarball
 * lives under `test/.artifacts/pack/<hash>/`, keyed by a hash of everything that goes into it, and
 * a lock directory makes concurrent workers wait for the one that builds.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot, run } from "./pack-exec.js";

/** A packed tarball of the library. */
interface PackedLibrary {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** The package's `version` field. */
  version: string;
}

const lockStaleMs = 180_000;

/** Return the tarball for the current sources, building and packing only when they changed. */
async function packLibrary(): Promise<PackedLibrary> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const key = hashInputs();
  const base = join(repoRoot, "test", ".artifacts", "pack");
  const dir = join(base, key);
  const tarball = join(dir, `${pkg.name}-${pkg.version}.tgz`);
  const done = join(dir, "done");
  if (existsSync(done)) {
    return { tarball, version: pkg.version };
  }
  mkdirSync(base, { recursive: true });
  const lock = join(base, `${key}.lock`);
  await acquire(lock);
  try {
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // `npm pack` runs the `prepack` script, which is `npm run build`.
      await run("npm", ["pack", "--pack-destination", dir, "--silent"], { cwd: repoRoot });
      if (!existsSync(tarball)) {
        throw new Error(`npm pack did not produce ${tarball}`);
      }
      mkdirSync(done);
      pruneOld(base, key);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return { tarball, version: pkg.version };
}

function hashInputs(): string {
  const hash = createHash("sha256");
  const roots = [
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "README.md",
    "LICENSE",
    "src",
    "gen",
    "proto",
  ];
  for (const root of roots) {
    for (const file of listFiles(join(repoRoot, root))) {
      hash.update(relative(repoRoot, file));
      hash.update("\0");
      hash.update(readFileSync(file));
      hash.update("\0");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

function listFiles(path: string): string[] {
  if (!existsSync(path)) {
    return [];
  }
  if (!statSync(path).isDirectory()) {
    return [path];
  }
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => listFiles(join(path, entry.name)));
}

async function acquire(lock: string): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw err;
      }
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > lockStaleMs) {
        // A crashed run left it behind.
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
    } catch {
      continue;
    }
    await sleep(100);
  }
}

function pruneOld(base: string, keep: string): void {
  for (const entry of readdirSync(base)) {
    if (entry !== keep && !entry.endsWith(".lock")) {
      rmSync(join(base, entry), { recursive: true, force: true });
    }
  }
}

export type { PackedLibrary };
export { packLibrary };
