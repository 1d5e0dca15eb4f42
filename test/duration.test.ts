import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DurationInput,
  durationFromInput,
  durationMs,
  formatDuration,
} from "../src/duration.js";

const valid: [DurationInput, bigint, number][] = [
  [0, 0n, 0],
  [1500, 1n, 500_000_000],
  [270_000, 270n, 0],
  [1.5, 0n, 1_500_000],
  [1.1, 0n, 1_100_000],
  [0.000001, 0n, 1],
  [1e-6, 0n, 1],
  [2.5e-5, 0n, 25],
  [86_400_000, 86_400n, 0],
  ["10s", 10n, 0],
  ["1.5s", 1n, 500_000_000],
  ["0.000000001s", 0n, 1],
  ["1.500000000000s", 1n, 500_000_000],
  [" 10s ", 10n, 0],
  ["0", 0n, 0],
  ["0s", 0n, 0],
  ["500ms", 0n, 500_000_000],
  ["1m30s", 90n, 0],
  ["4m30s", 270n, 0],
  ["1h", 3600n, 0],
  ["1.5h", 5400n, 0],
  ["1h2m3.5s", 3723n, 500_000_000],
  ["100us", 0n, 100_000],
  ["100µs", 0n, 100_000],
  ["10ns", 0n, 10],
  [".5s", 0n, 500_000_000],
  ["1.5ms", 0n, 1_500_000],
  [create(DurationSchema, { seconds: 5n, nanos: 1 }), 5n, 1],
];

const invalid: [string, unknown, RegExp][] = [
  ["NaN", Number.NaN, /NaN/],
  ["negative ms", -1, /negative/],
  ["negative fraction", -0.5, /negative/],
  ["Infinity", Number.POSITIVE_INFINITY, /finite/],
  ["unknown unit", "10x", /Go duration/],
  ["empty string", "", /Go duration/],
  ["unitless number string", "500", /Go duration/],
  ["negative string", "-1s", /negative/],
  ["negative Go string", "-1m", /negative/],
  ["sub-nanosecond JSON", "1.0000000001s", /below a nanosecond/],
  ["sub-nanosecond ms", 0.0000001, /below a nanosecond/],
  ["sub-nanosecond Go", "0.5ns", /below a nanosecond/],
  ["sub-nanosecond Go us", "1.0001us", /below a nanosecond/],
  ["exponent string", "1e3s", /Go duration/],
  ["negative message", create(DurationSchema, { seconds: -1n }), /negative/],
  ["fractional nanos", create(DurationSchema, { seconds: 1n, nanos: 0.5 }), /whole nanos/],
  ["beyond protobuf range", "315576000001s", /at most/],
  ["object", { ms: 5 }, /must be milliseconds/],
];

describe("durationFromInput", () => {
  it.each(valid)("reads %o as %ss + %ins", (input, seconds, nanos) => {
    const duration = durationFromInput(input);
    expect(duration.seconds).toBe(seconds);
    expect(duration.nanos).toBe(nanos);
  });

  it.each(invalid)("rejects %s", (_name, input, rule) => {
    const call = () => durationFromInput(input as DurationInput, { field: "timeout" });
    expect(call).toThrow(ConnectError);
    try {
      call();
    } catch (err) {
      const error = err as ConnectError;
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toMatch(/^timeout: /);
      expect(error.rawMessage).toMatch(rule);
    }
  });

  const atMost270: [DurationInput, boolean][] = [
    [270_000, true],
    ["270s", true],
    ["4m30s", true],
    [create(DurationSchema, { seconds: 270n }), true],
    ["270.000000001s", false],
    ["4m30.000000001s", false],
    [270_000.000001, false],
    [270_001, false],
    [create(DurationSchema, { seconds: 270n, nanos: 1 }), false],
    ["5m", false],
  ];

  it.each(atMost270)("checks %o against a 270 s maximum exactly (allowed: %s)", (input, ok) => {
    const call = () => durationFromInput(input, { field: "timeout", max: "270s" });
    if (ok) {
      expect(call().seconds).toBe(270n);
    } else {
      expect(call).toThrow(/timeout: must be at most 270s/);
    }
  });

  it("reports durations as milliseconds via durationMs", () => {
    expect(durationMs(durationFromInput("1.5s"))).toBe(1500);
    expect(durationMs(durationFromInput("1m30s"))).toBe(90_000);
    expect(durationMs(durationFromInput(250))).toBe(250);
  });

  it("formats durations in protobuf JSON form", () => {
    expect(formatDuration(durationFromInput(1500))).toBe("1.500s");
    expect(formatDuration(durationFromInput("270.000000001s"))).toBe("270.000000001s");
  });
});

describe("durationFromInput properties", () => {
  it("round-trips whole milliseconds through durationMs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => {
        expect(durationMs(durationFromInput(ms))).toBe(ms);
      }),
    );
  });

  it("reads every protobuf JSON and equivalent Go string to the same exact seconds and nanos", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (seconds, nanos) => {
          const json = `${seconds}.${String(nanos).padStart(9, "0")}s`;
          const go = `${seconds}s${nanos}ns`;
          for (const text of [json, go]) {
            const duration = durationFromInput(text);
            expect(duration.seconds).toBe(seconds);
            expect(duration.nanos).toBe(nanos);
          }
        },
      ),
    );
  });

  it("orders values against a maximum exactly, one nanosecond either side", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 6n }), (maxSeconds) => {
        const max = `${maxSeconds}s`;
        expect(() => durationFromInput(`${maxSeconds - 1n}.999999999s`, { max })).not.toThrow();
        expect(() => durationFromInput(max, { max })).not.toThrow();
        expect(() => durationFromInput(`${maxSeconds}.000000001s`, { max })).toThrow(/at most/);
      }),
    );
  });
});
