import type { ParseArgsConfig } from "node:util";
import type { Emulator } from "../emulator/server.js";

/** Where a command writes; defaults to the process streams. */
interface CliIo {
  /** Write one line to standard output. */
  out?: (line: string) => void;
  /** Write one line to standard error. */
  err?: (line: string) => void;
  /** Environment variables the command reads (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Directory relative paths are resolved against (default `process.cwd()`). */
  cwd?: string;
}

/** The outcome of a command: its exit code, and the emulator when one keeps running. */
interface CliRun {
  /** 0 success, 1 error (bad flags included), 2 only where a command says so (`plan`: changes). */
  exitCode: number;
  /** The running emulator, if the command started one; the process stays up until it is closed. */
  emulator?: Emulator;
}

/** The parsed flags and positionals of one command line. */
interface CommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** The streams and environment a command runs with, all filled in. */
interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** One subcommand of `zitadel-actions`: its flags (for `node:util` parseArgs), help and action. */
interface CliCommand {
  /** The word that selects it, e.g. `plan`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text, starting with `Usage: zitadel-actions <name> …`. */
  usage: string;
  /** The flags, as `node:util` parseArgs takes them (`--help` is added for every command). */
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Whether the command takes positional arguments (default false). */
  allowPositionals?: boolean;
  /** Run with parsed flags; throw a `CliUsageError` for bad flags (exit 1 with the usage line). */
  run(args: CommandArgs, io: CommandIo): Promise<CliRun>;
}

/** A usage mistake: printed with a pointer to `--help`, exit code 1. */
class CliUsageError extends Error {
  override name = "CliUsageError";
}

export type { CliCommand, CliIo, CliRun, CommandArgs, CommandIo };
export { CliUsageError };
