import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  dateOrUndefined,
  type TimestampInput,
  timestampDate,
  timestampFromInput,
} from "../src/timestamp.js";

const valid: [string, TimestampInput, bigint, number][] = [
  ["a Date", new Date("2030-01-31T12:00:00.250Z"), 1_896_091_200n, 250_000_000],
  ["epoch ms", 1_896_091_200_250, 1_896_091_200n, 250_000_000],
  ["epoch 0", 0, 0n, 0],
  ["negative epoch ms", -1000, -1n, 0],
  ["RFC 3339 UTC", "2030-01-31T12:00:00Z", 1_896_091_200n, 0],
  ["RFC 3339 with offset", "2030-01-31T14:00:00+02:00", 1_896_091_200n, 0],
  ["RFC 3339 nanos", "2030-01-31T12:00:00.123456789Z", 1_896_091_200n, 123_456_789],
  ["a Timestamp", create(TimestampSchema, { seconds: 7n, nanos: 9 }), 7n, 9],
];

const invalid: [string, unknown, RegExp][] = [
  ["an Invalid Date", new Date(Number.NaN), /Invalid Date/],
  ["NaN", Number.NaN, /whole epoch milliseconds/],
  ["fractional ms", 1.5, /whole epoch milliseconds/],
  ["free text", "yesterday", /RFC 3339/],
  ["a date without time", "2030-01-31", /RFC 3339/],
  ["month 13", "2030-13-01T00:00:00Z", /RFC 3339/],
  ["year 10000", 253_402_300_800_000, /between 0001-01-01 and 9999-12-31/],
  ["a boolean", true, /must be a Date/],
];

describe("timestampFromInput", () => {
  it.each(valid)("reads %s", (_name, input, seconds, nanos) => {
    const timestamp = timestampFromInput(input, "expirationDate");
    expect(timestamp.seconds).toBe(seconds);
    expect(timestamp.nanos).toBe(nanos);
  });

  it.each(invalid)("rejects %s", (_name, input, rule) => {
    try {
      timestampFromInput(input as TimestampInput, "expirationDate");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).code).toBe(Code.InvalidArgument);
      expect((err as ConnectError).rawMessage).toMatch(/^expirationDate: /);
      expect((err as ConnectError).rawMessage).toMatch(rule);
    }
  });

  it("returns Dates on the way out", () => {
    const date = new Date("2030-01-31T12:00:00.250Z");
    expect(timestampDate(timestampFromInput(date))).toEqual(date);
    expect(dateOrUndefined(timestampFromInput("2030-01-31T12:00:00.250Z"))).toEqual(date);
    expect(dateOrUndefined(undefined)).toBeUndefined();
  });
});
