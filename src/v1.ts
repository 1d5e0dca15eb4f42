/**
 * v1 actions & flows (`zitadel.management.v1.ManagementService`): org-scoped JavaScript actions
 * attached to flow triggers. Every method takes an optional `orgId` that overrides the transport's.
 *
 * @module
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type CallOptions, type Client, Code, ConnectError } from "@connectrpc/connect";
import {
  type ActionFieldName,
  ActionFieldNameSchema,
  type ActionState,
  ActionStateSchema,
  type Action as GenAction,
  type FlowType as GenFlowType,
  type TriggerType as GenTriggerType,
} from "../gen/zitadel/action_pb.js";
import type {
  ActionQuerySchema,
  CreateActionRequest,
  GetActionRequest,
  ManagementService,
  SetTriggerActionsRequest,
} from "../gen/zitadel/management_pb.js";
import { type ObjectDetails, TextQueryMethodSchema } from "../gen/zitadel/object_pb.js";
import { type DurationInput, durationFromInput, durationMs } from "./duration.js";
import {
  type EnumInput,
  type EnumOutput,
  enumFromInput,
  enumName,
  type TextMatch,
  textMatchFromInput,
} from "./enums.js";
import { invalidArgument } from "./errors.js";
import { requireId, requireLength } from "./internal/call.js";
import { numberFromUint64, type PageQuery, type Paginated, paginate } from "./pagination.js";
import { dateOrUndefined } from "./timestamp.js";

/**
 * Selects the organization of one v1 call; sent as `x-zitadel-orgid` and overriding the transport's
 * `orgId`. With neither set, ZITADEL uses the caller's own organization.
 */
type OrgScoped = { orgId?: string };

/**
 * Object details of a v1 resource: `sequence` as a number, dates as `Date`.
 */
type ObjectDetailsV1 = Omit<
  ObjectDetails,
  "$typeName" | "$unknown" | "sequence" | "creationDate" | "changeDate"
> & {
  sequence: number;
  creationDate: Date | undefined;
  changeDate: Date | undefined;
};

/**
 * A v1 action as the facade returns it: `timeout` in milliseconds and `state` as `"ACTIVE"` /
 * `"INACTIVE"`.
 */
type ActionV1 = Omit<GenAction, "$typeName" | "$unknown" | "details" | "state" | "timeout"> & {
  /** Run time limit in milliseconds (ZITADEL reports 0 or ≥ 20 s as 20 s). */
  timeout: number;
  state: EnumOutput<typeof ActionState>;
  details: ObjectDetailsV1 | undefined;
};

/**
 * The flow types of v1, by friendly name; ids `"1"` to `"4"` are accepted as well.
 */
type FlowTypeName =
  | "EXTERNAL_AUTHENTICATION"
  | "COMPLEMENT_TOKEN"
  | "INTERNAL_AUTHENTICATION"
  | "COMPLEMENT_SAML_RESPONSE";

/**
 * The trigger types of v1, by friendly name; ids `"1"` to `"6"` are accepted as well.
 */
type TriggerTypeName =
  | "POST_AUTHENTICATION"
  | "PRE_CREATION"
  | "POST_CREATION"
  | "PRE_USERINFO_CREATION"
  | "PRE_ACCESS_TOKEN_CREATION"
  | "PRE_SAML_RESPONSE_CREATION";

/**
 * A flow or trigger type as a user writes it: the friendly name in any case (also with the old
 * `FLOW_TYPE_` / `TRIGGER_TYPE_` prefix), or its id as a string or number.
 */
type FlowTypeInput = FlowTypeName | Lowercase<FlowTypeName> | number | (string & {});
/**
 * A trigger type as a user writes it (see `FlowTypeInput`).
 */
type TriggerTypeInput = TriggerTypeName | Lowercase<TriggerTypeName> | number | (string & {});

/**
 * A flow or trigger type as listed by the server: id, friendly name (the id for one this library
 * does not know) and ZITADEL's translated label.
 */
type TypeInfo<N> = Pick<GenFlowType | GenTriggerType, "id"> & {
  type: N | (string & {});
  label: string;
};

/**
 * A flow as the facade returns it: its type and, per trigger, the ordered action ids.
 */
type FlowV1 = {
  type: FlowTypeName | (string & {});
  triggers: { triggerType: TriggerTypeName | (string & {}); actionIds: string[] }[];
};

/**
 * Query of `v1.listActions`: paging, `asc`, sort and friendly filters (AND-combined).
 */
type ListActionsQuery = PageQuery &
  OrgScoped & {
    /** Sort ascending (default false). */
    asc?: boolean;
    /** `"id" | "name" | "state"` or the enum forms (ZITADEL currently ignores it). */
    sortBy?: EnumInput<typeof ActionFieldName>;
    /** Only the action with this id. */
    id?: string;
    /** Match the name: a string for equals, or `{ contains | startsWith | endsWith | equals, ignoreCase }`. */
    name?: TextMatch;
    /** Only `"ACTIVE"` or `"INACTIVE"` actions. */
    state?: EnumInput<typeof ActionState>;
  };

/**
 * Extra fields of every `v1.listActions` page.
 */
type ActionsPageInfo = { processedSequence: number; viewTimestamp: Date | undefined };

/**
 * Input of `v1.createAction`.
 */
type CreateActionInput = Pick<CreateActionRequest, "name" | "script"> &
  OrgScoped & {
    /** Run time limit: 0 to 20 s. */
    timeout?: DurationInput;
    /** Let the flow continue when this action fails (default false). */
    allowedToFail?: boolean;
  };

/**
 * Input of `v1.updateAction`: a full replace of name, script, timeout and allowedToFail.
 */
type UpdateActionInput = CreateActionInput & { id: string };

/**
 * Input of the v1 methods that take only an action id.
 */
type ActionRef = Pick<GetActionRequest, "id"> & OrgScoped;

/**
 * Input of `v1.setTriggerActions`: the ordered action ids of one trigger (empty clears it).
 */
type SetTriggerActionsInput = Pick<SetTriggerActionsRequest, "actionIds"> &
  OrgScoped & {
    flowType: FlowTypeInput;
    triggerType: TriggerTypeInput;
  };

/**
 * Result of the v1 writes that return object details.
 */
type DetailsResult = { details: ObjectDetailsV1 | undefined };

/**
 * The v1 actions & flows methods, `client.v1`.
 */
interface V1Client {
  /** Search the actions of an organization page by page. */
  listActions(
    query?: ListActionsQuery,
    options?: CallOptions,
  ): Paginated<ActionV1, ActionsPageInfo>;
  /** Get one action. */
  getAction(input: ActionRef, options?: CallOptions): Promise<ActionV1>;
  /** Create an action (it starts active); resolves to its id and details. */
  createAction(
    input: CreateActionInput,
    options?: CallOptions,
  ): Promise<{ id: string } & DetailsResult>;
  /** Replace an action's name, script, timeout and allowedToFail. */
  updateAction(input: UpdateActionInput, options?: CallOptions): Promise<DetailsResult>;
  /** Deactivate an active action. */
  deactivateAction(input: ActionRef, options?: CallOptions): Promise<DetailsResult>;
  /** Reactivate an inactive action. */
  reactivateAction(input: ActionRef, options?: CallOptions): Promise<DetailsResult>;
  /** Delete an action; it is also removed from every flow trigger. */
  deleteAction(input: ActionRef, options?: CallOptions): Promise<void>;
  /** List the flow types. */
  listFlowTypes(input?: OrgScoped, options?: CallOptions): Promise<TypeInfo<FlowTypeName>[]>;
  /** List the trigger types of one flow type. */
  listFlowTriggerTypes(
    input: { type: FlowTypeInput } & OrgScoped,
    options?: CallOptions,
  ): Promise<TypeInfo<TriggerTypeName>[]>;
  /** Get a flow: per trigger, the ordered action ids (triggers sorted by id). */
  getFlow(input: { type: FlowTypeInput } & OrgScoped, options?: CallOptions): Promise<FlowV1>;
  /** Remove every action from every trigger of a flow. */
  clearFlow(
    input: { type: FlowTypeInput } & OrgScoped,
    options?: CallOptions,
  ): Promise<DetailsResult>;
  /** Set the ordered actions of one trigger of a flow. */
  setTriggerActions(input: SetTriggerActionsInput, options?: CallOptions): Promise<DetailsResult>;
}

// v1 flow and trigger types are string ids on the wire, with no generated enum to read names from.
const flowTypeIds: Record<FlowTypeName, string> = {
  EXTERNAL_AUTHENTICATION: "1",
  COMPLEMENT_TOKEN: "2",
  INTERNAL_AUTHENTICATION: "3",
  COMPLEMENT_SAML_RESPONSE: "4",
};
const triggerTypeIds: Record<TriggerTypeName, string> = {
  POST_AUTHENTICATION: "1",
  PRE_CREATION: "2",
  POST_CREATION: "3",
  PRE_USERINFO_CREATION: "4",
  PRE_ACCESS_TOKEN_CREATION: "5",
  PRE_SAML_RESPONSE_CREATION: "6",
};
const orgHeader = "x-zitadel-orgid";
const maxScriptBytes = 40_000;
type ActionQueryInit = MessageInitShape<typeof ActionQuerySchema>;

/**
 * Create the v1 methods over the generated ManagementService client.
 */
function createV1Client(management: Client<typeof ManagementService>): V1Client {
  return {
    listActions(query = {}, options) {
      return paginate({
        query,
        signal: options?.signal,
        key: (action) => action.id,
        prepare() {
          const callOptions = orgCallOptions(query.orgId, options);
          const queries = actionQueries(query);
          const sortingColumn =
            query.sortBy === undefined
              ? undefined
              : enumFromInput(ActionFieldNameSchema, query.sortBy, "sortBy");
          return async (window, signal) => {
            const response = await management.listActions(
              { query: { ...window, asc: query.asc ?? false }, sortingColumn, queries },
              { ...callOptions, signal },
            );
            const details = response.details;
            return {
              items: response.result.map(actionFromMessage),
              total: details?.totalResult,
              extra: {
                processedSequence: numberFromUint64(
                  details?.processedSequence ?? 0n,
                  "processedSequence",
                ),
                viewTimestamp: dateOrUndefined(details?.viewTimestamp),
              },
            };
          };
        },
      });
    },
    async getAction(input, options) {
      const id = requireId(input?.id, "id");
      const response = await management.getAction({ id }, orgCallOptions(input.orgId, options));
      if (response.action === undefined) {
        throw new ConnectError("getAction: the response carried no action", Code.Internal);
      }
      return actionFromMessage(response.action);
    },
    async createAction(input, options) {
      const request = actionRequest(input);
      const callOptions = orgCallOptions(input.orgId, options);
      const response = await management.createAction(request, callOptions);
      return { id: response.id, details: detailsFromMessage(response.details) };
    },
    async updateAction(input, options) {
      const id = requireId(input?.id, "id");
      const request = actionRequest(input);
      const callOptions = orgCallOptions(input.orgId, options);
      const response = await management.updateAction({ id, ...request }, callOptions);
      return { details: detailsFromMessage(response.details) };
    },
    async deactivateAction(input, options) {
      const id = requireId(input?.id, "id");
      const response = await management.deactivateAction(
        { id },
        orgCallOptions(input.orgId, options),
      );
      return { details: detailsFromMessage(response.details) };
    },
    async reactivateAction(input, options) {
      const id = requireId(input?.id, "id");
      const response = await management.reactivateAction(
        { id },
        orgCallOptions(input.orgId, options),
      );
      return { details: detailsFromMessage(response.details) };
    },
    async deleteAction(input, options) {
      const id = requireId(input?.id, "id");
      await management.deleteAction({ id }, orgCallOptions(input.orgId, options));
    },
    async listFlowTypes(input = {}, options) {
      const response = await management.listFlowTypes({}, orgCallOptions(input.orgId, options));
      return response.result.map((entry) => typeInfo(entry, flowTypeIds));
    },
    async listFlowTriggerTypes(input, options) {
      const type = typeId(input?.type, "type", flowTypeIds, "FLOW_TYPE_");
      const response = await management.listFlowTriggerTypes(
        { type },
        orgCallOptions(input.orgId, options),
      );
      return response.result.map((entry) => typeInfo(entry, triggerTypeIds));
    },
    async getFlow(input, options) {
      const type = typeId(input?.type, "type", flowTypeIds, "FLOW_TYPE_");
      const response = await management.getFlow({ type }, orgCallOptions(input.orgId, options));
      const flow = response.flow;
      const triggers = (flow?.triggerActions ?? [])
        .map((trigger) => ({
          id: trigger.triggerType?.id ?? "",
          actionIds: trigger.actions.map((action) => action.id),
        }))
        .sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id))
        .map(({ id, actionIds }) => ({ triggerType: typeName(id, triggerTypeIds), actionIds }));
      return { type: typeName(flow?.type?.id || type, flowTypeIds), triggers };
    },
    async clearFlow(input, options) {
      const type = typeId(input?.type, "type", flowTypeIds, "FLOW_TYPE_");
      const response = await management.clearFlow({ type }, orgCallOptions(input.orgId, options));
      return { details: detailsFromMessage(response.details) };
    },
    async setTriggerActions(input, options) {
      const flowType = typeId(input?.flowType, "flowType", flowTypeIds, "FLOW_TYPE_");
      const triggerType = typeId(input.triggerType, "triggerType", triggerTypeIds, "TRIGGER_TYPE_");
      if (!Array.isArray(input.actionIds)) {
        throw invalidArgument(
          "actionIds",
          "must be an array of action ids (empty clears the trigger)",
        );
      }
      const actionIds = input.actionIds.map((id, index) => requireId(id, `actionIds[${index}]`));
      const response = await management.setTriggerActions(
        { flowType, triggerType, actionIds },
        orgCallOptions(input.orgId, options),
      );
      return { details: detailsFromMessage(response.details) };
    },
  };
}

/**
 * Return the friendly form of a generated v1 `Action` message.
 */
function actionFromMessage(message: GenAction): ActionV1 {
  return {
    id: message.id,
    name: message.name,
    script: message.script,
    timeout: message.timeout === undefined ? 0 : durationMs(message.timeout),
    allowedToFail: message.allowedToFail,
    state: enumName(ActionStateSchema, message.state) as EnumOutput<typeof ActionState>,
    details: detailsFromMessage(message.details),
  };
}

function detailsFromMessage(details: ObjectDetails | undefined): ObjectDetailsV1 | undefined {
  if (details === undefined) {
    return undefined;
  }
  return {
    sequence: numberFromUint64(details.sequence, "details.sequence"),
    creationDate: dateOrUndefined(details.creationDate),
    changeDate: dateOrUndefined(details.changeDate),
    resourceOwner: details.resourceOwner,
  };
}

function orgCallOptions(orgId: unknown, options: CallOptions | undefined): CallOptions {
  if (orgId === undefined) {
    return { ...options };
  }
  if (typeof orgId !== "string" || orgId === "") {
    throw invalidArgument("orgId", "must be a non-empty organization id");
  }
  const headers = new Headers(options?.headers);
  headers.set(orgHeader, orgId);
  return { ...options, headers };
}

function actionRequest(input: CreateActionInput) {
  if (typeof input !== "object" || input === null) {
    throw invalidArgument("input", "must be an object");
  }
  const name = requireLength(input.name, "name", 1, 200);
  if (typeof input.script !== "string" || input.script === "") {
    throw invalidArgument("script", "must be a non-empty string");
  }
  const scriptBytes = new TextEncoder().encode(input.script).length;
  if (scriptBytes > maxScriptBytes) {
    throw invalidArgument(
      "script",
      `must be at most ${maxScriptBytes} bytes of UTF-8, got ${scriptBytes}`,
    );
  }
  const timeout =
    input.timeout === undefined
      ? undefined
      : durationFromInput(input.timeout, { field: "timeout", max: "20s" });
  if (input.allowedToFail !== undefined && typeof input.allowedToFail !== "boolean") {
    throw invalidArgument("allowedToFail", "must be a boolean");
  }
  return { name, script: input.script, timeout, allowedToFail: input.allowedToFail ?? false };
}

function actionQueries(query: ListActionsQuery): ActionQueryInit[] {
  const queries: ActionQueryInit[] = [];
  if (query.id !== undefined) {
    queries.push({ query: { case: "actionIdQuery", value: { id: requireId(query.id, "id") } } });
  }
  if (query.name !== undefined) {
    const { text, method } = textMatchFromInput(TextQueryMethodSchema, query.name, "name", 200);
    queries.push({ query: { case: "actionNameQuery", value: { name: text, method } } });
  }
  if (query.state !== undefined) {
    const state = enumFromInput(ActionStateSchema, query.state, "state");
    queries.push({ query: { case: "actionStateQuery", value: { state } } });
  }
  return queries;
}

function typeId<N extends string>(
  input: unknown,
  field: string,
  ids: Record<N, string>,
  prefix: string,
): string {
  if (typeof input === "number" && Number.isInteger(input) && input > 0) {
    return String(input);
  }
  if (typeof input === "string") {
    const value = input.trim();
    if (/^[1-9]\d*$/.test(value)) {
      return value;
    }
    const upper = value.toUpperCase();
    const name = (upper.startsWith(prefix) ? upper.slice(prefix.length) : upper) as N;
    if (Object.hasOwn(ids, name)) {
      return ids[name];
    }
  }
  const names = Object.entries(ids)
    .map(([name, id]) => `"${name}" ("${id}")`)
    .join(", ");
  throw invalidArgument(field, `must be one of ${names}, in any case, or an id, got "${input}"`);
}

function typeName<N extends string>(id: string, ids: Record<N, string>): N | string {
  const entry = Object.entries(ids).find(([, value]) => value === id);
  return entry === undefined ? id : (entry[0] as N);
}

function typeInfo<N extends string>(
  entry: GenFlowType | GenTriggerType,
  ids: Record<N, string>,
): TypeInfo<N> {
  return {
    id: entry.id,
    type: typeName(entry.id, ids),
    label: entry.name?.localizedMessage || entry.name?.key || "",
  };
}

export type {
  ActionRef,
  ActionsPageInfo,
  ActionV1,
  CreateActionInput,
  DetailsResult,
  FlowTypeInput,
  FlowTypeName,
  FlowV1,
  ListActionsQuery,
  ObjectDetailsV1,
  OrgScoped,
  SetTriggerActionsInput,
  TriggerTypeInput,
  TriggerTypeName,
  TypeInfo,
  UpdateActionInput,
  V1Client,
};
export { actionFromMessage, createV1Client };
