import type { CallOptions } from "@connectrpc/connect";
import { invalidArgument } from "../errors.js";

/**
 * Return call options with `signal` replaced, keeping everything else the caller set.
 */
function withSignal(options: CallOptions | undefined, signal: AbortSignal): CallOptions {
  return { ...options, signal };
}

/**
 * Return an id after checking it is a non-empty string of at most 200 characters.
 */
function requireId(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw invalidArgument(field, "must be a non-empty id");
  }
  if ([...value].length > 200) {
    throw invalidArgument(field, "must be at most 200 characters");
  }
  return value;
}

/**
 * Check that a string has between `min` and `max` characters (Unicode code points).
 */
function requireLength(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== "string") {
    throw invalidArgument(field, `must be a string of ${min} to ${max} characters`);
  }
  const length = [...value].length;
  if (length < min || length > max) {
    throw invalidArgument(field, `must be ${min} to ${max} characters long, got ${length}`);
  }
  return value;
}

/**
 * Check a list of ids: a non-empty array of non-empty ids.
 */
function requireIds(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidArgument(field, "must be a non-empty array of ids");
  }
  return value.map((id, index) => requireId(id, `${field}[${index}]`));
}

export { requireId, requireIds, requireLength, withSignal };
