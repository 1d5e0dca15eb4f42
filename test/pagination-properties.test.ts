import { create, type DescEnum } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ExecutionFieldNameSchema,
  ExecutionTypeSchema,
  PublicKeyFieldNameSchema,
  TargetFieldNameSchema,
} from "../gen/zitadel/action/v2/query_pb.js";
import { PayloadTypeSchema } from "../gen/zitadel/action/v2/target_pb.js";
import {
  ActionFieldNameSchema,
  ActionStateSchema,
  FlowStateSchema,
} from "../gen/zitadel/action_pb.js";
import {
  TextFilterMethodSchema,
  TimestampFilterMethodSchema,
} from "../gen/zitadel/filter/v2/filter_pb.js";
import { createActionsClient } from "../src/client.js";
import { durationFromInput, durationMs, formatDuration } from "../src/duration.js";
import { startEmulator } from "../src/emulator/index.js";
import { enumFromInput, enumName } from "../src/enums.js";
import { createActionsTransport } from "../src/node.js";
import { timestampDate, timestampFromInput } from "../src/timestamp.js";

/** Run `fn` and return the ConnectError it throws (failing the test if it throws none). */
function thrown(fn: () => unknown): ConnectError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectError);
    return e as ConnectError;
  }
  throw new Error("expected a ConnectError");
}

const nanosPerSecond = 1_000_000_000n;
const totalNanos = (d: { seconds: bigint; nanos: number }) =>
  d.seconds * nanosPerSecond + BigInt(d.nanos);

describe("duration normalizer properties", () => {
  it("sums Go-style compound strings (h, m, s, ms, us/µs, ns) exactly", () => {
    const part = fc.integer({ min: 0, max: 999 });
    fc.assert(
      fc.property(
        fc.tuple(part, part, part, part, part, part),
        fc.constantFrom("us", "µs"),
        ([h, m, s, ms, us, ns], microUnit) => {
          const text = `${h}h${m}m${s}s${ms}ms${us}${microUnit}${ns}ns`;
          const expected =
            BigInt(h) * 3600n * nanosPerSecond +
            BigInt(m) * 60n * nanosPerSecond +
            BigInt(s) * nanosPerSecond +
            BigInt(ms) * 1_000_000n +
            BigInt(us) * 1_000n +
            BigInt(ns);
          expect(totalNanos(durationFromInput(text))).toBe(expected);
        },
      ),
    );
  });

  it("reads fractional Go units exactly (1.5h, 0.25m, 2.000001s)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.constantFrom(["h", 3600n * nanosPerSecond], ["m", 60n * nanosPerSecond], [
          "s",
          nanosPerSecond,
        ] as const),
        (whole, micro, [unit, unitNanos]) => {
          const text = `${whole}.${String(micro).padStart(6, "0")}${unit}`;
          const expected = BigInt(whole) * unitNanos + (BigInt(micro) * unitNanos) / 1_000_000n;
          expect(totalNanos(durationFromInput(text))).toBe(expected);
        },
      ),
    );
  });

  it("reads fractional milliseconds to the exact nanosecond of their decimal form", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 6 }),
        fc.integer({ min: 0, max: 999_999 }),
        (whole, fraction) => {
          const ms = Number(`${whole}.${String(fraction).padStart(6, "0")}`);
          const expected = BigInt(whole) * 1_000_000n + BigInt(fraction);
          expect(totalNanos(durationFromInput(ms))).toBe(expected);
        },
      ),
    );
  });

  it("parses its own protobuf JSON form back to the same duration", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 315_576_000_000n }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (seconds, nanos) => {
          const duration = durationFromInput(create(DurationSchema, { seconds, nanos }));
          const again = durationFromInput(formatDuration(duration));
          expect(again.seconds).toBe(seconds);
          expect(again.nanos).toBe(nanos);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("keeps ms → Duration → ms for every input form of the same whole milliseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => {
        for (const input of [ms, `${ms}ms`, `${ms / 1000}s`]) {
          expect(durationMs(durationFromInput(input))).toBe(ms);
        }
      }),
    );
  });

  it("refuses negative values in every form with InvalidArgument naming the field", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 9 }), (n) => {
        for (const input of [-n, `-${n}s`, `-${n}ms`]) {
          const err = thrown(() => durationFromInput(input, { field: "timeout" }));
          expect(err.code).toBe(Code.InvalidArgument);
          expect(err.rawMessage).toMatch(/^timeout: must not be negative/);
        }
      }),
    );
  });
});

// google.protobuf.Timestamp's range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z in ms.
const minMs = -62_135_596_800_000;
const maxMs = 253_402_300_799_999;

describe("timestamp normalizer properties", () => {
  it("keeps epoch ms → Timestamp → Date → ms over the whole range", () => {
    fc.assert(
      fc.property(fc.integer({ min: minMs, max: maxMs }), (ms) => {
        expect(timestampDate(timestampFromInput(ms)).getTime()).toBe(ms);
        expect(timestampDate(timestampFromInput(new Date(ms))).getTime()).toBe(ms);
      }),
    );
  });

  it("reads RFC 3339 (toISOString) back to the same Date", () => {
    fc.assert(
      fc.property(fc.integer({ min: minMs, max: maxMs }), (ms) => {
        const date = new Date(ms);
        expect(timestampDate(timestampFromInput(date.toISOString()))).toEqual(date);
      }),
    );
  });

  it("reads the same instant written with any UTC offset and nanosecond fraction", () => {
    fc.assert(
      fc.property(
        // Keep a day away from both ends, so that the local time stays within years 1–9999.
        fc.integer({
          min: Math.floor(minMs / 1000) + 86_400,
          max: Math.floor(maxMs / 1000) - 86_400,
        }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (seconds, nanos, offsetMin) => {
          const local = new Date(seconds * 1000 + offsetMin * 60_000).toISOString().slice(0, 19);
          const sign = offsetMin < 0 ? "-" : "+";
          const abs = Math.abs(offsetMin);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const text = `${local}.${String(nanos).padStart(9, "0")}${offset}`;
          const timestamp = timestampFromInput(text);
          expect(timestamp.seconds).toBe(BigInt(seconds));
          expect(timestamp.nanos).toBe(nanos);
        },
      ),
    );
  });

  it("refuses epoch ms outside 0001–9999 with InvalidArgument naming the field", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: maxMs + 1, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: minMs - 1 }),
        ),
        (ms) => {
          const err = thrown(() => timestampFromInput(ms, "expirationDate"));
          expect(err.code).toBe(Code.InvalidArgument);
          expect(err.rawMessage).toMatch(/^expirationDate: must be between 0001-01-01/);
        },
      ),
    );
  });
});

const enums: DescEnum[] = [
  PayloadTypeSchema,
  TargetFieldNameSchema,
  ExecutionTypeSchema,
  ExecutionFieldNameSchema,
  PublicKeyFieldNameSchema,
  TextFilterMethodSchema,
  TimestampFilterMethodSchema,
  ActionStateSchema,
  ActionFieldNameSchema,
  FlowStateSchema,
];

/** Change the case of each letter of `text` by the bits of `mask`, and pad it with blanks. */
function scrambleCase(text: string, mask: boolean[], pad: string): string {
  const chars = [...text].map((c, i) => (mask[i % mask.length] ? c.toLowerCase() : c));
  return `${pad}${chars.join("")}${pad}`;
}

describe("enum normalizer properties", () => {
  it("reads every key and full proto name in any case to its number, and names it back", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...enums)
          .chain((schema) => fc.tuple(fc.constant(schema), fc.constantFrom(...schema.values))),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.constantFrom("", " ", "  "),
        ([schema, value], full, mask, pad) => {
          const input = scrambleCase(full ? value.name : value.localName, mask, pad);
          const number = enumFromInput(schema, input, "field");
          expect(number).toBe(value.number);
          expect(enumName(schema, number)).toBe(value.localName);
        },
      ),
    );
  });

  it("passes any 32-bit number through, and names unknown numbers by the number itself", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...enums),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (schema, n) => {
          expect(enumFromInput(schema, n, "field")).toBe(n);
          const known = schema.values.find((v) => v.number === n);
          expect(enumName(schema, n)).toBe(known === undefined ? n : known.localName);
        },
      ),
    );
  });

  it("refuses any other name with InvalidArgument listing the accepted keys", () => {
    fc.assert(
      fc.property(fc.constantFrom(...enums), fc.string({ maxLength: 12 }), (schema, text) => {
        const wanted = text.trim().toUpperCase();
        fc.pre(!schema.values.some((v) => v.localName === wanted || v.name === wanted));
        const err = thrown(() => enumFromInput(schema, text, "sortBy"));
        expect(err.code).toBe(Code.InvalidArgument);
        expect(err.rawMessage).toContain(`sortBy: must be one of "${schema.values[0]!.localName}"`);
      }),
    );
  });

  it("refuses numbers that are not 32-bit integers", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...enums),
        fc.oneof(
          fc.double({ noInteger: true }),
          fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -(2 ** 31) - 1 }),
        ),
        (schema, n) => {
          expect(thrown(() => enumFromInput(schema, n, "field")).code).toBe(Code.InvalidArgument);
        },
      ),
    );
  });
});

/** The page requests a walk must send, by the stop rules of `paginate`. */
function expectedRequests(total: number, offset: number, pageSize: number, cap?: number): number {
  if (cap === 0) return 0;
  // The first page always goes out; an empty one (offset at or past the total) ends the walk.
  if (offset >= total) return 1;
  const end = Math.min(total, cap === undefined ? Number.POSITIVE_INFINITY : offset + cap);
  return Math.ceil((end - offset) / pageSize);
}

describe("pagination stop rules against the emulator", () => {
  it("yields exactly min(total - offset, limit, max) distinct items in order with the expected page requests", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 320 }),
        fc.option(fc.integer({ min: 0, max: 320 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 320 }), { nil: undefined }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom("grpc" as const, "grpc-web" as const, "connect" as const),
        async (total, pageSize, offset, limit, max, concurrency, protocol) => {
          const names = Array.from({ length: total }, (_, i) => `t${String(i).padStart(3, "0")}`);
          const emulator = await startEmulator({
            seed: { targets: names.map((name) => ({ name, endpoint: "https://example.com" })) },
          });
          try {
            const client = createActionsClient(
              createActionsTransport({ baseUrl: emulator.baseUrl, protocol }),
            );
            const list = client.listTargets({
              pageSize,
              offset,
              limit,
              concurrency,
              sortBy: "name",
              asc: true,
            });
            const items = await list.toArray(max === undefined ? {} : { max });
            const cap = [limit, max]
              .filter((n) => n !== undefined)
              .reduce<number | undefined>(
                (a, b) => (a === undefined ? b : Math.min(a, b)),
                undefined,
              );
            const want = names.slice(offset, cap === undefined ? undefined : offset + cap);
            expect(items.map((t) => t.name)).toEqual(want);
            expect(new Set(items.map((t) => t.id)).size).toBe(items.length);
            expect(emulator.callCount("ListTargets")).toBe(
              expectedRequests(total, offset, pageSize, cap),
            );
          } finally {
            await emulator.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
