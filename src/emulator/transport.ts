import { createRouterTransport, type Transport } from "@connectrpc/connect";
import { createEmulatorCore, type EmulatorOptions } from "./core.js";
import type { FaultSpec } from "./faults.js";

/** Options of `createEmulatorTransport`. */
type EmulatorTransportOptions = EmulatorOptions;

/** An in-memory emulator: a Connect transport plus the controls of the served variant. */
interface EmulatorTransport extends Transport {
  /** Restore the initial state (seed), drop pending faults and reset call counts. */
  reset(): void;
  /** Queue a fault for the next calls of an RPC. */
  injectFault(spec: FaultSpec): void;
  /** Drop every pending fault. */
  clearFaults(): void;
  /** Return how many calls of an RPC (by name, e.g. `"GetTarget"`) reached the emulator; all when omitted. */
  callCount(method?: string): number;
}

/**
 * Create a transport that serves the emulator in memory (no port), for fast unit tests.
 *
 * @example
 * ```ts
 * import { createActionsClient } from "zitadel-actions";
 * import { createEmulatorTransport } from "zitadel-actions/emulator";
 * const client = createActionsClient(createEmulatorTransport());
 * ```
 */
function createEmulatorTransport(options: EmulatorTransportOptions = {}): EmulatorTransport {
  const core = createEmulatorCore(options);
  const transport = createRouterTransport(core.routes, {
    router: { interceptors: core.interceptors },
  });
  return {
    unary: transport.unary.bind(transport),
    stream: transport.stream.bind(transport),
    reset: core.reset,
    injectFault: (spec) => core.faults.inject(spec),
    clearFaults: () => core.faults.clear(),
    callCount: (method) => core.faults.callCount(method),
  };
}

export type { EmulatorTransport, EmulatorTransportOptions };
export { createEmulatorTransport };
