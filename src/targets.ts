/**
 * Targets: the HTTP endpoints ZITADEL calls. Friendly inputs and outputs over
 * `zitadel.action.v2.ActionService`'s target RPCs.
 *
 * @module
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import type {
  ActionService,
  CreateTargetRequest,
  CreateTargetRequestSchema,
  CreateTargetResponse,
  DeleteTargetRequest,
  GetTargetRequest,
  UpdateTargetRequest,
  UpdateTargetResponse,
} from "../gen/zitadel/action/v2/action_service_pb.js";
import {
  type TargetFieldName,
  TargetFieldNameSchema,
  type TargetSearchFilterSchema,
} from "../gen/zitadel/action/v2/query_pb.js";
import {
  type Target as GenTarget,
  PayloadType,
  PayloadTypeSchema,
  RESTAsyncSchema,
  RESTCallSchema,
  RESTWebhookSchema,
} from "../gen/zitadel/action/v2/target_pb.js";
import { TextFilterMethodSchema } from "../gen/zitadel/filter/v2/filter_pb.js";
import { type DurationInput, durationFromInput, durationMs, isZeroDuration } from "./duration.js";
import {
  type EnumInput,
  type EnumOutput,
  enumFromInput,
  enumName,
  type TextMatch,
  textMatchFromInput,
} from "./enums.js";
import { invalidArgument } from "./errors.js";
import { requireId, requireIds, requireLength, withSignal } from "./internal/call.js";
import { type PageQuery, type Paginated, paginate } from "./pagination.js";
import { dateOrUndefined } from "./timestamp.js";

/**
 * How ZITADEL calls a target: `webhook` (only the status matters), `call` (the response body is
 * used) or `async` (fire and forget).
 */
type TargetType = "webhook" | "call" | "async";

/**
 * A target as the facade returns it: `timeout` in milliseconds, dates as `Date`, the type oneof
 * flattened into `type` and `interruptOnError`.
 */
type Target = Omit<
  GenTarget,
  | "$typeName"
  | "$unknown"
  | "targetType"
  | "timeout"
  | "payloadType"
  | "creationDate"
  | "changeDate"
> & {
  /** How ZITADEL calls the target; `undefined` if the server sent a type this library does not know. */
  type: TargetType | undefined;
  /** Whether a failing call aborts the request (always `false` for `async`). */
  interruptOnError: boolean;
  /** Call timeout in milliseconds. */
  timeout: number;
  /** How the payload is sent: `"JSON"`, `"JWT"`, `"JWE"`, `"UNSPECIFIED"` or a newer number. */
  payloadType: EnumOutput<typeof PayloadType>;
  creationDate: Date | undefined;
  changeDate: Date | undefined;
};

/**
 * Input of `createTarget`.
 */
type CreateTargetInput = Pick<CreateTargetRequest, "name" | "endpoint"> & {
  type: TargetType;
  /** For `webhook` and `call`: abort the request when the target fails (default false). */
  interruptOnError?: boolean;
  /** Call timeout: more than 0 and at most 270 s. */
  timeout: DurationInput;
  payloadType?: EnumInput<typeof PayloadType>;
};

/**
 * Result of `createTarget`: the new id, its creation date and the signing key for signatures.
 */
type CreateTargetResult = Pick<CreateTargetResponse, "id" | "signingKey"> & {
  creationDate: Date | undefined;
};

/**
 * Input of `updateTarget`: the id plus the fields to change.
 */
type UpdateTargetInput = Pick<UpdateTargetRequest, "id" | "name" | "endpoint"> & {
  /** A new type; `interruptOnError` needs it, since both travel in one oneof. */
  type?: TargetType;
  interruptOnError?: boolean;
  /** A new timeout, at most 270 s. */
  timeout?: DurationInput;
  /** A new payload type; unset keeps the current one. */
  payloadType?: EnumInput<typeof PayloadType>;
  /** Rotate the signing key; only `0` (immediately) is supported by ZITADEL. */
  expirationSigningKey?: DurationInput;
};

/**
 * Result of `updateTarget`; `signingKey` is set when the key was rotated.
 */
type UpdateTargetResult = Pick<UpdateTargetResponse, "signingKey"> & {
  changeDate: Date | undefined;
};

/**
 * Input of `deleteTarget`.
 */
type DeleteTargetInput = Pick<DeleteTargetRequest, "id">;

/**
 * Result of `deleteTarget`; `deletionDate` is unset when the target did not exist.
 */
type DeleteTargetResult = { deletionDate: Date | undefined };

/**
 * Input of `getTarget`.
 */
type GetTargetInput = Pick<GetTargetRequest, "id">;

/**
 * Query of `listTargets`: paging, sort and friendly filters (AND-combined).
 */
type ListTargetsQuery = PageQuery & {
  /** Sort ascending (default false: ZITADEL sorts descending). */
  asc?: boolean;
  /** Sort column, e.g. `"NAME"` or `"CREATED_DATE"` (default: creation date). */
  sortBy?: EnumInput<typeof TargetFieldName>;
  /** Match the name: a string for equals, or `{ contains | startsWith | endsWith | equals, ignoreCase }`. */
  name?: TextMatch;
  /** Only these target ids. */
  ids?: string[];
};

/**
 * The target methods of `ActionsClient`.
 */
interface TargetMethods {
  /** Create a target; resolves to its id, creation date and signing key. */
  createTarget(input: CreateTargetInput, options?: CallOptions): Promise<CreateTargetResult>;
  /** Update a target's given fields; resolves to the change date (and a new signing key if rotated). */
  updateTarget(input: UpdateTargetInput, options?: CallOptions): Promise<UpdateTargetResult>;
  /** Delete a target; deleting an unknown id succeeds with no deletion date. */
  deleteTarget(input: DeleteTargetInput, options?: CallOptions): Promise<DeleteTargetResult>;
  /** Get one target. */
  getTarget(input: GetTargetInput, options?: CallOptions): Promise<Target>;
  /** List targets page by page. */
  listTargets(query?: ListTargetsQuery, options?: CallOptions): Paginated<Target>;
}

type TargetTypeInit = MessageInitShape<typeof CreateTargetRequestSchema>["targetType"];
const maxTimeout = "270s";

/**
 * Create the target methods over the generated ActionService client.
 */
function createTargetMethods(action: Client<typeof ActionService>): TargetMethods {
  return {
    async createTarget(input, options) {
      const request = createTargetRequest(input);
      const response = await action.createTarget(request, options);
      return {
        id: response.id,
        creationDate: dateOrUndefined(response.creationDate),
        signingKey: response.signingKey,
      };
    },
    async updateTarget(input, options) {
      const request = updateTargetRequest(input);
      const response = await action.updateTarget(request, options);
      const result: UpdateTargetResult = { changeDate: dateOrUndefined(response.changeDate) };
      if (response.signingKey !== undefined) {
        result.signingKey = response.signingKey;
      }
      return result;
    },
    async deleteTarget(input, options) {
      const id = requireId(input?.id, "id");
      const response = await action.deleteTarget({ id }, options);
      return { deletionDate: dateOrUndefined(response.deletionDate) };
    },
    async getTarget(input, options) {
      const id = requireId(input?.id, "id");
      const response = await action.getTarget({ id }, options);
      if (response.target === undefined) {
        throw new ConnectError("getTarget: the response carried no target", Code.Internal);
      }
      return targetFromMessage(response.target);
    },
    listTargets(query = {}, options) {
      return paginate({
        query,
        signal: options?.signal,
        key: (target) => target.id,
        prepare() {
          const filters = targetFilters(query);
          const sortingColumn =
            query.sortBy === undefined
              ? undefined
              : enumFromInput(TargetFieldNameSchema, query.sortBy, "sortBy");
          return async (window, signal) => {
            const response = await action.listTargets(
              {
                pagination: { ...window, asc: query.asc ?? false },
                sortingColumn,
                filters,
              },
              withSignal(options, signal),
            );
            return {
              items: response.targets.map(targetFromMessage),
              total: response.pagination?.totalResult,
              extra: {},
            };
          };
        },
      });
    },
  };
}

/**
 * Return the friendly form of a generated `Target` message.
 */
function targetFromMessage(message: GenTarget): Target {
  const { targetType } = message;
  return {
    id: message.id,
    name: message.name,
    endpoint: message.endpoint,
    type: targetTypeName(targetType.case),
    interruptOnError:
      targetType.case === "restWebhook" || targetType.case === "restCall"
        ? targetType.value.interruptOnError
        : false,
    timeout: message.timeout === undefined ? 0 : durationMs(message.timeout),
    payloadType: enumName(PayloadTypeSchema, message.payloadType) as EnumOutput<typeof PayloadType>,
    signingKey: message.signingKey,
    creationDate: dateOrUndefined(message.creationDate),
    changeDate: dateOrUndefined(message.changeDate),
  };
}

function createTargetRequest(input: CreateTargetInput) {
  if (typeof input !== "object" || input === null) {
    throw invalidArgument("input", "must be an object");
  }
  const name = requireLength(input.name, "name", 1, 1000);
  const endpoint = requireEndpoint(input.endpoint);
  if (input.type === undefined) {
    throw invalidArgument("type", 'is required: one of "webhook", "call" or "async"');
  }
  const targetType = targetTypeToOneof(input.type, input.interruptOnError);
  if (input.timeout === undefined) {
    throw invalidArgument("timeout", "is required on create (more than 0 and at most 270 s)");
  }
  const timeout = durationFromInput(input.timeout, { field: "timeout", max: maxTimeout });
  if (isZeroDuration(timeout)) {
    throw invalidArgument("timeout", "must be more than 0 on create (at most 270 s)");
  }
  const payloadType =
    input.payloadType === undefined
      ? PayloadType.UNSPECIFIED
      : enumFromInput(PayloadTypeSchema, input.payloadType, "payloadType");
  return { name, endpoint, targetType, timeout, payloadType };
}

function updateTargetRequest(input: UpdateTargetInput) {
  if (typeof input !== "object" || input === null) {
    throw invalidArgument("input", "must be an object");
  }
  const id = requireId(input.id, "id");
  const name = input.name === undefined ? undefined : requireLength(input.name, "name", 1, 1000);
  const endpoint = input.endpoint === undefined ? undefined : requireEndpoint(input.endpoint);
  let targetType: TargetTypeInit;
  if (input.type !== undefined) {
    targetType = targetTypeToOneof(input.type, input.interruptOnError);
  } else if (input.interruptOnError !== undefined) {
    throw invalidArgument("interruptOnError", "needs `type` as well: both are sent as one oneof");
  }
  const timeout =
    input.timeout === undefined
      ? undefined
      : durationFromInput(input.timeout, { field: "timeout", max: maxTimeout });
  let expirationSigningKey: ReturnType<typeof durationFromInput> | undefined;
  if (input.expirationSigningKey !== undefined) {
    expirationSigningKey = durationFromInput(input.expirationSigningKey, {
      field: "expirationSigningKey",
    });
    if (!isZeroDuration(expirationSigningKey)) {
      throw invalidArgument(
        "expirationSigningKey",
        "must be 0: ZITADEL only supports rotating the signing key immediately",
      );
    }
  }
  const payloadType =
    input.payloadType === undefined
      ? PayloadType.UNSPECIFIED
      : enumFromInput(PayloadTypeSchema, input.payloadType, "payloadType");
  return { id, name, endpoint, targetType, timeout, expirationSigningKey, payloadType };
}

function requireEndpoint(value: unknown): string {
  const endpoint = requireLength(value, "endpoint", 1, 2048);
  try {
    new URL(endpoint);
  } catch {
    // The endpoint itself is not echoed: its query string may carry a secret.
    throw invalidArgument("endpoint", "must be an absolute URL such as https://example.com/hook");
  }
  return endpoint;
}

function targetTypeToOneof(type: unknown, interruptOnError: unknown): TargetTypeInit {
  if (interruptOnError !== undefined && typeof interruptOnError !== "boolean") {
    throw invalidArgument("interruptOnError", "must be a boolean");
  }
  const flag = interruptOnError === true;
  switch (typeof type === "string" ? type.toLowerCase() : type) {
    case "webhook":
      return { case: "restWebhook", value: create(RESTWebhookSchema, { interruptOnError: flag }) };
    case "call":
      return { case: "restCall", value: create(RESTCallSchema, { interruptOnError: flag }) };
    case "async":
      if (flag) {
        throw invalidArgument("interruptOnError", 'is not available for "async" targets');
      }
      return { case: "restAsync", value: create(RESTAsyncSchema) };
    default:
      throw invalidArgument("type", `must be one of "webhook", "call" or "async", got "${type}"`);
  }
}

function targetTypeName(oneofCase: GenTarget["targetType"]["case"]): TargetType | undefined {
  switch (oneofCase) {
    case "restWebhook":
      return "webhook";
    case "restCall":
      return "call";
    case "restAsync":
      return "async";
    default:
      return undefined;
  }
}

function targetFilters(
  query: ListTargetsQuery,
): MessageInitShape<typeof TargetSearchFilterSchema>[] {
  const filters: MessageInitShape<typeof TargetSearchFilterSchema>[] = [];
  if (query.name !== undefined) {
    const { text, method } = textMatchFromInput(TextFilterMethodSchema, query.name, "name", 200);
    filters.push({ filter: { case: "targetNameFilter", value: { targetName: text, method } } });
  }
  if (query.ids !== undefined) {
    const targetIds = requireIds(query.ids, "ids");
    filters.push({ filter: { case: "inTargetIdsFilter", value: { targetIds } } });
  }
  return filters;
}

export type {
  CreateTargetInput,
  CreateTargetResult,
  DeleteTargetInput,
  DeleteTargetResult,
  GetTargetInput,
  ListTargetsQuery,
  Target,
  TargetMethods,
  TargetType,
  UpdateTargetInput,
  UpdateTargetResult,
};
export { createTargetMethods, targetFromMessage };
