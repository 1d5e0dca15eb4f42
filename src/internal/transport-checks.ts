import { Code, ConnectError } from "@connectrpc/connect";
import type { ActionsTransportOptions } from "../transport-options.js";
import { defaultMaxBytes, type MessageLimits } from "./grpc-framing.js";

/** The option names every `createActionsTransport` takes. */
const commonOptionNames = [
  "baseUrl",
  "token",
  "auth",
  "orgId",
  "interceptors",
  "defaultTimeoutMs",
  "retry",
  "allowInsecure",
  "readMaxBytes",
  "writeMaxBytes",
] as const;

/**
 * Refuse any option this transport does not know, naming it, so that a typo or an option of the
 * other runtime's transport is never silently ignored.
 */
function assertKnownOptions(options: object, extra: readonly string[], where: string): void {
  const known = new Set<string>([...commonOptionNames, ...extra]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new ConnectError(
        `${key.slice(0, 40)}: not an option of ${where}; it takes ${[...known].join(", ")}`,
        Code.InvalidArgument,
      );
    }
  }
}

/** Read `readMaxBytes` and `writeMaxBytes` (positive integers, default 4 MiB each). */
function messageLimits(options: ActionsTransportOptions): MessageLimits {
  return {
    readMaxBytes: byteLimit("readMaxBytes", options.readMaxBytes),
    writeMaxBytes: byteLimit("writeMaxBytes", options.writeMaxBytes),
  };
}

function byteLimit(name: string, value: unknown): number {
  if (value === undefined) return defaultMaxBytes;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ConnectError(
      `${name}: must be a positive integer number of bytes, or left unset (default ${defaultMaxBytes})`,
      Code.InvalidArgument,
    );
  }
  return value;
}

export { assertKnownOptions, messageLimits };
