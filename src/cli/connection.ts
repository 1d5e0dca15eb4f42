import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Transport } from "@connectrpc/connect";
import { createJwtProfileAuth } from "../auth.js";
import { createActionsTransport, type NodeActionsTransportOptions } from "../node.js";
import { CliUsageError, type CommandArgs, type CommandIo } from "./command.js";
import { stringFlag } from "./flags.js";

/** The flags every command that talks to ZITADEL takes (parseArgs options). */
const connectionOptions = {
  url: { type: "string" },
  token: { type: "string" },
  "key-file": { type: "string" },
  protocol: { type: "string" },
} as const;

/** The help lines of `connectionOptions`. */
const connectionUsage = `Connection:
  --url URL          ZITADEL's base URL (or ZITADEL_BASE_URL)
  --token T          a personal access token (or ZITADEL_TOKEN)
  --key-file FILE    a service-account key file, JWT profile login (or ZITADEL_KEY_FILE)
  --protocol P       grpc (default), grpc-web or connect`;

const protocols = ["grpc", "grpc-web", "connect"] as const;

/**
 * Build a transport from `--url`, `--token`, `--key-file` and `--protocol`, each falling back to
 * its environment variable; `extra` adds transport options such as `orgId`.
 */
async function transportFromFlags(
  { values }: CommandArgs,
  io: CommandIo,
  extra: Partial<NodeActionsTransportOptions> = {},
): Promise<Transport> {
  const baseUrl = stringFlag(values, "url") ?? io.env.ZITADEL_BASE_URL;
  if (baseUrl === undefined || baseUrl === "") {
    throw new CliUsageError("--url: missing; give --url or set ZITADEL_BASE_URL");
  }
  const protocol = stringFlag(values, "protocol") ?? "grpc";
  if (!(protocols as readonly string[]).includes(protocol)) {
    throw new CliUsageError(
      `--protocol: must be one of ${protocols.join(", ")}, got "${protocol.slice(0, 40)}"`,
    );
  }
  const token = stringFlag(values, "token") ?? emptyToUndefined(io.env.ZITADEL_TOKEN);
  const keyFile = stringFlag(values, "key-file") ?? emptyToUndefined(io.env.ZITADEL_KEY_FILE);
  if (token !== undefined && keyFile !== undefined) {
    throw new CliUsageError("--token and --key-file: give one of them, not both");
  }
  let auth: NodeActionsTransportOptions["auth"];
  if (keyFile !== undefined) {
    let key: string;
    try {
      key = await readFile(resolve(io.cwd, keyFile), "utf8");
    } catch (e) {
      throw new CliUsageError(
        `--key-file: cannot read ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? "error"}`,
      );
    }
    auth = createJwtProfileAuth({ key, issuer: baseUrl });
  }
  return createActionsTransport({
    baseUrl,
    protocol: protocol as (typeof protocols)[number],
    ...(token === undefined ? {} : { token }),
    ...(auth === undefined ? {} : { auth }),
    ...extra,
  });
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

export { connectionOptions, connectionUsage, transportFromFlags };
