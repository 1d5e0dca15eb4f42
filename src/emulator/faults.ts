import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";

/** A fault to inject into the next calls of one RPC. */
interface FaultSpec {
  /** RPC name (`"GetTarget"`) or full path (`"/zitadel.action.v2.ActionService/GetTarget"`). */
  method: string;
  /** Fail the call with this code (after the latency, before the handler runs). */
  code?: Code;
  /** Message for `code` (default: "injected fault"). */
  message?: string;
  /** How many calls this fault applies to (default 1; `Infinity` for all). */
  times?: number;
  /** Extra delay before the call is handled, in milliseconds. */
  latencyMs?: number;
  /** Run the call, then drop the connection before the response is written. */
  drop?: true;
  /** Run the call, then answer with a corrupt frame (a length prefix longer than the data). */
  corrupt?: true;
}

/** What the HTTP layer should do with the response of the current call. */
interface ResponseControl {
  mode: "normal" | "drop" | "corrupt";
}

/** Carry the HTTP layer's `ResponseControl` to the fault interceptor, as a context value. */
const responseControlKey = createContextKey<ResponseControl | undefined>(undefined, {
  description: "emulator response control",
});

/** A queue of pending faults and per-method call counters. */
interface FaultRegistry {
  /** Queue a fault. */
  inject(spec: FaultSpec): void;
  /** Drop every pending fault. */
  clear(): void;
  /** Take one application of the first pending fault matching an RPC, if any. */
  take(serviceTypeName: string, methodName: string): FaultSpec | undefined;
  /** Count one call of an RPC. */
  count(methodName: string): void;
  /** Return the number of calls of one RPC (by name), or of all RPCs. */
  callCount(methodName?: string): number;
  /** Reset the call counters. */
  resetCounts(): void;
}

/** Create an empty fault registry. */
function createFaultRegistry(initial: readonly FaultSpec[] = []): FaultRegistry {
  let pending: Array<{ spec: FaultSpec; left: number }> = [];
  const counts = new Map<string, number>();
  const registry: FaultRegistry = {
    inject(spec) {
      if (typeof spec.method !== "string" || spec.method === "") {
        throw new TypeError('fault.method: must name an RPC, e.g. "GetTarget"');
      }
      const left = spec.times ?? 1;
      if (!(left > 0)) throw new TypeError("fault.times: must be a positive number");
      pending.push({ spec: { ...spec }, left });
    },
    clear() {
      pending = [];
    },
    take(serviceTypeName, methodName) {
      const full = `/${serviceTypeName}/${methodName}`;
      const entry = pending.find((p) => p.spec.method === methodName || p.spec.method === full);
      if (entry === undefined) return undefined;
      entry.left -= 1;
      if (entry.left <= 0) pending = pending.filter((p) => p !== entry);
      return entry.spec;
    },
    count(methodName) {
      counts.set(methodName, (counts.get(methodName) ?? 0) + 1);
    },
    callCount(methodName) {
      if (methodName !== undefined) return counts.get(methodName) ?? 0;
      let sum = 0;
      for (const n of counts.values()) sum += n;
      return sum;
    },
    resetCounts() {
      counts.clear();
    },
  };
  for (const spec of initial) registry.inject(spec);
  return registry;
}

/**
 * Create the server-side interceptor that counts calls and applies latency and faults.
 *
 * On a served port, `drop` and `corrupt` are carried out by the HTTP layer (see server.ts). In memory
 * there is no connection: the call still runs, then the client gets `Unavailable` (drop) or
 * `Internal` (corrupt), which is what connect clients report for those failures on the wire.
 */
function createFaultInterceptor(registry: FaultRegistry, latencyMs: () => number): Interceptor {
  return (next) => async (req) => {
    registry.count(req.method.name);
    const fault = registry.take(req.service.typeName, req.method.name);
    const delay = latencyMs() + (fault?.latencyMs ?? 0);
    if (delay > 0) await sleep(delay, req.signal);
    if (fault?.code !== undefined) {
      throw new ConnectError(fault.message ?? "injected fault", fault.code);
    }
    if (fault?.drop !== true && fault?.corrupt !== true) return next(req);
    const control = req.contextValues.get(responseControlKey);
    if (control !== undefined) {
      control.mode = fault.drop === true ? "drop" : "corrupt";
      return next(req);
    }
    try {
      await next(req);
    } catch {
      // The effect (or its rejection) happened server-side; the client never learns which.
    }
    throw fault.drop === true
      ? new ConnectError("emulated connection drop", Code.Unavailable)
      : new ConnectError("emulated corrupt response frame", Code.Internal);
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(ConnectError.from(signal.reason, Code.Canceled));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(ConnectError.from(signal.reason, Code.Canceled));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export type { FaultRegistry, FaultSpec, ResponseControl };
export { createFaultInterceptor, createFaultRegistry, responseControlKey };
