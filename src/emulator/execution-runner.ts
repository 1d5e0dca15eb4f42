/**
 * Runs executions: an interceptor that calls the targets of matching request and response
 * executions around every emulated RPC (and applies what `call` targets answer), and `invoke` for
 * function and event executions, which the emulator cannot trigger by itself.
 *
 * @module
 */
import {
  create,
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  type Message,
  toJson,
} from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  type Condition as ConditionMessage,
  ConditionSchema,
} from "../../gen/zitadel/action/v2/execution_pb.js";
import { invalidArgument } from "../errors.js";
import { type Condition, conditionFromInput } from "../executions.js";
import { zitadelError } from "./errors.js";
import { routeApiCall, routeEvent, routeFunction } from "./execution-router.js";
import type { Store } from "./store.js";
import { createTargetCaller, type JwtSigner } from "./target-caller.js";

/**
 * Name what `invoke` runs: a plain condition as the facade takes it (`{ function:
 * "preaccesstoken" }`, `{ event: { event: "user.human.added" } }`, `{ request: { method:
 * "/zitadel.user.v2.UserService/AddHumanUser" } }`) or a `zitadel.action.v2.Condition` message.
 * It names what happened (one method, one event type, one function), not an execution: the
 * execution is chosen like ZITADEL chooses it (method > service > all; event type > group > all).
 */
type InvokeCondition = Condition | ConditionMessage;

/** Configure `createExecutionRunner`. */
interface ExecutionRunnerOptions {
  /** The emulator's state. */
  store: Store;
  /** The org reported for calls without `x-zitadel-orgid`. */
  defaultOrgId: string;
}

/** Call targets for the emulated RPCs and for `invoke`. */
interface ExecutionRunner {
  /** The server interceptor running request and response executions around unary RPCs. */
  readonly interceptor: Interceptor;
  /** Run the execution matching a condition with a payload; see `Emulator.invoke`. */
  invoke(condition: InvokeCondition, payload?: JsonObject): Promise<JsonObject | undefined>;
  /** Set the signer of JWT and JWE payloads (the emulator's OAuth key). */
  setJwtSigner(signer: JwtSigner): void;
  /** Set how a bearer token maps to the `userID` reported to targets. */
  setUserResolver(resolve: (token: string) => string | undefined): void;
  /** Abort async target calls still in flight. */
  abortPending(): void;
}

/** The `instanceID` the emulator reports to targets. */
const emulatorInstanceId = "100000000000000000";

/** Headers ZITADEL forwards to request and response targets, with Go's canonical spelling. */
const forwardedHeaders = ["Content-Type", "X-Forwarded-For", "X-Forwarded-Host", "Host", "Origin"];

/** Create the execution runner of one emulator. */
function createExecutionRunner(options: ExecutionRunnerOptions): ExecutionRunner {
  const { store, defaultOrgId } = options;
  let signer: JwtSigner | undefined;
  let resolveUser: ((token: string) => string | undefined) | undefined;
  const caller = createTargetCaller({ store, signer: () => signer });

  function callerFields(header: Headers): JsonObject {
    const fields: JsonObject = {
      instanceID: emulatorInstanceId,
      orgID: header.get("x-zitadel-orgid") ?? defaultOrgId,
    };
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header.get("authorization") ?? "")?.[1];
    const userId = token === undefined ? undefined : resolveUser?.(token);
    if (userId !== undefined) fields.userID = userId;
    return fields;
  }

  function headersOf(header: Headers): JsonObject | undefined {
    const out: JsonObject = {};
    for (const name of forwardedHeaders) {
      const value = header.get(name);
      if (value !== null) out[name] = [value];
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  const interceptor: Interceptor = (next) => async (req) => {
    if (req.stream) return next(req);
    const fullMethod = `/${req.service.typeName}/${req.method.name}`;
    const fields = callerFields(req.header);
    const headers = headersOf(req.header);
    const body = (request: JsonObject, response?: JsonObject): JsonObject => {
      const out: JsonObject = { fullMethod, ...fields, request };
      if (response !== undefined) out.response = response;
      if (headers !== undefined) out.headers = headers;
      return out;
    };
    const input = req.method.input;
    let message: Message = req.message;
    const before = routeApiCall(store.executions, "request", fullMethod);
    if (before !== undefined) {
      await caller.callTargets(
        before.targets,
        () => body(messageJson(input, message)),
        (text) => {
          message = messageFromReply(input, text);
        },
        req.signal,
      );
    }
    const res = await next(message === req.message ? req : { ...req, message });
    if (res.stream) return res;
    const after = routeApiCall(store.executions, "response", fullMethod);
    if (after === undefined) return res;
    const output = req.method.output;
    let reply: Message = res.message;
    await caller.callTargets(
      after.targets,
      () => body(messageJson(input, message), messageJson(output, reply)),
      (text) => {
        reply = messageFromReply(output, text);
      },
      req.signal,
    );
    return reply === res.message ? res : { ...res, message: reply };
  };

  async function invoke(
    input: InvokeCondition,
    payload: JsonObject = {},
  ): Promise<JsonObject | undefined> {
    const condition = conditionMessage(input);
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
      throw invalidArgument("payload", "must be a JSON object");
    }
    const type = condition.conditionType;
    switch (type.case) {
      case "request":
      case "response": {
        if (type.value.condition.case !== "method") {
          throw invalidArgument(
            `condition.${type.case}`,
            "invoke needs one method (an RPC call always has one), not a service or all",
          );
        }
        const fullMethod = type.value.condition.value;
        const body: JsonObject = {
          fullMethod,
          instanceID: emulatorInstanceId,
          orgID: defaultOrgId,
          ...payload,
        };
        body.fullMethod = fullMethod.startsWith("/") ? fullMethod : `/${fullMethod}`;
        const part = type.case;
        body.request = jsonObjectField(body, "request");
        if (part === "response") body.response = jsonObjectField(body, "response");
        const execution = routeApiCall(store.executions, part, fullMethod);
        if (execution !== undefined) {
          await caller.callTargets(
            execution.targets,
            () => body,
            (text) => {
              body[part] = jsonObjectFromReply(text, Code.Unknown);
            },
          );
        }
        return body[part] as JsonObject;
      }
      case "function": {
        const name = type.value.name;
        const body: JsonObject = { function: `function/${name}`, ...payload };
        body.function = `function/${name}`;
        const merged: JsonObject = {};
        const execution = routeFunction(store.executions, name);
        if (execution !== undefined) {
          await caller.callTargets(
            execution.targets,
            () => body,
            (text) => {
              // Like decoding each answer into one reply struct: later answers replace fields.
              Object.assign(merged, jsonObjectFromReply(text, Code.FailedPrecondition));
            },
          );
        }
        return merged;
      }
      case "event": {
        if (type.value.condition.case !== "event") {
          throw invalidArgument(
            "condition.event",
            "invoke needs one event type (an event always has one), not a group or all",
          );
        }
        const eventType = type.value.condition.value;
        const body: JsonObject = {
          aggregateID: store.nextId(),
          aggregateType: eventType.split(".")[0] ?? eventType,
          resourceOwner: defaultOrgId,
          instanceID: emulatorInstanceId,
          version: "v1",
          sequence: 1,
          event_type: eventType,
          created_at: new Date().toISOString(),
          ...payload,
        };
        body.event_type = eventType;
        const execution = routeEvent(store.executions, eventType);
        // Event targets' answers are ignored, whatever their type.
        if (execution !== undefined) await caller.callTargets(execution.targets, () => body);
        return undefined;
      }
      default:
        throw invalidArgument("condition", "must name a request, response, function or event");
    }
  }

  return {
    interceptor,
    invoke,
    setJwtSigner(next) {
      signer = next;
    },
    setUserResolver(resolve) {
      resolveUser = resolve;
    },
    abortPending: () => caller.abortPending(),
  };
}

function conditionMessage(input: InvokeCondition): ConditionMessage {
  if (
    typeof input === "object" &&
    input !== null &&
    (input as { $typeName?: unknown }).$typeName === ConditionSchema.typeName
  ) {
    return input as ConditionMessage;
  }
  return create(ConditionSchema, conditionFromInput(input as Condition));
}

function jsonObjectField(body: JsonObject, field: string): JsonObject {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidArgument(`payload.${field}`, "must be a JSON object");
  }
  return value;
}

function messageJson(schema: DescMessage, message: Message): JsonObject {
  return toJson(schema, message) as JsonObject;
}

/** Decode a `call` target's answer into a fresh message, as ZITADEL resets and unmarshals it. */
function messageFromReply(schema: DescMessage, text: string): Message {
  try {
    return fromJson(schema, JSON.parse(text) as JsonValue);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ConnectError(
      `the target's answer is not a valid ${schema.typeName}: ${reason}`,
      Code.Unknown,
    );
  }
}

/** Decode a `call` target's answer that must be a JSON object. */
function jsonObjectFromReply(text: string, code: Code): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw zitadelError(code, "ACTION-4m9s2", "Errors.Execution.ResponseIsNotValidJSON");
  }
  return value as JsonObject;
}

export type { ExecutionRunner, ExecutionRunnerOptions, InvokeCondition };
export { createExecutionRunner };
