import { create, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, durationFromMs } from "@bufbuild/protobuf/wkt";
import { createHandlerContext, type ServiceImpl } from "@connectrpc/connect";
import {
  ActionService,
  CreateTargetRequestSchema,
  SetExecutionRequestSchema,
} from "../../gen/zitadel/action/v2/action_service_pb.js";
import { ConditionSchema } from "../../gen/zitadel/action/v2/execution_pb.js";
import { PayloadType, PayloadTypeSchema } from "../../gen/zitadel/action/v2/target_pb.js";
import {
  CreateActionRequestSchema,
  DeactivateActionRequestSchema,
  ManagementService,
  SetTriggerActionsRequestSchema,
} from "../../gen/zitadel/management_pb.js";
import { enumFromInput } from "../enums.js";
import type { Store } from "./store.js";

/**
 * Initial data of an emulator (JSON-friendly; the CLI reads it from a file).
 *
 * @example
 * ```json
 * {
 *   "targets": [{ "name": "audit", "endpoint": "https://example.com/hook", "type": "webhook", "timeout": "10s" }],
 *   "executions": [{ "condition": { "request": { "service": "zitadel.user.v2.UserService" } }, "targets": ["audit"] }],
 *   "actions": [{ "name": "addClaim", "script": "function addClaim(ctx, api) {}", "timeout": "5s" }],
 *   "flows": [{ "flowType": "2", "triggerType": "5", "actions": ["addClaim"] }]
 * }
 * ```
 */
interface EmulatorSeed {
  /** v2 targets; created in order, so later ones are newer. */
  targets?: Array<{
    /** Fixed id (default: generated). */
    id?: string;
    name: string;
    endpoint: string;
    /** Target type (default `"webhook"`). */
    type?: "webhook" | "call" | "async";
    interruptOnError?: boolean;
    /** Milliseconds or a protobuf JSON duration such as `"10s"` (default `"10s"`). */
    timeout?: number | string;
    /** `"JSON"`, `"JWT"`, `"JWE"` or `"UNSPECIFIED"` (default), in any case. */
    payloadType?: "UNSPECIFIED" | "JSON" | "JWT" | "JWE";
    /** Fixed signing key (default: generated). */
    signingKey?: string;
  }>;
  /** v2 executions: a condition in protobuf JSON form and target names or ids. */
  executions?: Array<{ condition: JsonValue; targets: string[] }>;
  /** v1 actions, per organization (default: the emulator's default org). */
  actions?: Array<{
    /** Fixed id (default: generated). */
    id?: string;
    orgId?: string;
    name: string;
    script: string;
    /** Milliseconds or a protobuf JSON duration (default none, read back as 20s). */
    timeout?: number | string;
    allowedToFail?: boolean;
    /** `false` creates the action deactivated (default true). */
    active?: boolean;
  }>;
  /** v1 flow triggers: flow and trigger type ids (`"1"`…) and action names or ids. */
  flows?: Array<{ orgId?: string; flowType: string; triggerType: string; actions: string[] }>;
}

/** Load a seed into a store synchronously through the same implementations the RPCs use (so it is validated). */
function applySeed(
  seed: EmulatorSeed,
  store: Store,
  action: ServiceImpl<typeof ActionService>,
  management: ServiceImpl<typeof ManagementService>,
  defaultOrgId: string,
): void {
  const v2 = (name: string) =>
    createHandlerContext({
      service: ActionService,
      method: ActionService.method[name as keyof typeof ActionService.method],
      protocolName: "seed",
      requestMethod: "POST",
      url: "seed",
    });
  const v1 = (name: string, orgId: string | undefined) =>
    createHandlerContext({
      service: ManagementService,
      method: ManagementService.method[name as keyof typeof ManagementService.method],
      protocolName: "seed",
      requestMethod: "POST",
      url: "seed",
      requestHeader: { "x-zitadel-orgid": orgId ?? defaultOrgId },
    });
  const targetIds = new Map<string, string>();
  for (const [i, t] of (seed.targets ?? []).entries()) {
    const type = t.type ?? "webhook";
    if (type !== "webhook" && type !== "call" && type !== "async") {
      throw new TypeError(`seed targets[${i}].type: must be "webhook", "call" or "async"`);
    }
    const req = create(CreateTargetRequestSchema, {
      name: t.name,
      endpoint: t.endpoint,
      timeout: seedDuration(t.timeout ?? "10s", `targets[${i}].timeout`),
      payloadType: seedPayloadType(t.payloadType, `targets[${i}].payloadType`),
      targetType:
        type === "async"
          ? { case: "restAsync", value: {} }
          : {
              case: type === "call" ? "restCall" : "restWebhook",
              value: { interruptOnError: t.interruptOnError ?? false },
            },
    });
    let id = sync(action.createTarget!(req, v2("createTarget"))).id as string;
    const record = store.targets.get(id)!;
    if (t.signingKey !== undefined) record.signingKey = t.signingKey;
    if (t.id !== undefined) {
      store.targets.delete(id);
      record.id = t.id;
      store.targets.set(t.id, record);
      id = t.id;
    }
    targetIds.set(t.name, id);
  }
  for (const e of seed.executions ?? []) {
    const req = create(SetExecutionRequestSchema, {
      condition: fromJson(ConditionSchema, e.condition),
      targets: e.targets.map((t) => targetIds.get(t) ?? t),
    });
    sync(action.setExecution!(req, v2("setExecution")));
  }
  const actionIds = new Map<string, string>();
  for (const [i, a] of (seed.actions ?? []).entries()) {
    const req = create(CreateActionRequestSchema, {
      name: a.name,
      script: a.script,
      timeout:
        a.timeout === undefined ? undefined : seedDuration(a.timeout, `actions[${i}].timeout`),
      allowedToFail: a.allowedToFail ?? false,
    });
    let id = sync(management.createAction!(req, v1("createAction", a.orgId))).id as string;
    const org = store.org(a.orgId ?? defaultOrgId);
    if (a.id !== undefined) {
      const record = org.actions.get(id)!;
      org.actions.delete(id);
      record.id = a.id;
      org.actions.set(a.id, record);
      id = a.id;
    }
    if (a.active === false) {
      sync(
        management.deactivateAction!(
          create(DeactivateActionRequestSchema, { id }),
          v1("deactivateAction", a.orgId),
        ),
      );
    }
    actionIds.set(`${a.orgId ?? defaultOrgId}/${a.name}`, id);
  }
  for (const f of seed.flows ?? []) {
    const orgId = f.orgId ?? defaultOrgId;
    const req = create(SetTriggerActionsRequestSchema, {
      flowType: f.flowType,
      triggerType: f.triggerType,
      actionIds: f.actions.map((a) => actionIds.get(`${orgId}/${a}`) ?? a),
    });
    sync(management.setTriggerActions!(req, v1("setTriggerActions", f.orgId)));
  }
}

function sync<T>(value: T | Promise<T>): T {
  if (value instanceof Promise)
    throw new Error("seed: the emulator's handlers must answer synchronously");
  return value;
}

/** Read a seed's payload type like the facade does: the key in any case, the full name or a number. */
function seedPayloadType(value: unknown, field: string): PayloadType {
  if (value === undefined) return PayloadType.UNSPECIFIED;
  try {
    return enumFromInput(PayloadTypeSchema, value as string | number, field);
  } catch {
    throw new TypeError(`seed ${field}: must be "UNSPECIFIED", "JSON", "JWT" or "JWE" (any case)`);
  }
}

function seedDuration(value: number | string, field: string): Duration {
  if (typeof value === "number") return durationFromMs(value);
  try {
    return fromJson(DurationSchema, value);
  } catch {
    throw new TypeError(`seed ${field}: must be milliseconds or a duration such as "10s"`);
  }
}

export type { EmulatorSeed };
export { applySeed };
