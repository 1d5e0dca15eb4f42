/**
 * Emulator entry: an in-memory ZITADEL Actions service (v2 ActionService and the v1 actions & flows
 * RPCs) for development and tests, servable on one port for gRPC, gRPC-web and Connect.
 *
 * @example
 * ```ts
 * import { startEmulator } from "zitadel-actions/emulator";
 * const emulator = await startEmulator();
 * console.log(emulator.baseUrl);
 * await emulator.close();
 * ```
 *
 * @module
 */
export type { EmulatorCatalog } from "./catalog.js";
export type { EmulatorOptions } from "./core.js";
export type { InvokeCondition } from "./execution-runner.js";
export type { FaultSpec } from "./faults.js";
export type {
  IssuedTokenInfo,
  OAuthEndpoints,
  ServiceAccountKeyRegistration,
} from "./oauth.js";
export type { EmulatorSeed } from "./seed.js";
export type {
  Emulator,
  EmulatorHttpHandler,
  EmulatorRequest,
  EmulatorResponse,
  StartEmulatorOptions,
} from "./server.js";
export { startEmulator } from "./server.js";
export type { EmulatorTransport, EmulatorTransportOptions } from "./transport.js";
export { createEmulatorTransport } from "./transport.js";
