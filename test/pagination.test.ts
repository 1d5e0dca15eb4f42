import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionsClient } from "../src/client.js";
import { numberFromUint64 } from "../src/pagination.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;
let client: ActionsClient;

beforeAll(async () => {
  server = await startRecordingServer();
  client = server.client();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const ids = (count: number) => Array.from({ length: count }, (_, i) => `t${i}`);

interface ServeOptions {
  /** Send no pagination block at all (no total). */
  noTotal?: boolean;
  /** Report this total instead of the real one. */
  claimTotal?: bigint;
  /** Delay each answer (lets concurrent requests overlap). */
  delayMs?: number;
}

/** Serve `all` like ZITADEL: slice by offset/limit, total = count (0 on an empty page). */
function serveTargets(all: string[], options: ServeOptions = {}) {
  let inFlight = 0;
  const stats = { maxInFlight: 0 };
  server.handle("listTargets", async (request) => {
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      if (options.delayMs) {
        await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      }
      const offset = Number(request.pagination?.offset ?? 0n);
      const limit = request.pagination?.limit || 100;
      const page = all.slice(offset, offset + limit);
      const total = page.length === 0 ? 0n : (options.claimTotal ?? BigInt(all.length));
      return {
        pagination: options.noTotal
          ? undefined
          : { totalResult: total, appliedLimit: BigInt(limit) },
        targets: page.map((id) => ({ id, name: id })),
      };
    } finally {
      inFlight--;
    }
  });
  return stats;
}

const windows = () =>
  server
    .callsOf("listTargets")
    .map((call) => [Number(call.request.pagination?.offset), call.request.pagination?.limit]);

describe("Paginated walks", () => {
  it.each([
    [0, 1],
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
    [1000, 10],
  ])("walks a total of %i items with exactly %i page requests of 100", async (total, requests) => {
    serveTargets(ids(total));
    const items = await client.listTargets({ pageSize: 100 }).toArray();
    expect(items.map((target) => target.id)).toEqual(ids(total));
    expect(server.callsOf("listTargets")).toHaveLength(requests);
    expect(windows()).toEqual(Array.from({ length: requests }, (_, i) => [i * 100, 100]));
  });

  it("uses a page size of 100 by default", async () => {
    serveTargets(ids(101));
    expect(await client.listTargets().toArray()).toHaveLength(101);
    expect(windows()).toEqual([
      [0, 100],
      [100, 100],
    ]);
  });

  it("yields pages with items, total, offset and limit", async () => {
    serveTargets(ids(250));
    const pages = [];
    for await (const page of client.listTargets({ pageSize: 100 }).pages()) {
      pages.push({ ...page, items: page.items.length });
    }
    expect(pages).toEqual([
      { items: 100, total: 250, offset: 0, limit: 100 },
      { items: 100, total: 250, offset: 100, limit: 100 },
      { items: 50, total: 250, offset: 200, limit: 100 },
    ]);
  });

  it("walks with for await in order", async () => {
    serveTargets(ids(230));
    const seen: string[] = [];
    for await (const target of client.listTargets({ pageSize: 50 })) {
      seen.push(target.id);
    }
    expect(seen).toEqual(ids(230));
  });

  it("yields the same order with concurrency 4 as with 1, and fetches pages in parallel", async () => {
    const stats = serveTargets(ids(1000), { delayMs: 20 });
    const parallel = await client.listTargets({ pageSize: 100, concurrency: 4 }).toArray();
    expect(server.callsOf("listTargets")).toHaveLength(10);
    expect(stats.maxInFlight).toBeGreaterThan(1);
    server.reset();
    serveTargets(ids(1000));
    const sequential = await client.listTargets({ pageSize: 100, concurrency: 1 }).toArray();
    expect(parallel.map((t) => t.id)).toEqual(sequential.map((t) => t.id));
    expect(parallel.map((t) => t.id)).toEqual(ids(1000));
  });

  it("does not prefetch beyond the total with concurrency", async () => {
    serveTargets(ids(150));
    await client.listTargets({ pageSize: 100, concurrency: 8 }).toArray();
    expect(windows()).toEqual([
      [0, 100],
      [100, 100],
    ]);
  });

  it.each([1, 4])(
    "sends no further request after break on the first item (concurrency %i)",
    async (concurrency) => {
      serveTargets(ids(1000));
      for await (const target of client.listTargets({ pageSize: 100, concurrency })) {
        expect(target.id).toBe("t0");
        break;
      }
      // Give any stray request time to arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.callsOf("listTargets")).toHaveLength(1);
    },
  );

  it("caps items with limit and asks only for what is left", async () => {
    serveTargets(ids(1000));
    const items = await client.listTargets({ pageSize: 100, limit: 150 }).toArray();
    expect(items.map((t) => t.id)).toEqual(ids(150));
    expect(windows()).toEqual([
      [0, 100],
      [100, 50],
    ]);
  });

  it("starts at offset", async () => {
    serveTargets(ids(1000));
    const items = await client.listTargets({ pageSize: 100, offset: 950 }).toArray();
    expect(items.map((t) => t.id)).toEqual(ids(1000).slice(950));
    expect(windows()).toEqual([[950, 100]]);
  });

  it("stops toArray at max with a single smaller request", async () => {
    serveTargets(ids(1000));
    const items = await client.listTargets().toArray({ max: 5 });
    expect(items.map((t) => t.id)).toEqual(ids(5));
    expect(windows()).toEqual([[0, 5]]);
  });

  it("sends nothing for limit 0", async () => {
    serveTargets(ids(10));
    expect(await client.listTargets({ limit: 0 }).toArray()).toEqual([]);
    expect(server.calls).toHaveLength(0);
  });

  it("stops on a short page even if the total claims more", async () => {
    serveTargets(ids(150), { claimTotal: 1000n });
    expect(await client.listTargets({ pageSize: 100 }).toArray()).toHaveLength(150);
    expect(server.callsOf("listTargets")).toHaveLength(2);
  });

  it("stops on an empty page when the server sends no total", async () => {
    serveTargets(ids(200), { noTotal: true });
    expect(await client.listTargets({ pageSize: 100 }).toArray()).toHaveLength(200);
    expect(windows()).toEqual([
      [0, 100],
      [100, 100],
      [200, 100],
    ]);
  });

  it("yields an id the server returns twice across pages only once", async () => {
    // The second page repeats t99 (as when an item shifts between requests).
    const all = [...ids(100), "t99", ...ids(150).slice(100)];
    serveTargets(all);
    const items = await client.listTargets({ pageSize: 100 }).toArray();
    expect(items.map((t) => t.id)).toEqual(ids(150));
    expect(items.filter((t) => t.id === "t99")).toHaveLength(1);
  });

  it("walks afresh on every iteration", async () => {
    serveTargets(ids(3));
    const list = client.listTargets();
    expect(await list.toArray()).toHaveLength(3);
    expect(await list.toArray()).toHaveLength(3);
    expect(server.callsOf("listTargets")).toHaveLength(2);
  });
});

describe("Paginated cancellation and errors", () => {
  it("rejects with Canceled and sends nothing when the signal is already aborted", async () => {
    serveTargets(ids(10));
    const controller = new AbortController();
    controller.abort();
    const error = await client
      .listTargets({}, { signal: controller.signal })
      .toArray()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Canceled);
    expect(server.calls).toHaveLength(0);
  });

  it("rejects with Canceled when the signal aborts mid-walk, and fetches no more", async () => {
    serveTargets(ids(1000));
    const controller = new AbortController();
    const seen: string[] = [];
    const walk = async () => {
      for await (const target of client.listTargets(
        { pageSize: 100 },
        { signal: controller.signal },
      )) {
        seen.push(target.id);
        if (seen.length === 100) controller.abort();
      }
    };
    await expect(walk()).rejects.toMatchObject({ code: Code.Canceled });
    expect(seen).toHaveLength(100);
    expect(server.callsOf("listTargets")).toHaveLength(1);
  });

  it("stops at once when the signal aborts in the middle of a page", async () => {
    serveTargets(ids(10));
    const controller = new AbortController();
    const seen: string[] = [];
    const walk = async () => {
      for await (const target of client.listTargets(
        { pageSize: 5 },
        { signal: controller.signal },
      )) {
        seen.push(target.id);
        if (seen.length === 6) controller.abort();
      }
    };
    await expect(walk()).rejects.toMatchObject({ code: Code.Canceled });
    expect(seen).toHaveLength(6);
    expect(server.callsOf("listTargets")).toHaveLength(2);
  });

  it("rejects with Canceled when aborted while a page is in flight", async () => {
    serveTargets(ids(10), { delayMs: 200 });
    const controller = new AbortController();
    const promise = client.listTargets({}, { signal: controller.signal }).toArray();
    setTimeout(() => controller.abort(), 20);
    await expect(promise).rejects.toMatchObject({ code: Code.Canceled });
  });

  it("passes a server error through", async () => {
    server.handle("listTargets", (request) => {
      if (request.pagination?.offset === 100n) {
        throw new ConnectError("Limit exceeded (QUERY-4M0fs)", Code.InvalidArgument);
      }
      return {
        pagination: { totalResult: 300n },
        targets: ids(100).map((id) => ({ id })),
      };
    });
    await expect(client.listTargets().toArray()).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "Limit exceeded (QUERY-4M0fs)",
    });
  });

  it("refuses a total beyond Number.MAX_SAFE_INTEGER instead of rounding", async () => {
    server.handle("listTargets", () => ({
      pagination: { totalResult: 2n ** 60n },
      targets: [{ id: "t0" }],
    }));
    await expect(client.listTargets().toArray()).rejects.toMatchObject({ code: Code.OutOfRange });
  });

  it.each([
    [{ pageSize: 0 }, /^pageSize: /],
    [{ pageSize: 1.5 }, /^pageSize: /],
    [{ offset: -1 }, /^offset: /],
    [{ limit: Number.NaN }, /^limit: /],
    [{ concurrency: 0 }, /^concurrency: /],
    [{ concurrency: 17 }, /^concurrency: /],
  ])("rejects paging field %o before sending", async (query, rule) => {
    const error = (await client
      .listTargets(query)
      .toArray()
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });

  it("rejects a bad max before sending", async () => {
    await expect(client.listTargets().toArray({ max: -1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    expect(server.calls).toHaveLength(0);
  });
});

describe("numberFromUint64", () => {
  it.each([
    [0n, 0],
    [1000n, 1000],
    [BigInt(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])("converts %s", (value, expected) => {
    expect(numberFromUint64(value, "total")).toBe(expected);
  });

  it("throws above Number.MAX_SAFE_INTEGER", () => {
    expect(() => numberFromUint64(BigInt(Number.MAX_SAFE_INTEGER) + 1n, "total")).toThrow(
      /total: 9007199254740992 is outside the safe integer range/,
    );
  });
});
