/**
 * Durations: friendly inputs (milliseconds, `"10s"`, `"1m30s"`, a `Duration`) to exact
 * `google.protobuf.Duration` messages, and milliseconds back out.
 *
 * @module
 */
import { create, fromJson, isMessage, toJson } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, durationFromMs, durationMs } from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "./errors.js";

/**
 * A duration as a user writes it: milliseconds, a protobuf JSON string (`"10s"`, `"1.5s"`), a Go-style
 * string (`"500ms"`, `"1m30s"`) or a `google.protobuf.Duration` message.
 */
type DurationInput = number | string | Duration;

/**
 * Options of `durationFromInput`.
 */
interface DurationInputOptions {
  /** The field named in error messages (default `"duration"`). */
  field?: string;
  /** The largest allowed value, compared exactly in seconds and nanoseconds. */
  max?: DurationInput;
}

const nanosPerSecond = 1_000_000_000n;
// google.protobuf.Duration spans about ±10,000 years.
const maxSeconds = 315_576_000_000n;
const protoJsonPattern = /^(\d+)(?:\.(\d+))?s$/;
const goPattern = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const goPart = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g;
const goUnitNanos: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: nanosPerSecond,
  m: 60n * nanosPerSecond,
  h: 3600n * nanosPerSecond,
};
const shapeRule =
  'must be milliseconds (number), a protobuf duration like "10s" / "1.5s" or a Go duration like "500ms" / "1m30s"';

/**
 * Create an exact `google.protobuf.Duration` from a friendly input, rejecting NaN, negatives,
 * fractions below a nanosecond and values above `max` with an `InvalidArgument` error.
 *
 * @example
 * ```ts
 * durationFromInput("1m30s"); // { seconds: 90n, nanos: 0 }
 * durationFromInput(1500, { field: "timeout", max: "270s" }); // { seconds: 1n, nanos: 500000000 }
 * ```
 */
function durationFromInput(input: DurationInput, options: DurationInputOptions = {}): Duration {
  const field = options.field ?? "duration";
  const duration = parseDuration(input, field);
  if (options.max !== undefined) {
    const max = parseDuration(options.max, "max");
    if (totalNanos(duration) > totalNanos(max)) {
      throw invalidArgument(
        field,
        `must be at most ${formatDuration(max)}, got ${formatDuration(duration)}`,
      );
    }
  }
  return duration;
}

/**
 * Return whether a duration is exactly zero.
 */
function isZeroDuration(duration: Duration): boolean {
  return duration.seconds === 0n && duration.nanos === 0;
}

/**
 * Return a duration in protobuf JSON form, e.g. `"1.500s"`, for messages.
 */
function formatDuration(duration: Duration): string {
  return toJson(DurationSchema, duration) as string;
}

function parseDuration(input: DurationInput, field: string): Duration {
  if (typeof input === "number") {
    return fromMilliseconds(input, field);
  }
  if (typeof input === "string") {
    return fromString(input, field);
  }
  if (isMessage(input, DurationSchema)) {
    return fromMessage(input, field);
  }
  throw invalidArgument(field, shapeRule);
}

function fromMilliseconds(ms: number, field: string): Duration {
  if (Number.isNaN(ms)) {
    throw invalidArgument(field, "must be a number of milliseconds, got NaN");
  }
  if (!Number.isFinite(ms)) {
    throw invalidArgument(field, "must be a finite number of milliseconds");
  }
  if (ms < 0) {
    throw invalidArgument(field, `must not be negative, got ${ms} ms`);
  }
  if (Number.isInteger(ms) && ms <= Number.MAX_SAFE_INTEGER) {
    return checkRange(durationFromMs(ms), field);
  }
  // A fractional millisecond count: read its shortest decimal form exactly, so 1.1 ms is 1,100,000 ns.
  const { whole, fraction } = decimalDigits(ms);
  return fromNanos(scaleDecimal(whole, fraction, 1_000_000n, field, `${ms} ms`), field);
}

function fromString(text: string, field: string): Duration {
  const value = text.trim();
  if (value.startsWith("-")) {
    throw invalidArgument(field, `must not be negative, got "${text}"`);
  }
  if (value === "0") {
    return create(DurationSchema);
  }
  const json = protoJsonPattern.exec(value);
  if (json !== null) {
    const fraction = (json[2] ?? "").replace(/0+$/, "");
    if (fraction.length > 9) {
      throw invalidArgument(field, `must not have a fraction below a nanosecond, got "${text}"`);
    }
    if (BigInt(json[1]!) > maxSeconds) {
      throw invalidArgument(field, `must be at most ${maxSeconds}s, got "${text}"`);
    }
    const canonical = fraction === "" ? `${json[1]}s` : `${json[1]}.${fraction}s`;
    return fromJson(DurationSchema, canonical);
  }
  if (!goPattern.test(value)) {
    throw invalidArgument(field, `${shapeRule}, got "${text}"`);
  }
  let nanos = 0n;
  for (const part of value.matchAll(goPart)) {
    const unit = goUnitNanos[part[3]!]!;
    nanos += scaleDecimal(part[1] ?? "", part[2] ?? "", unit, field, `"${text}"`);
  }
  return fromNanos(nanos, field);
}

function fromMessage(duration: Duration, field: string): Duration {
  const { seconds, nanos } = duration;
  if (!Number.isInteger(nanos) || nanos <= -1_000_000_000 || nanos >= 1_000_000_000) {
    throw invalidArgument(field, "must have whole nanos between -999,999,999 and 999,999,999");
  }
  if (seconds < 0n || nanos < 0) {
    throw invalidArgument(field, `must not be negative, got ${formatDuration(duration)}`);
  }
  return checkRange(duration, field);
}

/** Multiply a decimal `whole.fraction` by `unit` nanoseconds, insisting on a whole nanosecond. */
function scaleDecimal(
  whole: string,
  fraction: string,
  unit: bigint,
  field: string,
  shown: string,
): bigint {
  const digits = fraction.replace(/0+$/, "");
  const scale = 10n ** BigInt(digits.length);
  const scaled = BigInt(digits === "" ? "0" : digits) * unit;
  if (scaled % scale !== 0n) {
    throw invalidArgument(field, `must not have a fraction below a nanosecond, got ${shown}`);
  }
  return BigInt(whole === "" ? "0" : whole) * unit + scaled / scale;
}

/** Split a finite non-negative number into the digits of its shortest decimal form. */
function decimalDigits(value: number): { whole: string; fraction: string } {
  const [mantissa = "0", exponentText] = String(value).split("e");
  const exponent = Number(exponentText ?? "0");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) {
    return { whole: "0", fraction: "0".repeat(-point) + digits };
  }
  if (point >= digits.length) {
    return { whole: digits + "0".repeat(point - digits.length), fraction: "" };
  }
  return { whole: digits.slice(0, point), fraction: digits.slice(point) };
}

function fromNanos(nanos: bigint, field: string): Duration {
  return checkRange(
    create(DurationSchema, {
      seconds: nanos / nanosPerSecond,
      nanos: Number(nanos % nanosPerSecond),
    }),
    field,
  );
}

function checkRange(duration: Duration, field: string): Duration {
  if (duration.seconds > maxSeconds) {
    throw invalidArgument(field, `must be at most ${maxSeconds}s (the protobuf Duration range)`);
  }
  return duration;
}

function totalNanos(duration: Duration): bigint {
  return duration.seconds * nanosPerSecond + BigInt(duration.nanos);
}

export type { DurationInput, DurationInputOptions };
export { durationFromInput, durationMs, formatDuration, isZeroDuration };
