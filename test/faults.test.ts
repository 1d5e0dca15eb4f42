import { Code } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { type ActionsClient, createActionsClient } from "../src/client.js";
import {
  type Emulator,
  type EmulatorSeed,
  type StartEmulatorOptions,
  startEmulator,
} from "../src/emulator/index.js";
import { createActionsTransport, type NodeActionsTransportOptions } from "../src/node.js";
import {
  createActionsTransport as createWebTransport,
  type WebActionsTransportOptions,
} from "../src/web.js";
import { rejection } from "./helpers/rejection.js";

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

type Protocol = "grpc" | "grpc-web" | "connect";
const protocols: Protocol[] = ["grpc", "grpc-web", "connect"];

/** Retries fast enough for tests; the attempt counts are what matter. */
const fast = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

const seed: EmulatorSeed = {
  targets: ["t0", "t1", "t2", "t3", "t4"].map((name) => ({
    id: `id-${name}`,
    name,
    endpoint: `https://example.com/${name}`,
  })),
  actions: ["a1", "a2", "a3"].map((id) => ({
    id,
    name: `claim_${id}`,
    script: `function claim_${id}(ctx, api) {}`,
  })),
};

async function start(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ seed, ...options });
  running.push(emulator);
  return emulator;
}

function clientFor(
  emulator: Emulator,
  protocol: Protocol = "grpc",
  options: Partial<NodeActionsTransportOptions> = {},
): ActionsClient {
  return createActionsClient(
    createActionsTransport({ baseUrl: emulator.baseUrl, protocol, retry: fast, ...options }),
  );
}

/** Await a promise that must reject with a ConnectError, and return the error. */

/** Wait until the emulator has seen `count` calls of `method`. */
async function untilCalls(emulator: Emulator, method: string, count: number): Promise<void> {
  while (emulator.callCount(method) < count) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Let anything still scheduled (a retry, a prefetch) reach the server before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

const newTarget = {
  name: "created-once",
  endpoint: "https://example.com/hook",
  type: "webhook" as const,
  timeout: "5s",
};

/** The four kinds of reads named by the issue, each with the RPC it sends. */
const reads: Array<[string, (c: ActionsClient) => Promise<unknown>]> = [
  ["GetTarget", (c) => c.getTarget({ id: "id-t1" })],
  ["ListTargets", (c) => c.listTargets().toArray()],
  ["ListExecutionMethods", (c) => c.listExecutionMethods()],
  ["GetAction", (c) => c.v1.getAction({ id: "a1" })],
];

describe.each(protocols)("retries against injected faults (%s)", (protocol) => {
  for (const [method, read] of reads) {
    for (const code of [Code.Unavailable, Code.ResourceExhausted]) {
      it(`retries ${method} after two ${Code[code]} failures and succeeds on the third attempt`, async () => {
        const emulator = await start();
        emulator.injectFault({ method, code, times: 2 });
        await read(clientFor(emulator, protocol));
        expect(emulator.callCount(method)).toBe(3);
      });
    }
  }

  it("retries a failing page in the middle of a walk and yields every item once", async () => {
    const emulator = await start();
    const client = clientFor(emulator, protocol);
    const names: string[] = [];
    let page = 0;
    for await (const { items } of client.listTargets({ pageSize: 2, asc: true }).pages()) {
      names.push(...items.map((t) => t.name));
      if (++page === 1) emulator.injectFault({ method: "ListTargets", code: Code.Unavailable });
    }
    expect(names).toEqual(["t0", "t1", "t2", "t3", "t4"]);
    // Three pages, the second one sent twice.
    expect(emulator.callCount("ListTargets")).toBe(4);
  });

  it("stops after maxAttempts and reports the server's code", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", code: Code.Unavailable, times: 5 });
    const err = await rejection(clientFor(emulator, protocol).getTarget({ id: "id-t1" }));
    expect(err.code).toBe(Code.Unavailable);
    expect(emulator.callCount("GetTarget")).toBe(3);
  });

  it("sends createTarget exactly once on Unavailable and rejects", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "CreateTarget", code: Code.Unavailable, times: 3 });
    const client = clientFor(emulator, protocol);
    const err = await rejection(client.createTarget(newTarget));
    expect(err.code).toBe(Code.Unavailable);
    await settle();
    expect(emulator.callCount("CreateTarget")).toBe(1);
    expect(await client.listTargets({ name: "created-once" }).toArray()).toEqual([]);
  });

  it("does not create two targets when the connection drops during createTarget", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "CreateTarget", drop: true });
    const err = await rejection(clientFor(emulator, protocol).createTarget(newTarget));
    // connect-node reports a lost connection as Canceled (HTTP/2) or Aborted (HTTP/1.1).
    expect([Code.Canceled, Code.Aborted]).toContain(err.code);
    await settle();
    expect(emulator.callCount("CreateTarget")).toBe(1);
    // The write happened server-side; a fresh client sees it exactly once.
    const created = await clientFor(emulator, protocol)
      .listTargets({ name: "created-once" })
      .toArray();
    expect(created.map((t) => t.name)).toEqual(["created-once"]);
    expect(await clientFor(emulator, protocol).listTargets().toArray()).toHaveLength(6);
  });

  it("retries a read whose connection dropped, and succeeds", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", drop: true });
    const target = await clientFor(emulator, protocol).getTarget({ id: "id-t1" });
    expect(target.name).toBe("t1");
    expect(emulator.callCount("GetTarget")).toBe(2);
  });

  it("reports a dropped read as a ConnectError with retry: false, sent once", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", drop: true });
    const err = await rejection(
      clientFor(emulator, protocol, { retry: false }).getTarget({ id: "id-t1" }),
    );
    // connect-node reports a lost connection as Canceled (HTTP/2) or Aborted (HTTP/1.1).
    expect([Code.Canceled, Code.Aborted]).toContain(err.code);
    await settle();
    expect(emulator.callCount("GetTarget")).toBe(1);
  });

  it("does not retry a server's own Aborted status, even for a read", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", code: Code.Aborted, times: 2 });
    const err = await rejection(clientFor(emulator, protocol).getTarget({ id: "id-t1" }));
    expect(err.code).toBe(Code.Aborted);
    expect(emulator.callCount("GetTarget")).toBe(1);
  });

  it("does not retry a server's own Unknown status either", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", code: Code.Unknown, times: 2 });
    const err = await rejection(clientFor(emulator, protocol).getTarget({ id: "id-t1" }));
    expect(err.code).toBe(Code.Unknown);
    expect(emulator.callCount("GetTarget")).toBe(1);
  });

  it("never retries a read the caller aborted", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", latencyMs: 10_000 });
    const controller = new AbortController();
    const call = clientFor(emulator, protocol).getTarget(
      { id: "id-t1" },
      { signal: controller.signal },
    );
    await untilCalls(emulator, "GetTarget", 1);
    controller.abort();
    const err = await rejection(call);
    expect(err.code).toBe(Code.Canceled);
    await settle();
    expect(emulator.callCount("GetTarget")).toBe(1);
  });

  it("turns retries off with retry: false", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", code: Code.Unavailable });
    const err = await rejection(
      clientFor(emulator, protocol, { retry: false }).getTarget({ id: "id-t1" }),
    );
    expect(err.code).toBe(Code.Unavailable);
    await settle();
    expect(emulator.callCount("GetTarget")).toBe(1);
  });

  it("answers a corrupt frame with a ConnectError, not a crash, and keeps working", async () => {
    const emulator = await start();
    const client = clientFor(emulator, protocol);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["ListExecutionMethods", () => client.listExecutionMethods()],
      ["GetTarget", () => client.getTarget({ id: "id-t1" })],
      ["ListTargets", () => client.listTargets().toArray()],
      ["GetAction", () => client.v1.getAction({ id: "a1" })],
      ["ListExecutionMethods", () => client.raw.action.listExecutionMethods({})],
    ];
    for (const [method, call] of cases) {
      const before = emulator.callCount(method);
      emulator.injectFault({ method, corrupt: true });
      const err = await rejection(call());
      // A garbled answer is not a transient failure: it is reported, not retried.
      expect(err.code, method).not.toBe(Code.Unavailable);
      expect(emulator.callCount(method) - before, method).toBe(1);
    }
    expect(await client.listExecutionMethods()).not.toHaveLength(0);
    expect((await client.getTarget({ id: "id-t1" })).name).toBe("t1");
  });
});

describe.each(protocols)("deadlines against injected latency (%s)", (protocol) => {
  it("ends a slow read at its timeoutMs with DeadlineExceeded, without retrying", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "GetTarget", latencyMs: 10_000 });
    const err = await rejection(
      clientFor(emulator, protocol).getTarget({ id: "id-t1" }, { timeoutMs: 100 }),
    );
    expect(err.code).toBe(Code.DeadlineExceeded);
    await settle();
    expect(emulator.callCount("GetTarget")).toBe(1);
  });

  it("applies defaultTimeoutMs to reads and writes", async () => {
    const emulator = await start();
    const client = clientFor(emulator, protocol, { defaultTimeoutMs: 100 });
    emulator.injectFault({ method: "ListExecutionMethods", latencyMs: 10_000 });
    expect((await rejection(client.listExecutionMethods())).code).toBe(Code.DeadlineExceeded);
    emulator.injectFault({ method: "CreateTarget", latencyMs: 10_000 });
    expect((await rejection(client.createTarget(newTarget))).code).toBe(Code.DeadlineExceeded);
    await settle();
    expect(emulator.callCount("CreateTarget")).toBe(1);
  });

  it("lets a per-call timeoutMs override defaultTimeoutMs", async () => {
    const emulator = await start();
    const client = clientFor(emulator, protocol, { defaultTimeoutMs: 60_000 });
    emulator.injectFault({ method: "GetAction", latencyMs: 10_000 });
    const err = await rejection(client.v1.getAction({ id: "a1" }, { timeoutMs: 100 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
  });

  it("never starts an attempt after the deadline while retrying", async () => {
    const emulator = await start();
    // Every attempt fails after 40 ms; retries would go on for 100 attempts without a deadline.
    emulator.injectFault({
      method: "ListExecutionMethods",
      code: Code.Unavailable,
      latencyMs: 40,
      times: Number.POSITIVE_INFINITY,
    });
    const client = clientFor(emulator, protocol, {
      retry: { maxAttempts: 100, initialBackoffMs: 1, maxBackoffMs: 2 },
    });
    const err = await rejection(client.listExecutionMethods({}, { timeoutMs: 400 }));
    // Either the last attempt ran into the deadline, or the retry gave up because the next one
    // could not finish in time: both report honestly, neither goes on.
    expect([Code.DeadlineExceeded, Code.Unavailable]).toContain(err.code);
    // An attempt sent just before the deadline may reach the server just after the rejection.
    await settle();
    const attempts = emulator.callCount("ListExecutionMethods");
    expect(attempts).toBeGreaterThan(1);
    // Attempts run one after another and each takes at least 40 ms, all inside 400 ms.
    expect(attempts).toBeLessThanOrEqual(11);
    // A retry loop that ignored the deadline would still be adding an attempt every 40 ms.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(emulator.callCount("ListExecutionMethods")).toBe(attempts);
  });
});

describe.each(protocols)("deadlines and aborts inside pagination (%s)", (protocol) => {
  it("applies timeoutMs to every page: a slow second page ends the walk with DeadlineExceeded", async () => {
    const emulator = await start();
    // The first page passes untouched, the second one stalls.
    emulator.injectFault({ method: "ListTargets" });
    emulator.injectFault({ method: "ListTargets", latencyMs: 10_000 });
    const walk = clientFor(emulator, protocol)
      .listTargets({ pageSize: 2 }, { timeoutMs: 300 })
      .toArray();
    expect((await rejection(walk)).code).toBe(Code.DeadlineExceeded);
    await settle();
    expect(emulator.callCount("ListTargets")).toBe(2);
  });

  it("applies defaultTimeoutMs to every page", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "ListTargets" });
    emulator.injectFault({ method: "ListTargets" });
    emulator.injectFault({ method: "ListTargets", latencyMs: 10_000 });
    const walk = clientFor(emulator, protocol, { defaultTimeoutMs: 300 })
      .listTargets({ pageSize: 2 })
      .toArray();
    expect((await rejection(walk)).code).toBe(Code.DeadlineExceeded);
    expect(emulator.callCount("ListTargets")).toBe(3);
  });

  it("applies timeoutMs to every page of a v1 walk too", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "ListActions" });
    emulator.injectFault({ method: "ListActions", latencyMs: 10_000 });
    const walk = clientFor(emulator, protocol)
      .v1.listActions({ pageSize: 1 }, { timeoutMs: 300 })
      .toArray();
    expect((await rejection(walk)).code).toBe(Code.DeadlineExceeded);
    expect(emulator.callCount("ListActions")).toBe(2);
  });

  it("stops requesting pages when the signal aborts between pages", async () => {
    const emulator = await start();
    const controller = new AbortController();
    const seen: string[] = [];
    const walk = async () => {
      for await (const target of clientFor(emulator, protocol).listTargets(
        { pageSize: 2, asc: true },
        { signal: controller.signal },
      )) {
        seen.push(target.name);
        if (seen.length === 2) controller.abort();
      }
    };
    expect((await rejection(walk())).code).toBe(Code.Canceled);
    expect(seen).toEqual(["t0", "t1"]);
    await settle();
    expect(emulator.callCount("ListTargets")).toBe(1);
  });

  it("stops at the page in flight when the signal aborts, and sends no more", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "ListTargets" });
    emulator.injectFault({ method: "ListTargets", latencyMs: 10_000 });
    const controller = new AbortController();
    const walk = clientFor(emulator, protocol)
      .listTargets({ pageSize: 2 }, { signal: controller.signal })
      .toArray();
    await untilCalls(emulator, "ListTargets", 2);
    controller.abort();
    expect((await rejection(walk)).code).toBe(Code.Canceled);
    await settle();
    expect(emulator.callCount("ListTargets")).toBe(2);
  });

  it("keeps the signal when the walk fetches pages in parallel", async () => {
    const emulator = await start();
    emulator.injectFault({ method: "ListTargets" });
    emulator.injectFault({ method: "ListTargets", latencyMs: 10_000, times: 2 });
    const controller = new AbortController();
    const walk = clientFor(emulator, protocol)
      .listTargets({ pageSize: 2, concurrency: 4 }, { signal: controller.signal })
      .toArray();
    // Page one tells the total (5), so pages two and three go out together.
    await untilCalls(emulator, "ListTargets", 3);
    controller.abort();
    expect((await rejection(walk)).code).toBe(Code.Canceled);
    await settle();
    expect(emulator.callCount("ListTargets")).toBe(3);
  });
});

/** A client over the fetch-based transport of `zitadel-actions/web` (Node's own fetch here). */
function webClientFor(
  emulator: Emulator,
  protocol: "grpc-web" | "connect",
  options: Partial<WebActionsTransportOptions> = {},
): ActionsClient {
  return createActionsClient(
    createWebTransport({ baseUrl: emulator.baseUrl, protocol, retry: fast, ...options }),
  );
}

describe.each(["grpc-web", "connect"] as const)(
  "the fetch transport under faults (%s)",
  (protocol) => {
    it("retries a read on Unavailable and after a dropped connection", async () => {
      const emulator = await start();
      const client = webClientFor(emulator, protocol);
      emulator.injectFault({ method: "ListExecutionMethods", code: Code.Unavailable });
      await client.listExecutionMethods();
      expect(emulator.callCount("ListExecutionMethods")).toBe(2);
      emulator.injectFault({ method: "GetTarget", drop: true });
      expect((await client.getTarget({ id: "id-t1" })).name).toBe("t1");
      expect(emulator.callCount("GetTarget")).toBe(2);
    });

    it("reports a dropped read as a ConnectError with retry: false, sent once", async () => {
      const emulator = await start();
      emulator.injectFault({ method: "GetTarget", drop: true });
      const err = await rejection(
        webClientFor(emulator, protocol, { retry: false }).getTarget({ id: "id-t1" }),
      );
      // fetch reports a lost connection as a TypeError, which connect turns into Unknown.
      expect(err.code).toBe(Code.Unknown);
      await settle();
      expect(emulator.callCount("GetTarget")).toBe(1);
    });

    it("sends a dropped createTarget once: exactly one target exists", async () => {
      const emulator = await start();
      emulator.injectFault({ method: "CreateTarget", drop: true });
      const client = webClientFor(emulator, protocol);
      await rejection(client.createTarget(newTarget));
      await settle();
      expect(emulator.callCount("CreateTarget")).toBe(1);
      const created = await client.listTargets({ name: "created-once" }).toArray();
      expect(created).toHaveLength(1);
    });

    it("never retries a read the caller aborted", async () => {
      const emulator = await start();
      emulator.injectFault({ method: "GetTarget", latencyMs: 10_000 });
      const controller = new AbortController();
      const call = webClientFor(emulator, protocol).getTarget(
        { id: "id-t1" },
        { signal: controller.signal },
      );
      await untilCalls(emulator, "GetTarget", 1);
      controller.abort();
      expect((await rejection(call)).code).toBe(Code.Canceled);
      await settle();
      expect(emulator.callCount("GetTarget")).toBe(1);
    });

    it("answers a corrupt frame with a ConnectError, sent once without retries", async () => {
      const emulator = await start();
      emulator.injectFault({ method: "ListExecutionMethods", corrupt: true });
      const client = webClientFor(emulator, protocol, { retry: false });
      await rejection(client.listExecutionMethods());
      expect(emulator.callCount("ListExecutionMethods")).toBe(1);
      expect(await client.listExecutionMethods()).not.toHaveLength(0);
    });

    it("reports a corrupt answer to a read without retrying it", async () => {
      const emulator = await start();
      emulator.injectFault({ method: "ListExecutionMethods", corrupt: true });
      const call = webClientFor(emulator, protocol).listExecutionMethods();
      // A broken gRPC-web frame or an unparsable Connect body is a protocol error: reported, not
      // retried (the emulator answers uncompressed, so fetch's body stream itself does not fail).
      await rejection(call);
      expect(emulator.callCount("ListExecutionMethods")).toBe(1);
    });

    it("ends a slow page at timeoutMs with DeadlineExceeded", async () => {
      const emulator = await start();
      emulator.injectFault({ method: "ListTargets" });
      emulator.injectFault({ method: "ListTargets", latencyMs: 10_000 });
      const walk = webClientFor(emulator, protocol)
        .listTargets({ pageSize: 2 }, { timeoutMs: 300 })
        .toArray();
      expect((await rejection(walk)).code).toBe(Code.DeadlineExceeded);
      expect(emulator.callCount("ListTargets")).toBe(2);
    });
  },
);
