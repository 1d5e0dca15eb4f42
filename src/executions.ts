/**
 * Executions: which targets run, in order, when a condition matches. Conditions are plain objects.
 *
 * @module
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import type {
  ActionService,
  ListExecutionFunctionsRequest,
  ListExecutionMethodsRequest,
  ListExecutionServicesRequest,
  SetExecutionRequest,
} from "../gen/zitadel/action/v2/action_service_pb.js";
import type {
  ConditionSchema,
  Condition as GenCondition,
  Execution as GenExecution,
} from "../gen/zitadel/action/v2/execution_pb.js";
import {
  type ExecutionFieldName,
  ExecutionFieldNameSchema,
  type ExecutionSearchFilterSchema,
  type ExecutionType,
  ExecutionTypeSchema,
} from "../gen/zitadel/action/v2/query_pb.js";
import { type EnumInput, enumFromInput } from "./enums.js";
import { invalidArgument } from "./errors.js";
import { requireId, withSignal } from "./internal/call.js";
import { type PageQuery, type Paginated, paginate } from "./pagination.js";
import { dateOrUndefined } from "./timestamp.js";

/**
 * Which API calls a request or response condition matches: one method (`"/zitadel.user.v2.UserService/AddHumanUser"`,
 * leading `/` optional), one service, or all.
 */
type ApiCallCondition = { method: string } | { service: string } | { all: true };

/**
 * Which events an event condition matches: one event type, one group (`"user"` means `user.*`), or all.
 */
type EventCondition = { event: string } | { group: string } | { all: true };

/**
 * An execution condition: `{ request: … }`, `{ response: … }`, `{ function: "preaccesstoken" }`
 * or `{ event: … }`.
 */
type Condition =
  | { request: ApiCallCondition }
  | { response: ApiCallCondition }
  | { function: string }
  | { event: EventCondition };

/**
 * An execution as the facade returns it: its condition, dates and ordered target ids.
 */
type Execution = Omit<
  GenExecution,
  "$typeName" | "$unknown" | "condition" | "creationDate" | "changeDate"
> & {
  /** The condition; `undefined` if the server sent a kind this library does not know. */
  condition: Condition | undefined;
  creationDate: Date | undefined;
  changeDate: Date | undefined;
};

/**
 * Input of `setExecution`: the condition and the ordered target ids (empty removes the execution).
 */
type SetExecutionInput = Pick<SetExecutionRequest, "targets"> & { condition: Condition };

/**
 * Result of `setExecution`.
 */
type SetExecutionResult = { setDate: Date | undefined };

/**
 * Query of `listExecutions`: paging, sort and friendly filters (AND-combined).
 */
type ListExecutionsQuery = PageQuery & {
  /** Sort ascending (default false: ZITADEL sorts descending). */
  asc?: boolean;
  /** Sort column: `"ID"`, `"CREATED_DATE"` or `"CHANGED_DATE"` (default: creation date). */
  sortBy?: EnumInput<typeof ExecutionFieldName>;
  /** Only this condition. */
  condition?: Condition;
  /** Only these conditions. */
  conditions?: Condition[];
  /** Only this kind: `"REQUEST"`, `"RESPONSE"`, `"EVENT"` or `"FUNCTION"`. */
  type?: EnumInput<typeof ExecutionType>;
  /** Only executions that call this target id. */
  target?: string;
};

/**
 * Input of the `listExecution*` listings (their requests have no fields).
 */
type ListExecutionNamesInput = Omit<
  ListExecutionFunctionsRequest | ListExecutionMethodsRequest | ListExecutionServicesRequest,
  "$typeName" | "$unknown"
>;

/**
 * The execution methods of `ActionsClient`.
 */
interface ExecutionMethods {
  /** Set the ordered targets of a condition; an empty list removes the execution. */
  setExecution(input: SetExecutionInput, options?: CallOptions): Promise<SetExecutionResult>;
  /** List executions page by page. */
  listExecutions(query?: ListExecutionsQuery, options?: CallOptions): Paginated<Execution>;
  /** List the function names usable in `{ function }` conditions. */
  listExecutionFunctions(input?: ListExecutionNamesInput, options?: CallOptions): Promise<string[]>;
  /** List the API methods usable in `{ request: { method } }` conditions. */
  listExecutionMethods(input?: ListExecutionNamesInput, options?: CallOptions): Promise<string[]>;
  /** List the API services usable in `{ request: { service } }` conditions. */
  listExecutionServices(input?: ListExecutionNamesInput, options?: CallOptions): Promise<string[]>;
}

/**
 * A `zitadel.action.v2.Condition` in its init shape, as `conditionFromInput` returns it.
 */
type ConditionInit = MessageInitShape<typeof ConditionSchema>;
type ExecutionFilterInit = MessageInitShape<typeof ExecutionSearchFilterSchema>;
const conditionKinds = ["request", "response", "function", "event"] as const;

/**
 * Create the execution methods over the generated ActionService client.
 */
function createExecutionMethods(action: Client<typeof ActionService>): ExecutionMethods {
  return {
    async setExecution(input, options) {
      if (typeof input !== "object" || input === null) {
        throw invalidArgument("input", "must be an object");
      }
      const condition = conditionFromInput(input.condition, "condition");
      if (!Array.isArray(input.targets)) {
        throw invalidArgument(
          "targets",
          "must be an array of target ids (empty removes the execution)",
        );
      }
      const targets = input.targets.map((id, index) => requireId(id, `targets[${index}]`));
      const response = await action.setExecution({ condition, targets }, options);
      return { setDate: dateOrUndefined(response.setDate) };
    },
    listExecutions(query = {}, options) {
      return paginate({
        query,
        signal: options?.signal,
        key: (execution) => conditionKey(execution.condition),
        prepare() {
          const filters = executionFilters(query);
          const sortingColumn =
            query.sortBy === undefined
              ? undefined
              : enumFromInput(ExecutionFieldNameSchema, query.sortBy, "sortBy");
          return async (window, signal) => {
            const response = await action.listExecutions(
              { pagination: { ...window, asc: query.asc ?? false }, sortingColumn, filters },
              withSignal(options, signal),
            );
            return {
              items: response.executions.map(executionFromMessage),
              total: response.pagination?.totalResult,
              extra: {},
            };
          };
        },
      });
    },
    async listExecutionFunctions(_input, options) {
      return (await action.listExecutionFunctions({}, options)).functions;
    },
    async listExecutionMethods(_input, options) {
      return (await action.listExecutionMethods({}, options)).methods;
    },
    async listExecutionServices(_input, options) {
      return (await action.listExecutionServices({}, options)).services;
    },
  };
}

/**
 * Return the `zitadel.action.v2.Condition` init for a plain condition object, or throw
 * `InvalidArgument` naming the broken part.
 */
function conditionFromInput(input: Condition, field = "condition"): ConditionInit {
  if (typeof input !== "object" || input === null) {
    throw invalidArgument(
      field,
      "must be one of { request }, { response }, { function } or { event }",
    );
  }
  const kinds = conditionKinds.filter(
    (kind) => (input as Record<string, unknown>)[kind] !== undefined,
  );
  if (kinds.length !== 1) {
    throw invalidArgument(
      field,
      `must have exactly one of request, response, function or event, got ${kinds.length === 0 ? "none" : kinds.join(" and ")}`,
    );
  }
  const kind = kinds[0]!;
  const value = (input as Record<string, unknown>)[kind];
  const path = `${field}.${kind}`;
  switch (kind) {
    case "function":
      return { conditionType: { case: "function", value: { name: requireName(value, path) } } };
    case "event":
      return {
        conditionType: { case: "event", value: { condition: eventCondition(value, path) } },
      };
    default:
      return { conditionType: { case: kind, value: { condition: apiCallCondition(value, path) } } };
  }
}

/**
 * Return the plain condition object of a generated `Condition`, or `undefined` for an unknown kind.
 */
function conditionFromMessage(message: GenCondition | undefined): Condition | undefined {
  const type = message?.conditionType;
  switch (type?.case) {
    case "request":
    case "response": {
      const inner = type.value.condition;
      if (inner.case === undefined) return undefined;
      const value: ApiCallCondition =
        inner.case === "all" ? { all: true } : ({ [inner.case]: inner.value } as ApiCallCondition);
      return type.case === "request" ? { request: value } : { response: value };
    }
    case "function":
      return { function: type.value.name };
    case "event": {
      const inner = type.value.condition;
      if (inner.case === undefined) return undefined;
      return {
        event:
          inner.case === "all" ? { all: true } : ({ [inner.case]: inner.value } as EventCondition),
      };
    }
    default:
      return undefined;
  }
}

function apiCallCondition(value: unknown, path: string) {
  const entry = singleKey(value, path, ["method", "service", "all"]);
  switch (entry.key) {
    case "all":
      return { case: "all" as const, value: requireTrue(entry.value, `${path}.all`) };
    case "method": {
      const method = requireName(entry.value, `${path}.method`);
      return { case: "method" as const, value: method.startsWith("/") ? method : `/${method}` };
    }
    default:
      return {
        case: "service" as const,
        value: requireName(entry.value, `${path}.service`).replace(/^\//, ""),
      };
  }
}

function eventCondition(value: unknown, path: string) {
  const entry = singleKey(value, path, ["event", "group", "all"]);
  switch (entry.key) {
    case "all":
      return { case: "all" as const, value: requireTrue(entry.value, `${path}.all`) };
    case "event":
      return { case: "event" as const, value: requireName(entry.value, `${path}.event`) };
    default:
      return { case: "group" as const, value: requireName(entry.value, `${path}.group`) };
  }
}

function singleKey<K extends string>(
  value: unknown,
  path: string,
  keys: readonly K[],
): { key: K; value: unknown } {
  if (typeof value !== "object" || value === null) {
    throw invalidArgument(path, `must be an object with exactly one of ${keys.join(", ")}`);
  }
  const present = keys.filter((key) => (value as Record<string, unknown>)[key] !== undefined);
  if (present.length !== 1) {
    throw invalidArgument(path, `must have exactly one of ${keys.join(", ")}`);
  }
  const key = present[0]!;
  return { key, value: (value as Record<string, unknown>)[key] };
}

function requireName(value: unknown, path: string): string {
  if (typeof value !== "string" || value.trim() === "" || value === "/") {
    throw invalidArgument(path, "must be a non-empty string");
  }
  if ([...value].length > 1000) {
    throw invalidArgument(path, "must be at most 1000 characters");
  }
  return value;
}

function requireTrue(value: unknown, path: string): true {
  if (value !== true) {
    throw invalidArgument(path, "must be true (leave the condition out to match nothing)");
  }
  return true;
}

function executionFromMessage(message: GenExecution): Execution {
  return {
    condition: conditionFromMessage(message.condition),
    creationDate: dateOrUndefined(message.creationDate),
    changeDate: dateOrUndefined(message.changeDate),
    targets: message.targets,
  };
}

/** A stable id for an execution: its condition, as ZITADEL keys executions by condition. */
function conditionKey(condition: Condition | undefined): string {
  return JSON.stringify(condition ?? null);
}

function executionFilters(query: ListExecutionsQuery): ExecutionFilterInit[] {
  const filters: ExecutionFilterInit[] = [];
  const conditions: ConditionInit[] = [];
  if (query.condition !== undefined) {
    conditions.push(conditionFromInput(query.condition, "condition"));
  }
  if (query.conditions !== undefined) {
    if (!Array.isArray(query.conditions) || query.conditions.length === 0) {
      throw invalidArgument("conditions", "must be a non-empty array of conditions");
    }
    query.conditions.forEach((condition, index) => {
      conditions.push(conditionFromInput(condition, `conditions[${index}]`));
    });
  }
  if (conditions.length > 0) {
    filters.push({ filter: { case: "inConditionsFilter", value: { conditions } } });
  }
  if (query.type !== undefined) {
    const executionType = enumFromInput(ExecutionTypeSchema, query.type, "type");
    filters.push({ filter: { case: "executionTypeFilter", value: { executionType } } });
  }
  if (query.target !== undefined) {
    const targetId = requireId(query.target, "target");
    filters.push({ filter: { case: "targetFilter", value: { targetId } } });
  }
  return filters;
}

export type {
  ApiCallCondition,
  Condition,
  ConditionInit,
  EventCondition,
  Execution,
  ExecutionMethods,
  ListExecutionNamesInput,
  ListExecutionsQuery,
  SetExecutionInput,
  SetExecutionResult,
};
export { conditionFromInput, conditionFromMessage, createExecutionMethods };
