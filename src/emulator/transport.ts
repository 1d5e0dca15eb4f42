import type { JsonObject } from "@bufbuild/protobuf";
import { createRouterTransport, type Transport } from "@connectrpc/connect";
import type { JSONWebKeySet } from "jose";
import { createEmulatorCore, type EmulatorOptions, emulatorControls } from "./core.js";
import type { InvokeCondition } from "./execution-runner.js";
import type { FaultSpec } from "./faults.js";
import { createOAuthEndpoints } from "./oauth.js";

/** Options of `createEmulatorTransport`. */
interface EmulatorTransportOptions extends EmulatorOptions {
  /**
   * The issuer named by JWT payloads sent to targets (default `http://emulator.invalid`). Nothing
   * is served there: give receivers the keys from `jwks()` instead of a JWKS URL.
   */
  issuer?: string;
}

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
  /** Run the execution matching a condition, calling its targets; like the served emulator's `invoke`. */
  invoke(condition: InvokeCondition, payload?: JsonObject): Promise<JsonObject | undefined>;
  /** Return the JWKS that verifies the JWT (and JWE) payloads this emulator sends to targets. */
  jwks(): JSONWebKeySet;
  /** Abort target calls of `async` targets still in flight. */
  close(): void;
}

/**
 * Create a transport that serves the emulator in memory (no port), for fast unit tests. It calls
 * the targets of matching executions over real HTTP, loopback endpoints included.
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
  // Nothing listens in memory: the signer only needs an issuer name, and receivers get `jwks()`.
  const oauth = createOAuthEndpoints({ issuer: options.issuer ?? "http://emulator.invalid" });
  core.executions.setJwtSigner((payload) => oauth.signJwt(payload));
  const transport = createRouterTransport(core.routes, {
    router: { interceptors: core.interceptors },
  });
  return {
    unary: transport.unary.bind(transport),
    stream: transport.stream.bind(transport),
    ...emulatorControls(core),
    jwks: () => oauth.jwks(),
    close: () => core.executions.abortPending(),
  };
}

export type { EmulatorTransport, EmulatorTransportOptions };
export { createEmulatorTransport };
