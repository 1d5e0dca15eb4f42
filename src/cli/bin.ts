#!/usr/bin/env node
/**
 * The `zitadel-actions` command. Run `zitadel-actions --help` for its commands.
 *
 * @module
 */
import { runCli } from "./main.js";

const run = await runCli(process.argv.slice(2));
if (run.emulator === undefined) {
  // Exit once the output is flushed: an idle HTTP/2 session must not keep the command alive.
  process.stdout.write("", () => process.exit(run.exitCode));
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
