/**
 * Timestamps: `Date`, epoch milliseconds or RFC 3339 strings in; `Date` out.
 *
 * @module
 */
import { fromJson, isMessage } from "@bufbuild/protobuf";
import {
  type Timestamp,
  TimestampSchema,
  timestampDate,
  timestampFromDate,
  timestampFromMs,
} from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "./errors.js";

/**
 * A point in time as a user writes it: a `Date`, epoch milliseconds, an RFC 3339 string or a
 * `google.protobuf.Timestamp` message.
 */
type TimestampInput = Date | number | string | Timestamp;

// google.protobuf.Timestamp covers 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
const minMs = -62_135_596_800_000;
const maxMs = 253_402_300_799_999;

/**
 * Create a `google.protobuf.Timestamp` from a friendly input, rejecting invalid dates and strings
 * with an `InvalidArgument` error that names `field`.
 *
 * @example
 * ```ts
 * timestampFromInput("2030-01-01T00:00:00Z", "expirationDate");
 * ```
 */
function timestampFromInput(input: TimestampInput, field = "timestamp"): Timestamp {
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) {
      throw invalidArgument(field, "must be a valid Date, got an Invalid Date");
    }
    checkMs(ms, field);
    return timestampFromDate(input);
  }
  if (typeof input === "number") {
    if (!Number.isInteger(input)) {
      throw invalidArgument(field, `must be whole epoch milliseconds, got ${input}`);
    }
    return timestampFromMs(checkMs(input, field));
  }
  if (typeof input === "string") {
    try {
      return fromJson(TimestampSchema, input.trim());
    } catch {
      throw invalidArgument(
        field,
        `must be an RFC 3339 timestamp like "2030-01-31T12:00:00Z", got "${input}"`,
      );
    }
  }
  if (isMessage(input, TimestampSchema)) {
    return input;
  }
  throw invalidArgument(field, "must be a Date, epoch milliseconds or an RFC 3339 string");
}

/**
 * Return a timestamp as a `Date`, or `undefined` when the message left it unset.
 */
function dateOrUndefined(timestamp: Timestamp | undefined): Date | undefined {
  return timestamp === undefined ? undefined : timestampDate(timestamp);
}

function checkMs(ms: number, field: string): number {
  if (ms < minMs || ms > maxMs) {
    throw invalidArgument(field, "must be between 0001-01-01 and 9999-12-31");
  }
  return ms;
}

export type { TimestampInput };
export { dateOrUndefined, timestampDate, timestampFromInput };
