/**
 * Fresh consumer projects that install the packed tarball, the way a user's project would.
 *
 * Consumers live in the OS temp directory, outside this repository, so Node and TypeScript
 * cannot fall back to the repository's own `node_modules` and hide a missing dependency.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { repoRoot, run } from "./pack-exec.js";

/** Options of `createConsumer`. */
interface ConsumerOptions {
  /** Short name, used in the temp directory's name. */
  name: string;
  /** Copy this directory first (an example), without its `node_modules` and `dist`. */
  copyFrom?: string;
  /** Fields of the consumer's `package.json` when `copyFrom` brings none. */
  packageJson?: Record<string, unknown>;
  /** Files to write, by path relative to the consumer. */
  files?: Record<string, string>;
  /** What to `npm install` (tarball paths or `name@version`); nothing when empty. */
  install?: string[];
}

/** A consumer project on disk. */
interface Consumer {
  dir: string;
  /** Delete the consumer's directory. */
  remove(): void;
}

/** Absolute path of the repository's TypeScript compiler script. */
const tscScript = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

/** Create a temp consumer project and install packages into it. */
async function createConsumer(options: ConsumerOptions): Promise<Consumer> {
  const dir = mkdtempSync(join(tmpdir(), `za-${options.name}-`));
  if (options.copyFrom !== undefined) {
    cpSync(options.copyFrom, dir, {
      recursive: true,
      filter: (src) => !["node_modules", "dist", "package-lock.json"].includes(basename(src)),
    });
  } else {
    writeJson(join(dir, "package.json"), {
      name: `za-${options.name}`,
      private: true,
      ...options.packageJson,
    });
  }
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  if (options.install !== undefined && options.install.length > 0) {
    await npmInstall(dir, options.install);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run `npm install` in `dir`, from the npm cache where it has the package and from the registry otherwise, without lifecycle scripts. */
async function npmInstall(dir: string, specs: string[] = []): Promise<void> {
  await run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      ...specs,
    ],
    { cwd: dir },
  );
}

/** Return `name@version` of a package as installed in this repository, so consumers test against the same version. */
function pinnedSpec(name: string): string {
  const pkg = JSON.parse(
    readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8"),
  ) as { version: string };
  return `${name}@${pkg.version}`;
}

/** Write a value as formatted JSON. */
function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Read a JSON file. */
function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export type { Consumer, ConsumerOptions };
export { createConsumer, npmInstall, pinnedSpec, readJson, tscScript, writeJson };
