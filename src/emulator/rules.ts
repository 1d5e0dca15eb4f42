import type { Duration } from "@bufbuild/protobuf/wkt";
import type { ConnectError } from "@connectrpc/connect";
import { ruleError } from "./errors.js";

/** A path of `[message, field]` pairs, outermost first (see `ruleError`). */
type RulePath = Array<[string, string]>;

/** Return the number of Unicode code points of a string (PGV counts runes). */
function runeCount(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Check a string's rune length against `min..max` and return the rule error, if any. */
function checkLength(
  path: RulePath,
  value: string,
  min: number,
  max: number,
): ConnectError | undefined {
  const n = runeCount(value);
  if (min > 0 && max > 0 && (n < min || n > max)) {
    return ruleError(path, `value length must be between ${min} and ${max} runes, inclusive`);
  }
  if (min > 0 && max === 0 && n < min) {
    return ruleError(path, `value length must be at least ${min} runes`);
  }
  if (min === 0 && max > 0 && n > max) {
    return ruleError(path, `value length must be at most ${max} runes`);
  }
  return undefined;
}

/** Check a byte string's length against `min..max` bytes. */
function checkBytes(
  path: RulePath,
  value: Uint8Array,
  min: number,
  max: number,
): ConnectError | undefined {
  if (value.length < min || value.length > max) {
    return ruleError(path, `value length must be between ${min} and ${max} bytes, inclusive`);
  }
  return undefined;
}

/** Check the UTF-8 size of a string against a maximum in bytes. */
function checkMaxBytes(path: RulePath, value: string, max: number): ConnectError | undefined {
  if (Buffer.byteLength(value, "utf8") > max) {
    return ruleError(path, `value length must be at most ${max} bytes`);
  }
  return undefined;
}

/** Return a duration in nanoseconds as a bigint. */
function durationNanos(d: Duration): bigint {
  return d.seconds * 1_000_000_000n + BigInt(d.nanos);
}

/** Format seconds the way Go's `time.Duration.String()` does for whole seconds (`4m30s`, `20s`, `0s`). */
function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`;
}

/** Check an optional duration lies within `0s..maxSeconds` (inclusive); absent passes. */
function checkDurationRange(
  path: RulePath,
  value: Duration | undefined,
  maxSeconds: number,
): ConnectError | undefined {
  if (value === undefined) return undefined;
  if (!isValidDuration(value)) return ruleError(path, "value is not a valid duration");
  const n = durationNanos(value);
  if (n < 0n || n > BigInt(maxSeconds) * 1_000_000_000n) {
    return ruleError(path, `value must be inside range [0s, ${goDuration(maxSeconds)}]`);
  }
  return undefined;
}

/** Check an optional duration equals exactly zero; absent passes. */
function checkDurationZero(path: RulePath, value: Duration | undefined): ConnectError | undefined {
  if (value === undefined) return undefined;
  if (!isValidDuration(value)) return ruleError(path, "value is not a valid duration");
  if (durationNanos(value) !== 0n) return ruleError(path, "value must equal 0s");
  return undefined;
}

function isValidDuration(d: Duration): boolean {
  const maxSeconds = 315_576_000_000n;
  if (d.seconds > maxSeconds || d.seconds < -maxSeconds) return false;
  if (d.nanos <= -1_000_000_000 || d.nanos >= 1_000_000_000) return false;
  return !((d.seconds > 0n && d.nanos < 0) || (d.seconds < 0n && d.nanos > 0));
}

/** Check an enum value is one of the given defined numbers. */
function checkDefined(
  path: RulePath,
  value: number,
  defined: readonly number[],
): ConnectError | undefined {
  return defined.includes(value)
    ? undefined
    : ruleError(path, "value must be one of the defined enum values");
}

/** Return the first error of a list of lazily evaluated checks. */
function firstError(...checks: Array<() => ConnectError | undefined>): ConnectError | undefined {
  for (const check of checks) {
    const err = check();
    if (err !== undefined) return err;
  }
  return undefined;
}

export type { RulePath };
export {
  checkBytes,
  checkDefined,
  checkDurationRange,
  checkDurationZero,
  checkLength,
  checkMaxBytes,
  durationNanos,
  firstError,
};
