import { readFile } from "node:fs/promises";
import type { EmulatorSeed } from "./seed.js";
import { type Emulator, startEmulator } from "./server.js";

/** Where the CLI writes; defaults to the process streams. */
interface CliIo {
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** The outcome of `runCli`: a running emulator, or an exit code when nothing was started. */
interface CliRun {
  /** Exit code when the CLI finished without starting a server (help, usage error). */
  exitCode: number;
  /** The running emulator, if one was started. */
  emulator?: Emulator;
}

const usage = `Usage: zitadel-actions emulator [--port 8080] [--host 127.0.0.1] [--token T] [--seed file.json] [--latency ms]

Serves an in-memory ZITADEL Actions API (v2 ActionService, v1 actions & flows) for development
and tests, over gRPC (HTTP/2 cleartext), gRPC-web and Connect on one port.`;

/** Run the `zitadel-actions` command line with the given arguments (without `node` and the script). */
async function runCli(argv: readonly string[], io: CliIo = {}): Promise<CliRun> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    out(usage);
    return { exitCode: command === undefined ? 1 : 0 };
  }
  if (command !== "emulator") {
    err(`unknown command "${command}"\n\n${usage}`);
    return { exitCode: 2 };
  }
  let flags: Record<string, string>;
  try {
    flags = parseFlags(rest);
  } catch (e) {
    err(`${(e as Error).message}\n\n${usage}`);
    return { exitCode: 2 };
  }
  if ("help" in flags) {
    out(usage);
    return { exitCode: 0 };
  }
  const port = flags.port === undefined ? 8080 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err("--port: must be an integer between 0 and 65535");
    return { exitCode: 2 };
  }
  const latencyMs = flags.latency === undefined ? undefined : Number(flags.latency);
  if (latencyMs !== undefined && !(latencyMs >= 0)) {
    err("--latency: must be a non-negative number of milliseconds");
    return { exitCode: 2 };
  }
  let seed: EmulatorSeed | undefined;
  if (flags.seed !== undefined) {
    try {
      seed = JSON.parse(await readFile(flags.seed, "utf8")) as EmulatorSeed;
    } catch (e) {
      err(`--seed: cannot read ${flags.seed}: ${(e as Error).message}`);
      return { exitCode: 2 };
    }
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      port,
      host: flags.host ?? "127.0.0.1",
      ...(flags.token === undefined ? {} : { token: flags.token }),
      ...(seed === undefined ? {} : { seed }),
      ...(latencyMs === undefined ? {} : { latencyMs }),
    });
  } catch (e) {
    err(`cannot start the emulator: ${(e as Error).message}`);
    return { exitCode: 1 };
  }
  out(`ZITADEL Actions emulator listening on ${emulator.baseUrl}`);
  if (flags.token !== undefined) out("Calls must send: authorization: Bearer <the --token value>");
  return { exitCode: 0, emulator };
}

const knownFlags = new Set(["port", "host", "token", "seed", "latency", "help"]);

function parseFlags(args: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") {
      flags.help = "";
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (match === null || !knownFlags.has(match[1]!)) throw new Error(`unknown argument "${arg}"`);
    const name = match[1]!;
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new Error(`--${name}: missing value`);
    flags[name] = value;
  }
  return flags;
}

export type { CliIo, CliRun };
export { runCli };
