import { create } from "@bufbuild/protobuf";
import { type Duration, durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { type Action, ActionSchema, ActionState, FlowState } from "../../gen/zitadel/action_pb.js";
import type { ManagementService } from "../../gen/zitadel/management_pb.js";
import { type ObjectDetails, ObjectDetailsSchema } from "../../gen/zitadel/object_pb.js";
import { ruleError, zitadelError } from "./errors.js";
import { matchText, page, resolveWindow } from "./list.js";
import {
  checkDefined,
  checkDurationRange,
  checkLength,
  checkMaxBytes,
  durationNanos,
  firstError,
  type RulePath,
} from "./rules.js";
import { type ActionRecord, type OrgRecord, type Store, timestampFromNanos } from "./store.js";

const orgHeader = "x-zitadel-orgid";
const maxActionTimeoutSeconds = 20;

interface Named {
  id: string;
  key: string;
  text: string;
  aliases: string[];
}

/** List the v1 flow types in ZITADEL's order (ids 1–4), with their i18n keys and English labels. */
const flowTypes: Named[] = [
  {
    id: "1",
    key: "Action.Flow.Type.ExternalAuthentication",
    text: "External Authentication",
    aliases: ["FLOW_TYPE_EXTERNAL_AUTHENTICATION"],
  },
  { id: "2", key: "Action.Flow.Type.CustomiseToken", text: "Complement Token", aliases: [] },
  {
    id: "3",
    key: "Action.Flow.Type.InternalAuthentication",
    text: "Internal Authentication",
    aliases: [],
  },
  {
    id: "4",
    key: "Action.Flow.Type.CustomizeSAMLResponse",
    text: "Complement SAMLResponse",
    aliases: [],
  },
];

/** List the v1 trigger types (ids 1–6), with their i18n keys and English labels. */
const triggerTypes: Named[] = [
  {
    id: "1",
    key: "Action.TriggerType.PostAuthentication",
    text: "Post Authentication",
    aliases: ["TRIGGER_TYPE_POST_AUTHENTICATION"],
  },
  {
    id: "2",
    key: "Action.TriggerType.PreCreation",
    text: "Pre Creation",
    aliases: ["TRIGGER_TYPE_PRE_CREATION"],
  },
  {
    id: "3",
    key: "Action.TriggerType.PostCreation",
    text: "Post Creation",
    aliases: ["TRIGGER_TYPE_POST_CREATION"],
  },
  {
    id: "4",
    key: "Action.TriggerType.PreUserinfoCreation",
    text: "Pre Userinfo creation",
    aliases: [],
  },
  {
    id: "5",
    key: "Action.TriggerType.PreAccessTokenCreation",
    text: "Pre access token creation",
    aliases: [],
  },
  {
    id: "6",
    key: "Action.TriggerType.PreSAMLResponseCreation",
    text: "Pre SAMLResponse creation",
    aliases: [],
  },
];

/** Allowed trigger ids per flow id. */
const allowedTriggers: Record<string, string[]> = {
  "1": ["1", "2", "3"],
  "2": ["4", "5"],
  "3": ["1", "2", "3"],
  "4": ["6"],
};

/** Options of the v1 implementation. */
interface ManagementImplOptions {
  /** Org used when a call carries no `x-zitadel-orgid` header (the caller's own org in ZITADEL). */
  defaultOrgId: string;
  /** When set, only these org ids (plus the default) exist; others get PermissionDenied. */
  orgIds?: readonly string[] | undefined;
}

/** Create the actions & flows part of `zitadel.management.v1.ManagementService` over a store. */
function createManagementServiceImpl(
  store: Store,
  options: ManagementImplOptions,
): ServiceImpl<typeof ManagementService> {
  function orgOf(ctx: HandlerContext): { orgId: string; org: OrgRecord } {
    const orgId = ctx.requestHeader.get(orgHeader) || options.defaultOrgId;
    if (
      options.orgIds !== undefined &&
      orgId !== options.defaultOrgId &&
      !options.orgIds.includes(orgId)
    ) {
      throw zitadelError(Code.PermissionDenied, "AUTH-Bs7Ds", "Organisation doesn't exist");
    }
    return { orgId, org: store.org(orgId) };
  }

  function details(
    orgId: string,
    created: bigint,
    changed: bigint,
    sequence: bigint,
  ): ObjectDetails {
    return create(ObjectDetailsSchema, {
      sequence,
      creationDate: timestampFromNanos(created),
      changeDate: timestampFromNanos(changed),
      resourceOwner: orgId,
    });
  }

  function actionMessage(orgId: string, a: ActionRecord): Action {
    return create(ActionSchema, {
      id: a.id,
      details: details(orgId, a.created, a.changed, a.sequence),
      state: a.state,
      name: a.name,
      script: a.script,
      timeout: readBackTimeout(a.timeout),
      allowedToFail: a.allowedToFail,
    });
  }

  function assertNameFree(org: OrgRecord, name: string, exceptId?: string): void {
    for (const a of org.actions.values()) {
      if (a.name === name && a.id !== exceptId) {
        throw zitadelError(Code.AlreadyExists, "V3-DKcYh", "Action already exists");
      }
    }
  }

  function change(orgId: string, a: ActionRecord): ObjectDetails {
    a.changed = store.now();
    a.sequence = store.nextSequence();
    return details(orgId, a.created, a.changed, a.sequence);
  }

  function touchFlow(org: OrgRecord, flowId: string): void {
    org.flowChanged.set(flowId, { changed: store.now(), sequence: store.nextSequence() });
  }

  return {
    listActions(req, ctx) {
      req.queries.forEach((q, i) => {
        const path: RulePath = [["ListActionsRequest", `Queries[${i}]`]];
        const query = q.query;
        let err: ReturnType<typeof checkLength>;
        switch (query.case) {
          case undefined:
            err = ruleError([...path, ["ActionQuery", "Query"]], "value is required");
            break;
          case "actionIdQuery":
            err = checkLength(
              [...path, ["ActionQuery", "ActionIdQuery"], ["ActionIDQuery", "Id"]],
              query.value.id,
              0,
              200,
            );
            break;
          case "actionNameQuery": {
            const inner: RulePath = [...path, ["ActionQuery", "ActionNameQuery"]];
            err = firstError(
              () => checkLength([...inner, ["ActionNameQuery", "Name"]], query.value.name, 0, 200),
              () =>
                checkDefined(
                  [...inner, ["ActionNameQuery", "Method"]],
                  query.value.method,
                  [0, 1, 2, 3, 4, 5, 6, 7],
                ),
            );
            break;
          }
          case "actionStateQuery":
            err = checkDefined(
              [...path, ["ActionQuery", "ActionStateQuery"], ["ActionStateQuery", "State"]],
              query.value.state,
              [0, 1, 2],
            );
            break;
        }
        if (err) throw err;
      });
      const { orgId, org } = orgOf(ctx);
      // v1 lists: limit 0 means the maximum (1000), above 1000 is rejected (newest ZITADEL).
      const window = resolveWindow(req.query, 1000);
      let all = [...org.actions.values()];
      for (const q of req.queries) {
        const query = q.query;
        if (query.case === "actionIdQuery") {
          all = all.filter((a) => a.id === query.value.id);
        } else if (query.case === "actionNameQuery") {
          const { name, method } = query.value;
          all = all.filter((a) => matchText(a.name, name, method));
        } else if (query.case === "actionStateQuery") {
          all = all.filter((a) => a.state === query.value.state);
        }
      }
      // ZITADEL accepts sorting_column but applies no ORDER BY; we return creation order.
      const { items, total } = page(all, window);
      return {
        details: {
          totalResult: total,
          processedSequence: store.sequence(),
          viewTimestamp: timestampFromNanos(store.now()),
        },
        result: items.map((a) => actionMessage(orgId, a)),
      };
    },

    getAction(req, ctx) {
      const { orgId, org } = orgOf(ctx);
      const action = org.actions.get(req.id);
      if (action === undefined) {
        throw zitadelError(Code.NotFound, "QUERY-GEfnb", "Action not found");
      }
      return { action: actionMessage(orgId, action) };
    },

    createAction(req, ctx) {
      const err = firstError(
        () => checkLength([["CreateActionRequest", "Name"]], req.name, 1, 200),
        () => checkLength([["CreateActionRequest", "Script"]], req.script, 1, 0),
        () => checkMaxBytes([["CreateActionRequest", "Script"]], req.script, 40000),
        () =>
          checkDurationRange(
            [["CreateActionRequest", "Timeout"]],
            req.timeout,
            maxActionTimeoutSeconds,
          ),
      );
      if (err) throw err;
      const { orgId, org } = orgOf(ctx);
      if (req.name === "") {
        throw zitadelError(Code.InvalidArgument, "COMMAND-eg2gf", "Action is invalid");
      }
      assertNameFree(org, req.name);
      const now = store.now();
      const action: ActionRecord = {
        id: store.nextId(),
        name: req.name,
        script: req.script,
        timeout: req.timeout,
        allowedToFail: req.allowedToFail,
        state: ActionState.ACTIVE,
        created: now,
        changed: now,
        sequence: store.nextSequence(),
      };
      org.actions.set(action.id, action);
      return { id: action.id, details: details(orgId, now, now, action.sequence) };
    },

    updateAction(req, ctx) {
      const err = firstError(
        () => checkLength([["UpdateActionRequest", "Id"]], req.id, 1, 200),
        () => checkLength([["UpdateActionRequest", "Name"]], req.name, 1, 200),
        () => checkLength([["UpdateActionRequest", "Script"]], req.script, 1, 0),
        () => checkMaxBytes([["UpdateActionRequest", "Script"]], req.script, 40000),
        () =>
          checkDurationRange(
            [["UpdateActionRequest", "Timeout"]],
            req.timeout,
            maxActionTimeoutSeconds,
          ),
      );
      if (err) throw err;
      const { orgId, org } = orgOf(ctx);
      if (req.name === "") {
        throw zitadelError(Code.InvalidArgument, "COMMAND-Df2f3", "Action is invalid");
      }
      const action = org.actions.get(req.id);
      if (action === undefined) {
        throw zitadelError(Code.NotFound, "COMMAND-Sfg2t", "Action not found");
      }
      // UpdateAction replaces every field; a request equal to the stored action changes nothing.
      if (
        action.name === req.name &&
        action.script === req.script &&
        nanosOf(action.timeout) === nanosOf(req.timeout) &&
        action.allowedToFail === req.allowedToFail
      ) {
        throw zitadelError(Code.FailedPrecondition, "ACTION-dg4t2", "No changes");
      }
      if (action.name !== req.name) assertNameFree(org, req.name, action.id);
      action.name = req.name;
      action.script = req.script;
      action.timeout = req.timeout;
      action.allowedToFail = req.allowedToFail;
      return { details: change(orgId, action) };
    },

    deactivateAction(req, ctx) {
      // Upstream's handler dereferences a nil result on these errors and so answers INTERNAL;
      // we model the intended, documented codes instead.
      if (req.id === "") throw zitadelError(Code.InvalidArgument, "COMMAND-DAhk5", "ID is missing");
      const { orgId, org } = orgOf(ctx);
      const action = org.actions.get(req.id);
      if (action === undefined)
        throw zitadelError(Code.NotFound, "COMMAND-NRmhu", "Action not found");
      if (action.state !== ActionState.ACTIVE) {
        throw zitadelError(Code.FailedPrecondition, "COMMAND-Dgj92", "Action is not active");
      }
      action.state = ActionState.INACTIVE;
      return { details: change(orgId, action) };
    },

    reactivateAction(req, ctx) {
      if (req.id === "") throw zitadelError(Code.InvalidArgument, "COMMAND-BNm56", "ID is missing");
      const { orgId, org } = orgOf(ctx);
      const action = org.actions.get(req.id);
      if (action === undefined)
        throw zitadelError(Code.NotFound, "COMMAND-Aa22g", "Action not found");
      if (action.state !== ActionState.INACTIVE) {
        throw zitadelError(Code.FailedPrecondition, "COMMAND-J53zh", "Action is not inactive");
      }
      action.state = ActionState.ACTIVE;
      return { details: change(orgId, action) };
    },

    deleteAction(req, ctx) {
      const { org } = orgOf(ctx);
      if (!org.actions.has(req.id))
        throw zitadelError(Code.NotFound, "COMMAND-Dgh4h", "Action not found");
      org.actions.delete(req.id);
      store.nextSequence();
      for (const [flowId, triggers] of org.flows) {
        for (const [triggerId, ids] of triggers) {
          if (ids.includes(req.id)) {
            triggers.set(
              triggerId,
              ids.filter((id) => id !== req.id),
            );
            touchFlow(org, flowId);
          }
        }
      }
      return {};
    },

    listFlowTypes() {
      return { result: flowTypes.map(namedMessage) };
    },

    listFlowTriggerTypes(req) {
      const flow = findNamed(flowTypes, req.type);
      if (flow === undefined) throw zitadelError(Code.NotFound, "MANAG-P2OBk", "Not found");
      return {
        result: allowedTriggers[flow.id]!.map((id) =>
          namedMessage(triggerTypes.find((t) => t.id === id)!),
        ),
      };
    },

    getFlow(req, ctx) {
      const flow = findNamed(flowTypes, req.type);
      // Unknown flow types are rejected like in ListFlowTriggerTypes (our choice).
      if (flow === undefined) throw zitadelError(Code.NotFound, "MANAG-P2OBk", "Not found");
      const { orgId, org } = orgOf(ctx);
      const triggers = org.flows.get(flow.id) ?? new Map<string, string[]>();
      const changed = org.flowChanged.get(flow.id);
      return {
        flow: {
          type: namedMessage(flow),
          details:
            changed === undefined
              ? { resourceOwner: orgId }
              : details(orgId, changed.changed, changed.changed, changed.sequence),
          state: FlowState.ACTIVE,
          triggerActions: [...triggers.entries()]
            .filter(([, ids]) => ids.length > 0)
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([triggerId, ids]) => ({
              triggerType: namedMessage(triggerTypes.find((t) => t.id === triggerId)!),
              actions: ids.flatMap((id) => {
                const a = org.actions.get(id);
                return a === undefined ? [] : [actionMessage(orgId, a)];
              }),
            })),
        },
      };
    },

    clearFlow(req, ctx) {
      const flow = findNamed(flowTypes, req.type);
      if (flow === undefined) {
        throw zitadelError(Code.InvalidArgument, "COMMAND-Dfw2h", "Flow type is missing");
      }
      const { orgId, org } = orgOf(ctx);
      const triggers = org.flows.get(flow.id);
      if (triggers === undefined || [...triggers.values()].every((ids) => ids.length === 0)) {
        throw zitadelError(Code.FailedPrecondition, "COMMAND-DgGh3", "Flow is already empty");
      }
      org.flows.delete(flow.id);
      touchFlow(org, flow.id);
      const changed = org.flowChanged.get(flow.id)!;
      return { details: details(orgId, changed.changed, changed.changed, changed.sequence) };
    },

    setTriggerActions(req, ctx) {
      const flow = findNamed(flowTypes, req.flowType);
      if (flow === undefined) {
        throw zitadelError(Code.InvalidArgument, "COMMAND-Dfhj5", "Flow type is missing");
      }
      const trigger = findNamed(triggerTypes, req.triggerType);
      if (trigger === undefined || !allowedTriggers[flow.id]!.includes(trigger.id)) {
        throw zitadelError(
          Code.InvalidArgument,
          "COMMAND-Dfgh6",
          "Wrong trigger type for this flow",
        );
      }
      const { orgId, org } = orgOf(ctx);
      const current = org.flows.get(flow.id)?.get(trigger.id) ?? [];
      if (
        current.length === req.actionIds.length &&
        current.every((id, i) => id === req.actionIds[i])
      ) {
        throw zitadelError(Code.FailedPrecondition, "COMMAND-Nfh52", "No changes");
      }
      if (req.actionIds.some((id) => !org.actions.has(id))) {
        throw zitadelError(
          Code.FailedPrecondition,
          "COMMAND-dg422",
          "One or more actions do not exist",
        );
      }
      let triggers = org.flows.get(flow.id);
      if (triggers === undefined) {
        triggers = new Map();
        org.flows.set(flow.id, triggers);
      }
      if (req.actionIds.length === 0) triggers.delete(trigger.id);
      else triggers.set(trigger.id, [...req.actionIds]);
      touchFlow(org, flow.id);
      const changed = org.flowChanged.get(flow.id)!;
      return { details: details(orgId, changed.changed, changed.changed, changed.sequence) };
    },
  };
}

/** ZITADEL reports a stored timeout of 0 or at least 20s as 20s. */
function readBackTimeout(timeout: Duration | undefined): Duration {
  const n = nanosOf(timeout);
  if (n === 0n || n >= 20_000_000_000n) return durationFromMs(20_000);
  return timeout!;
}

function nanosOf(d: Duration | undefined): bigint {
  return d === undefined ? 0n : durationNanos(d);
}

function findNamed(list: Named[], value: string): Named | undefined {
  return list.find((n) => n.id === value || n.aliases.includes(value));
}

function namedMessage(n: Named): { id: string; name: { key: string; localizedMessage: string } } {
  return { id: n.id, name: { key: n.key, localizedMessage: n.text } };
}

export type { ManagementImplOptions };
export { createManagementServiceImpl };
