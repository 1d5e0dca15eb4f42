import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { EmulatorSeed } from "../emulator/seed.js";
import { type Emulator, startEmulator } from "../emulator/server.js";
import { type CliCommand, CliUsageError } from "./command.js";
import { integerFlag, numberFlag, stringFlag } from "./flags.js";

const usage = `Usage: zitadel-actions emulator [--port 8080] [--host 127.0.0.1] [--token T] [--seed file.json] [--latency ms]

Serves an in-memory ZITADEL Actions API (v2 ActionService, v1 actions & flows) for development
and tests, over gRPC (HTTP/2 cleartext), gRPC-web and Connect on one port. It runs until it is
stopped (Ctrl-C, SIGTERM).

Options:
  --port N        port to listen on (default 8080; 0 picks a free one)
  --host H        address to bind (default 127.0.0.1)
  --token T       require "authorization: Bearer T" on every call
  --seed FILE     start with the targets, executions and v1 data of a JSON seed file
  --latency MS    delay every answer by MS milliseconds
  -h, --help      show this help`;

/** The `emulator` command: start the emulator and keep it running. */
const emulatorCommand: CliCommand = {
  name: "emulator",
  summary: "serve an in-memory ZITADEL Actions API for development and tests",
  usage,
  options: {
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    seed: { type: "string" },
    latency: { type: "string" },
  },
  async run({ values }, io) {
    const port = integerFlag(values, "port", { min: 0, max: 65535 }) ?? 8080;
    const latencyMs = numberFlag(values, "latency", { min: 0 });
    const token = stringFlag(values, "token");
    const seedFile = stringFlag(values, "seed");
    let seed: EmulatorSeed | undefined;
    if (seedFile !== undefined) {
      try {
        seed = JSON.parse(await readFile(resolve(io.cwd, seedFile), "utf8")) as EmulatorSeed;
      } catch (e) {
        throw new CliUsageError(`--seed: cannot read ${seedFile}: ${(e as Error).message}`);
      }
    }
    let emulator: Emulator;
    try {
      emulator = await startEmulator({
        port,
        host: stringFlag(values, "host") ?? "127.0.0.1",
        ...(token === undefined ? {} : { token }),
        ...(seed === undefined ? {} : { seed }),
        ...(latencyMs === undefined ? {} : { latencyMs }),
      });
    } catch (e) {
      io.err(`cannot start the emulator: ${(e as Error).message}`);
      return { exitCode: 1 };
    }
    io.out(`ZITADEL Actions emulator listening on ${emulator.baseUrl}`);
    if (token !== undefined) io.out("Calls must send: authorization: Bearer <the --token value>");
    return { exitCode: 0, emulator };
  },
};

export { emulatorCommand };
