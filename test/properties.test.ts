import { Code, ConnectError } from "@connectrpc/connect";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derLength } from "../src/auth/service-account-key.js";
import { createTokenCache } from "../src/auth/token-cache.js";
import { createActionsClient, createActionsTransport } from "../src/node.js";
import { retryBackoffMs } from "../src/retry.js";
import { startActionsServer, type TestActionsServer } from "./helpers/auth-server.js";

const backoffOptions = fc
  .record({
    initialBackoffMs: fc.integer({ min: 0, max: 10_000 }),
    extra: fc.integer({ min: 0, max: 100_000 }),
  })
  .map(({ initialBackoffMs, extra }) => ({
    initialBackoffMs,
    maxBackoffMs: initialBackoffMs + extra,
  }));
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("retry backoff", () => {
  it("Unavailable: full jitter within [0, min(max, initial·2^(n-1))]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), backoffOptions, unit, (n, options, r) => {
        const delay = retryBackoffMs(n, Code.Unavailable, options, () => r);
        const cap = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** (n - 1));
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(cap);
        expect(delay).toBeLessThanOrEqual(options.maxBackoffMs);
        if (cap >= 1) expect(delay).toBeLessThan(cap);
      }),
    );
  });

  it("ResourceExhausted: at least half of a four times larger cap, never above maxBackoffMs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), backoffOptions, unit, (n, options, r) => {
        const delay = retryBackoffMs(n, Code.ResourceExhausted, options, () => r);
        const cap = Math.min(options.maxBackoffMs, 4 * options.initialBackoffMs * 2 ** (n - 1));
        expect(delay).toBeGreaterThanOrEqual(Math.floor(cap / 2));
        expect(delay).toBeLessThanOrEqual(options.maxBackoffMs);
        // Never shorter than what Unavailable would wait with the same draw.
        expect(delay).toBeGreaterThanOrEqual(retryBackoffMs(n, Code.Unavailable, options, () => r));
      }),
    );
  });

  it("grows with the attempt number for the same draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), backoffOptions, unit, (n, options, r) => {
        for (const code of [Code.Unavailable, Code.ResourceExhausted]) {
          expect(retryBackoffMs(n + 1, code, options, () => r)).toBeGreaterThanOrEqual(
            retryBackoffMs(n, code, options, () => r),
          );
        }
      }),
    );
  });

  it("uses the whole range: draws near 0 and near 1 reach both ends", () => {
    const options = { initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect(retryBackoffMs(1, Code.Unavailable, options, () => 0)).toBe(0);
    expect(retryBackoffMs(1, Code.Unavailable, options, () => 0.9999)).toBe(99);
    expect(retryBackoffMs(10, Code.Unavailable, options, () => 0.9999)).toBe(999);
  });
});

describe("retry interceptor against a real server", () => {
  let server: TestActionsServer;
  beforeAll(async () => {
    server = await startActionsServer();
  });
  afterAll(() => server.close());

  it("attempts = min(failures + 1, maxAttempts) for reads, always 1 for createTarget", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(Code.Unavailable, Code.ResourceExhausted, Code.Internal),
        async (failures, maxAttempts, code) => {
          const client = createActionsClient(
            createActionsTransport({
              baseUrl: server.baseUrl,
              retry: { maxAttempts, initialBackoffMs: 0, maxBackoffMs: 0 },
            }),
          );
          const retryable = code !== Code.Internal;

          server.failNext("GetTarget", code, failures);
          let before = server.calls("GetTarget");
          const read = await client.raw.action.getTarget({ id: "1" }).then(
            () => undefined,
            (e: unknown) => e,
          );
          const expectedAttempts = retryable
            ? Math.min(failures + 1, maxAttempts)
            : Math.min(failures + 1, 1);
          expect(server.calls("GetTarget") - before).toBe(expectedAttempts);
          const shouldSucceed = failures === 0 || (retryable && failures < maxAttempts);
          expect(read === undefined).toBe(shouldSucceed);
          if (read !== undefined) expect(ConnectError.from(read).code).toBe(code);
          server.failNext("GetTarget", code, 0);

          server.failNext("CreateTarget", code, failures);
          before = server.calls("CreateTarget");
          await client.raw.action.createTarget({ name: "t" }).catch(() => undefined);
          expect(server.calls("CreateTarget") - before).toBe(1);
          server.failNext("CreateTarget", code, 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("token cache against a model", () => {
  it("fetches exactly when a call comes at or after the refresh point, once per burst", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 20_000_000 }), fc.integer({ min: 1, max: 20 })),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        async (lifetimeMs, bursts) => {
          let clock = 0;
          let fetches = 0;
          const cache = createTokenCache(
            async () => {
              fetches++;
              return { accessToken: `t${fetches}`, issuedAt: clock, expiresAt: clock + lifetimeMs };
            },
            () => clock,
          );
          let modelFetches = 0;
          let refreshAt = Number.NEGATIVE_INFINITY;
          let started = false;
          const times = bursts.map(([t]) => t).sort((a, b) => a - b);
          for (const [i, t] of times.entries()) {
            clock = t;
            if (!started || clock >= refreshAt) {
              modelFetches++;
              started = true;
              refreshAt = clock + lifetimeMs - Math.min(60_000, lifetimeMs / 10);
            }
            const size = bursts[i]![1];
            const tokens = await Promise.all(Array.from({ length: size }, () => cache.get()));
            expect(new Set(tokens).size).toBe(1);
            expect(fetches).toBe(modelFetches);
          }
        },
      ),
    );
  });
});

describe("DER lengths", () => {
  it("decode back to the encoded length, in the shortest form", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (length) => {
        const bytes = derLength(length);
        if (length < 128) {
          expect(bytes).toEqual([length]);
          return;
        }
        const count = bytes[0]! & 0x7f;
        expect(bytes[0]! & 0x80).toBe(0x80);
        expect(bytes.length).toBe(count + 1);
        expect(bytes[1]).not.toBe(0);
        expect(bytes.slice(1).reduce((n, b) => n * 256 + b, 0)).toBe(length);
      }),
    );
  });
});
