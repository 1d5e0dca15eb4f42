#!/usr/bin/env node
/**
 * The `zitadel-actions` command: `zitadel-actions emulator [--port 8080] [--token T] [--seed file.json]`.
 *
 * @module
 */
import { runCli } from "./cli-main.js";

const run = await runCli(process.argv.slice(2));
if (run.emulator === undefined) {
  process.exit(run.exitCode);
} else {
  const emulator = run.emulator;
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
