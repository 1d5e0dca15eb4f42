/**
 * Process helpers for the packaging tests: run a command and fail with its output.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (with a trailing separator removed). */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url)).replace(/[\\/]$/, "");

/** Options of `run`. */
interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Resolve instead of rejecting when the command exits non-zero. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

/** What a finished command printed and how it exited. */
interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command without a shell; reject with its output when it fails (unless `allowFailure`). */
function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...cleanEnv(), ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        const result = { code, stdout, stderr };
        if (error && !options.allowFailure) {
          reject(
            new Error(
              `${command} ${args.join(" ")} (in ${options.cwd}) failed with ${String(error.code ?? error.signal)}\n` +
                `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
          return;
        }
        resolve(result);
      },
    );
  });
}

/** Run a Node script with the current Node binary. */
function runNode(args: string[], options: RunOptions): Promise<RunResult> {
  return run(process.execPath, args, options);
}

const keptNpmConfig = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_registry"]);

// `npm test` exports npm_* variables (prefixes, lifecycle event, package paths) that would make a
// nested npm or a consumer script believe it runs inside this repository; drop all but the cache
// and registry settings a CI may pass through the environment.
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const npmVar = /^npm_/i.test(name) && !keptNpmConfig.has(name.toLowerCase());
    if (!npmVar && name !== "INIT_CWD" && !name.startsWith("VITEST")) {
      env[name] = value;
    }
  }
  env.NODE_OPTIONS = "";
  return env;
}

export type { RunOptions, RunResult };
export { repoRoot, run, runNode };
