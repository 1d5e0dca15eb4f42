import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  type CliCommand,
  type CliIo,
  type CliRun,
  CliUsageError,
  type CommandIo,
} from "./command.js";
import { emulatorCommand } from "./emulator.js";

/** Every subcommand, in the order `--help` lists them. */
const commands: readonly CliCommand[] = [emulatorCommand];

/**
 * Run the `zitadel-actions` command line with the given arguments (without `node` and the script).
 *
 * @example
 * ```ts
 * const run = await runCli(["emulator", "--port", "0"], { out: console.log });
 * await run.emulator?.close();
 * ```
 */
async function runCli(argv: readonly string[], io: CliIo = {}): Promise<CliRun> {
  const full: CommandIo = {
    out: io.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: io.err ?? ((line) => process.stderr.write(`${line}\n`)),
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
  };
  const [name, ...rest] = argv;
  if (name === undefined) {
    full.err(topUsage());
    return { exitCode: 1 };
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const command = commands.find((c) => c.name === rest[0]);
    full.out(command?.usage ?? topUsage());
    return { exitCode: 0 };
  }
  if (name === "--version" || name === "-v") {
    full.out(packageVersion());
    return { exitCode: 0 };
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    full.err(`zitadel-actions: unknown command "${clip(name)}"\n\n${topUsage()}`);
    return { exitCode: 1 };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    if (values.help === true) {
      full.out(command.usage);
      return { exitCode: 0 };
    }
    return await command.run({ values, positionals }, full);
  } catch (e) {
    const message = usageMessage(e);
    if (message === undefined) throw e;
    full.err(
      `zitadel-actions ${command.name}: ${message}\nRun "zitadel-actions ${command.name} --help" for usage.`,
    );
    return { exitCode: 1 };
  }
}

/** Turn a usage mistake (ours or parseArgs') into one line; undefined for any other error. */
function usageMessage(e: unknown): string | undefined {
  if (e instanceof CliUsageError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  const text = e instanceof Error ? e.message : "";
  const quoted = /'(-[^' ]+|[^']+)'/.exec(text)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option "${clip(quoted)}"`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const flag = quoted.split(" ")[0];
      if (/ambiguous/.test(text))
        return `${flag}: write a value that starts with "-" as ${flag}=<value>`;
      return /argument missing/.test(text) ? `${flag}: missing value` : `${flag}: takes no value`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${clip(quoted)}"`;
    default:
      return undefined;
  }
}

function topUsage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `Usage: zitadel-actions <command> [options]

Commands:
${list}

Run "zitadel-actions <command> --help" for a command's options; "zitadel-actions --version" for the version.`;
}

/** Read this package's version from the nearest package.json above this module. */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "zitadel-actions") return pkg.version ?? "unknown";
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

/** Quote at most 60 characters of user input. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type { CliIo, CliRun };
export { runCli };
