import type { JsonObject } from "@bufbuild/protobuf";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { ActionService } from "../../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../../gen/zitadel/management_pb.js";
import { createActionServiceImpl } from "./action-service.js";
import { createAuthCheckInterceptor, type EmulatorAuth } from "./auth.js";
import { createCatalog, type EmulatorCatalog } from "./catalog.js";
import {
  createExecutionRunner,
  type ExecutionRunner,
  type InvokeCondition,
} from "./execution-runner.js";
import {
  createFaultInterceptor,
  createFaultRegistry,
  type FaultRegistry,
  type FaultSpec,
} from "./faults.js";
import { createManagementServiceImpl } from "./management-service.js";
import { applySeed, type EmulatorSeed } from "./seed.js";
import { createStore, type Store } from "./store.js";

/** Options shared by `startEmulator` and `createEmulatorTransport`. */
interface EmulatorOptions {
  /** Require `authorization: Bearer <token>` on every call; others get `Unauthenticated`. */
  token?: string;
  /** Require a valid bearer token on every call (default: only when `token` is set). */
  requireAuth?: boolean;
  /** Initial data, loaded on start and again by `reset()`. */
  seed?: EmulatorSeed;
  /** Delay added to every call, in milliseconds. */
  latencyMs?: number;
  /** Faults queued from the start (see `injectFault`). */
  faults?: FaultSpec[];
  /** Extra services/methods, event types or functions that execution conditions may name. */
  catalog?: Partial<EmulatorCatalog>;
  /** Org of v1 calls without `x-zitadel-orgid` (default `"100000000000000001"`). */
  defaultOrgId?: string;
  /** When set, only these orgs (plus the default) exist; other org ids get `PermissionDenied`. */
  orgIds?: string[];
}

/** The state and plumbing of one emulator, shared by the in-memory and served variants. */
interface EmulatorCore {
  store: Store;
  faults: FaultRegistry;
  auth: EmulatorAuth;
  /** Calls targets for matching executions (around RPCs, and on `invoke`). */
  executions: ExecutionRunner;
  interceptors: Interceptor[];
  routes(router: ConnectRouter): void;
  reset(): void;
  setLatency(ms: number): void;
}

const defaultOrgIdValue = "100000000000000001";

/** Create the emulator's state, service implementations and server-side interceptors. */
function createEmulatorCore(options: EmulatorOptions = {}): EmulatorCore {
  const store = createStore();
  const catalog = createCatalog(options.catalog);
  const defaultOrgId = options.defaultOrgId ?? defaultOrgIdValue;
  const action = createActionServiceImpl(store, catalog);
  const management = createManagementServiceImpl(store, { defaultOrgId, orgIds: options.orgIds });
  const faults = createFaultRegistry(options.faults);
  const executions = createExecutionRunner({ store, defaultOrgId });
  let latency = options.latencyMs ?? 0;
  if (!(latency >= 0)) throw new TypeError("latencyMs: must be a non-negative number");
  const auth: EmulatorAuth = {
    token: options.token,
    validators: [],
    required: () => options.requireAuth ?? auth.token !== undefined,
  };
  const load = () => {
    if (options.seed !== undefined)
      applySeed(options.seed, store, action, management, defaultOrgId);
  };
  load();
  return {
    store,
    faults,
    auth,
    executions,
    // Targets are called only for calls that passed faults and authentication.
    interceptors: [
      createFaultInterceptor(faults, () => latency),
      createAuthCheckInterceptor(auth),
      executions.interceptor,
    ],
    routes(router) {
      router.service(ActionService, action);
      router.service(ManagementService, management);
    },
    reset() {
      store.clear();
      faults.clear();
      faults.resetCounts();
      load();
    },
    setLatency(ms) {
      latency = ms;
    },
  };
}

/**
 * Bind the controls that both emulator handles (served and in memory) expose to one core.
 */
function emulatorControls(core: EmulatorCore) {
  return {
    reset: core.reset,
    injectFault: (spec: FaultSpec) => core.faults.inject(spec),
    clearFaults: () => core.faults.clear(),
    callCount: (method?: string) => core.faults.callCount(method),
    invoke: (condition: InvokeCondition, payload?: JsonObject) =>
      core.executions.invoke(condition, payload),
  };
}

export type { EmulatorCore, EmulatorOptions };
export { createEmulatorCore, emulatorControls };
