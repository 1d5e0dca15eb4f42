import { createHash, createPublicKey } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { Code, type ServiceImpl } from "@connectrpc/connect";
import type {
  ActionService,
  CreateTargetRequest,
  ListExecutionsRequest,
  ListPublicKeysRequest,
  ListTargetsRequest,
  UpdateTargetRequest,
} from "../../gen/zitadel/action/v2/action_service_pb.js";
import {
  type Condition,
  ConditionSchema,
  type Execution,
  ExecutionSchema,
} from "../../gen/zitadel/action/v2/execution_pb.js";
import {
  ExecutionFieldName,
  ExecutionType,
  PublicKeyFieldName,
  TargetFieldName,
} from "../../gen/zitadel/action/v2/query_pb.js";
import {
  PayloadType,
  type PublicKey,
  PublicKeySchema,
  type Target,
  TargetSchema,
} from "../../gen/zitadel/action/v2/target_pb.js";
import { TimestampFilterMethod } from "../../gen/zitadel/filter/v2/filter_pb.js";
import {
  catalogFunctions,
  catalogMethods,
  catalogServices,
  type EmulatorCatalog,
  isKnownEventGroup,
} from "./catalog.js";
import { ruleError, zitadelError } from "./errors.js";
import { emptyInList, matchText, page, resolveWindow, sortBy } from "./list.js";
import {
  checkBytes,
  checkDefined,
  checkDurationRange,
  checkDurationZero,
  checkLength,
  durationNanos,
  firstError,
  type RulePath,
} from "./rules.js";
import {
  type ExecutionRecord,
  nanosFromTimestamp,
  newSigningKey,
  type Store,
  type TargetRecord,
  timestampFromNanos,
} from "./store.js";
import { parsesAsGoUrl } from "./url-check.js";

const maxTargetTimeoutSeconds = 270;
const textMethods = [0, 1, 2, 3, 4, 5, 6, 7];

/** Create the `zitadel.action.v2.ActionService` implementation over a store. */
function createActionServiceImpl(
  store: Store,
  catalog: EmulatorCatalog,
): ServiceImpl<typeof ActionService> {
  const knownMethods = new Set(catalogMethods(catalog));
  const knownServices = new Set(catalogServices(catalog));

  function requireTarget(id: string): TargetRecord {
    const target = store.targets.get(id);
    if (target === undefined) {
      throw zitadelError(Code.NotFound, "QUERY-hj5oaniyrz", "Target not found");
    }
    return target;
  }

  function assertNameFree(name: string, exceptId?: string): void {
    for (const t of store.targets.values()) {
      if (t.name === name && t.id !== exceptId) {
        // ZITADEL has no English text for this key, so clients see the raw key.
        throw zitadelError(Code.AlreadyExists, "V3-DKcYh", "Errors.Target.AlreadyExists");
      }
    }
  }

  /** Return the stored id of a condition; with `check`, reject names missing from the catalog. */
  function conditionId(c: Condition, check = true): string {
    const t = c.conditionType;
    switch (t.case) {
      case "request":
      case "response": {
        const inner = t.value.condition;
        if (inner.case === "method") {
          if (check && !knownMethods.has(inner.value)) {
            throw zitadelError(
              Code.NotFound,
              "COMMAND-vysplsevt8",
              "Execution condition is invalid",
            );
          }
          return `${t.case}${inner.value}`;
        }
        if (inner.case === "service") {
          if (check && !knownServices.has(inner.value)) {
            throw zitadelError(
              Code.NotFound,
              "COMMAND-qu6dfhiioq",
              "Execution condition is invalid",
            );
          }
          return `${t.case}/${inner.value}`;
        }
        return t.case;
      }
      case "function":
        if (check && !catalog.functions.includes(t.value.name)) {
          throw zitadelError(Code.NotFound, "COMMAND-cdy39t0ksr", "Execution condition is invalid");
        }
        return `function/${t.value.name}`;
      case "event": {
        const inner = t.value.condition;
        if (inner.case === "event") {
          if (check && !catalog.eventTypes.includes(inner.value)) {
            throw zitadelError(
              Code.NotFound,
              "COMMAND-74aaqj8fv9",
              "Execution condition is invalid",
            );
          }
          return `event/${inner.value}`;
        }
        if (inner.case === "group") {
          if (check && !isKnownEventGroup(catalog, inner.value)) {
            throw zitadelError(
              Code.NotFound,
              "COMMAND-er5oneb5lz",
              "Execution condition is invalid",
            );
          }
          return `event/${inner.value.endsWith(".*") ? inner.value : `${inner.value}.*`}`;
        }
        return "event";
      }
      default:
        throw zitadelError(Code.InvalidArgument, "COMMAND-3tkej630e6", "Execution is invalid");
    }
  }

  // All targets in one sort order, reused while the store is unchanged: a walk over 10,000 targets
  // asks for 100 pages, and sorting everything for each of them would dominate the list cost.
  let sortCache:
    | { column: TargetFieldName; asc: boolean; stamp: bigint; size: number; sorted: TargetRecord[] }
    | undefined;

  /** Return all targets sorted by a column (ties by id); callers must not modify the array. */
  function sortedTargets(
    key: (t: TargetRecord) => bigint | number | string | boolean,
    column: TargetFieldName,
    asc: boolean,
  ): TargetRecord[] {
    const stamp = store.lastStamp();
    const size = store.targets.size;
    const c = sortCache;
    if (c?.column === column && c.asc === asc && c.stamp === stamp && c.size === size) {
      return c.sorted;
    }
    const sorted = sortBy([...store.targets.values()], key, asc);
    sortCache = { column, asc, stamp, size, sorted };
    return sorted;
  }

  function targetMessage(t: TargetRecord): Target {
    return create(TargetSchema, {
      id: t.id,
      creationDate: timestampFromNanos(t.created),
      changeDate: timestampFromNanos(t.changed),
      name: t.name,
      targetType:
        t.type === "restAsync"
          ? { case: "restAsync", value: {} }
          : { case: t.type, value: { interruptOnError: t.interruptOnError } },
      timeout: t.timeout,
      endpoint: t.endpoint,
      signingKey: t.signingKey,
      payloadType: t.payloadType,
    });
  }

  function executionMessage(e: ExecutionRecord): Execution {
    return create(ExecutionSchema, {
      condition: e.condition,
      creationDate: timestampFromNanos(e.created),
      changeDate: timestampFromNanos(e.changed),
      targets: [...e.targets],
    });
  }

  return {
    createTarget(req) {
      const err = firstError(
        () => checkLength([["CreateTargetRequest", "Name"]], req.name, 1, 1000),
        () =>
          checkDurationRange(
            [["CreateTargetRequest", "Timeout"]],
            req.timeout,
            maxTargetTimeoutSeconds,
          ),
        () => checkLength([["CreateTargetRequest", "Endpoint"]], req.endpoint, 1, 2048),
        () =>
          req.targetType.case === undefined
            ? ruleError([["CreateTargetRequest", "TargetType"]], "value is required")
            : undefined,
      );
      if (err) throw err;
      validateTargetCommand(req);
      assertNameFree(req.name);
      const now = store.now();
      const target: TargetRecord = {
        id: store.nextId(),
        name: req.name,
        endpoint: req.endpoint,
        type: req.targetType.case!,
        interruptOnError:
          req.targetType.case === "restAsync"
            ? false
            : (req.targetType.value?.interruptOnError ?? false),
        timeout: req.timeout,
        payloadType: req.payloadType,
        signingKey: newSigningKey(),
        created: now,
        changed: now,
        keys: [],
      };
      store.targets.set(target.id, target);
      return {
        id: target.id,
        creationDate: timestampFromNanos(now),
        signingKey: target.signingKey,
      };
    },

    updateTarget(req) {
      const err = firstError(
        () => checkLength([["UpdateTargetRequest", "Id"]], req.id, 1, 200),
        () =>
          req.name === undefined
            ? undefined
            : checkLength([["UpdateTargetRequest", "Name"]], req.name, 1, 1000),
        () =>
          checkDurationRange(
            [["UpdateTargetRequest", "Timeout"]],
            req.timeout,
            maxTargetTimeoutSeconds,
          ),
        () =>
          req.endpoint === undefined
            ? undefined
            : checkLength([["UpdateTargetRequest", "Endpoint"]], req.endpoint, 1, 2048),
        () =>
          checkDurationZero(
            [["UpdateTargetRequest", "ExpirationSigningKey"]],
            req.expirationSigningKey,
          ),
      );
      if (err) throw err;
      validateTargetChange(req);
      const target = store.targets.get(req.id);
      if (target === undefined) {
        throw zitadelError(Code.NotFound, "COMMAND-xj14f2cccn", "Target not found");
      }
      if (req.name !== undefined && req.name !== target.name) assertNameFree(req.name, target.id);
      let changed = false;
      if (req.name !== undefined && req.name !== target.name) {
        target.name = req.name;
        changed = true;
      }
      if (req.endpoint !== undefined && req.endpoint !== target.endpoint) {
        target.endpoint = req.endpoint;
        changed = true;
      }
      if (req.timeout !== undefined && !sameDuration(req.timeout, target.timeout)) {
        target.timeout = req.timeout;
        changed = true;
      }
      if (req.targetType.case !== undefined) {
        const interrupt =
          req.targetType.case === "restAsync"
            ? false
            : (req.targetType.value?.interruptOnError ?? false);
        if (req.targetType.case !== target.type || interrupt !== target.interruptOnError) {
          target.type = req.targetType.case;
          target.interruptOnError = interrupt;
          changed = true;
        }
      }
      // UNSPECIFIED means "leave unchanged" for the payload type.
      if (req.payloadType !== PayloadType.UNSPECIFIED && req.payloadType !== target.payloadType) {
        target.payloadType = req.payloadType;
        changed = true;
      }
      let signingKey: string | undefined;
      if (req.expirationSigningKey !== undefined) {
        signingKey = newSigningKey();
        target.signingKey = signingKey;
        changed = true;
      }
      if (changed) target.changed = store.now();
      return { changeDate: timestampFromNanos(target.changed), signingKey };
    },

    deleteTarget(req) {
      const err = checkLength([["DeleteTargetRequest", "Id"]], req.id, 1, 200);
      if (err) throw err;
      const previous = store.deletedTargets.get(req.id);
      if (previous !== undefined) return { deletionDate: timestampFromNanos(previous) };
      if (!store.targets.has(req.id)) return {};
      const now = store.now();
      store.targets.delete(req.id);
      store.deletedTargets.set(req.id, now);
      for (const execution of store.executions.values()) {
        if (execution.targets.includes(req.id)) {
          execution.targets = execution.targets.filter((t) => t !== req.id);
          execution.changed = now;
        }
      }
      return { deletionDate: timestampFromNanos(now) };
    },

    getTarget(req) {
      const err = checkLength([["GetTargetRequest", "Id"]], req.id, 1, 200);
      if (err) throw err;
      return { target: targetMessage(requireTarget(req.id)) };
    },

    listTargets(req) {
      validateTargetFilters(req);
      const window = resolveWindow(req.pagination);
      let all = sortedTargets(
        targetSortKey(req.sortingColumn ?? TargetFieldName.UNSPECIFIED),
        req.sortingColumn ?? TargetFieldName.UNSPECIFIED,
        req.pagination?.asc ?? false,
      );
      // Filtering the sorted list keeps its order (ties are broken by id, so the order is total).
      for (const f of req.filters) {
        const filter = f.filter;
        if (filter.case === "targetNameFilter") {
          const { targetName, method } = filter.value;
          all = all.filter((t) => matchText(t.name, targetName, method));
        } else if (filter.case === "inTargetIdsFilter") {
          const ids = filter.value.targetIds;
          if (ids.length === 0) throw emptyInList();
          all = all.filter((t) => ids.includes(t.id));
        }
      }
      const { items, total } = page(all, window);
      return {
        pagination: { totalResult: total, appliedLimit: BigInt(window.limit) },
        targets: items.map(targetMessage),
      };
    },

    addPublicKey(req) {
      const err = firstError(
        () => checkLength([["AddPublicKeyRequest", "TargetId"]], req.targetId, 1, 200),
        () => checkBytes([["AddPublicKeyRequest", "PublicKey"]], req.publicKey, 1, 8192),
      );
      if (err) throw err;
      const der = parseSpkiPem(req.publicKey);
      if (der === undefined) {
        throw zitadelError(
          Code.InvalidArgument,
          "ErrPublicKeyFormat",
          "Invalid public key: expected a PEM encoded RSA or ECDSA public key (PKIX)",
        );
      }
      const now = store.now();
      // The docs say an unset expiration means "never expires"; we model that, not the
      // snapshot bug that would reject an unset date as lying in 1970.
      if (req.expirationDate !== undefined && nanosFromTimestamp(req.expirationDate) <= now) {
        throw zitadelError(
          Code.InvalidArgument,
          "ErrExpirationDateBeforeNow",
          "Key expiration date must be in the future",
        );
      }
      const target = store.targets.get(req.targetId);
      if (target === undefined) {
        throw zitadelError(Code.FailedPrecondition, "COMMAND-nd3fsd", "Target not found");
      }
      const key = {
        keyId: store.nextId(),
        active: false,
        pem: req.publicKey.slice(),
        fingerprint: `SHA256:${createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`,
        expiration:
          req.expirationDate === undefined ? undefined : nanosFromTimestamp(req.expirationDate),
        created: now,
        changed: now,
      };
      target.keys.push(key);
      target.changed = now;
      return { keyId: key.keyId, creationDate: timestampFromNanos(now) };
    },

    activatePublicKey(req) {
      const { target, key } = requireKey("ActivatePublicKeyRequest", req.targetId, req.keyId);
      if (key.active) return { changeDate: timestampFromNanos(key.changed) };
      const now = store.now();
      for (const other of target.keys) {
        if (other.active) {
          other.active = false;
          other.changed = now;
        }
      }
      key.active = true;
      key.changed = now;
      target.changed = now;
      return { changeDate: timestampFromNanos(now) };
    },

    deactivatePublicKey(req) {
      // Upstream's handler currently calls the activate command here (a bug); we model the
      // documented behaviour: the key becomes inactive, an inactive key is a no-op.
      const { target, key } = requireKey("DeactivatePublicKeyRequest", req.targetId, req.keyId);
      if (!key.active) return { changeDate: timestampFromNanos(key.changed) };
      const now = store.now();
      key.active = false;
      key.changed = now;
      target.changed = now;
      return { changeDate: timestampFromNanos(now) };
    },

    removePublicKey(req) {
      const err = firstError(
        () => checkLength([["RemovePublicKeyRequest", "TargetId"]], req.targetId, 1, 200),
        () => checkLength([["RemovePublicKeyRequest", "KeyId"]], req.keyId, 1, 200),
      );
      if (err) throw err;
      const target = store.targets.get(req.targetId);
      const key = target?.keys.find((k) => k.keyId === req.keyId);
      if (target === undefined || key === undefined) return {};
      if (key.active) {
        throw zitadelError(
          Code.FailedPrecondition,
          "ErrPublicKeyDeleteActiveKey",
          "Cannot delete active target public key",
        );
      }
      const now = store.now();
      target.keys = target.keys.filter((k) => k !== key);
      target.changed = now;
      return { deletionDate: timestampFromNanos(now) };
    },

    listPublicKeys(req) {
      validatePublicKeyFilters(req);
      const window = resolveWindow(req.pagination);
      let all = [...(store.targets.get(req.targetId)?.keys ?? [])].map((k) => ({
        ...k,
        id: k.keyId,
      }));
      for (const f of req.filters) {
        const filter = f.filter;
        if (filter.case === "keyIdsFilter") {
          const ids = filter.value.ids;
          if (ids.length === 0) throw emptyInList();
          all = all.filter((k) => ids.includes(k.keyId));
        } else if (filter.case === "activeFilter") {
          const wanted = filter.value;
          all = all.filter((k) => k.active === wanted);
        } else if (filter.case === "expirationDateFilter") {
          const { timestamp, method } = filter.value;
          const at = timestamp === undefined ? 0n : nanosFromTimestamp(timestamp);
          all = all.filter((k) => compareTimestamp(k.expiration, at, method));
        }
      }
      const column = req.sortingColumn;
      sortBy(
        all,
        (k) =>
          column === PublicKeyFieldName.CHANGE_DATE
            ? k.changed
            : column === PublicKeyFieldName.EXPIRATION_DATE
              ? (k.expiration ?? BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n)
              : k.created,
        req.pagination?.asc ?? false,
      );
      const { items, total } = page(all, window);
      return {
        pagination: { totalResult: total, appliedLimit: BigInt(window.limit) },
        publicKeys: items.map(publicKeyMessage),
      };
    },

    setExecution(req) {
      if (req.condition !== undefined) {
        const err = validateCondition([["SetExecutionRequest", "Condition"]], req.condition);
        if (err) throw err;
      }
      if (req.condition === undefined) {
        throw zitadelError(Code.InvalidArgument, "ACTION-5r5Ju", "Execution condition is invalid");
      }
      const id = conditionId(req.condition);
      const existing = store.executions.get(id);
      const current = existing?.targets ?? [];
      if (sameList(current, req.targets)) {
        // Nothing changes: ZITADEL answers with the last change date and writes no event.
        return { setDate: timestampFromNanos(existing?.changed ?? store.now()) };
      }
      for (const targetId of req.targets) {
        if (!store.targets.has(targetId)) {
          throw zitadelError(Code.NotFound, "COMMAND-17e8fq1ggk", "Target not found");
        }
      }
      const now = store.now();
      if (existing === undefined) {
        store.executions.set(id, {
          id,
          condition: conditionFromId(id),
          targets: [...req.targets],
          created: now,
          changed: now,
        });
      } else {
        existing.targets = [...req.targets];
        existing.changed = now;
      }
      return { setDate: timestampFromNanos(now) };
    },

    listExecutions(req) {
      validateExecutionFilters(req);
      const window = resolveWindow(req.pagination);
      let all = [...store.executions.values()].filter((e) => e.targets.length > 0);
      for (const f of req.filters) {
        const filter = f.filter;
        if (filter.case === "inConditionsFilter") {
          const conditions = filter.value.conditions;
          if (conditions.length === 0) throw emptyInList();
          // Listing converts conditions to ids without checking they exist, as ZITADEL's query does.
          const ids = conditions.map((c) => conditionId(c, false));
          all = all.filter((e) => ids.includes(e.id));
        } else if (filter.case === "executionTypeFilter") {
          const prefix = executionTypePrefix(filter.value.executionType);
          all = all.filter((e) => prefix === undefined || e.id.startsWith(prefix));
        } else if (filter.case === "targetFilter") {
          const targetId = filter.value.targetId;
          all = all.filter((e) => e.targets.includes(targetId));
        }
      }
      const column = req.sortingColumn ?? ExecutionFieldName.UNSPECIFIED;
      sortBy(
        all,
        (e) =>
          column === ExecutionFieldName.ID
            ? e.id
            : column === ExecutionFieldName.CHANGED_DATE
              ? e.changed
              : e.created,
        req.pagination?.asc ?? false,
      );
      const { items, total } = page(all, window);
      return {
        pagination: { totalResult: total, appliedLimit: BigInt(window.limit) },
        executions: items.map(executionMessage),
      };
    },

    listExecutionFunctions() {
      return { functions: catalogFunctions(catalog) };
    },

    listExecutionMethods() {
      return { methods: [...knownMethods].sort() };
    },

    listExecutionServices() {
      return { services: [...knownServices].sort() };
    },
  };

  function requireKey(message: string, targetId: string, keyId: string) {
    const err = firstError(
      () => checkLength([[message, "TargetId"]], targetId, 1, 200),
      () => checkLength([[message, "KeyId"]], keyId, 1, 200),
    );
    if (err) throw err;
    const target = store.targets.get(targetId);
    if (target === undefined) {
      throw zitadelError(Code.FailedPrecondition, "COMMAND-SAF4g", "Target not found");
    }
    const key = target.keys.find((k) => k.keyId === keyId);
    if (key === undefined) {
      // The proto docs promise NOT_FOUND for an unknown key; upstream has no id for it yet.
      throw zitadelError(Code.NotFound, "ErrPublicKeyNotFound", "Target public key not found");
    }
    return { target, key };
  }
}

/** Apply ZITADEL's command-level checks of a new target (after the proto rules). */
function validateTargetCommand(req: CreateTargetRequest): void {
  if (req.name === "") {
    throw zitadelError(Code.InvalidArgument, "COMMAND-ddqbm9us5p", "Target is invalid");
  }
  if (req.timeout === undefined || durationNanos(req.timeout) === 0n) {
    throw zitadelError(Code.InvalidArgument, "COMMAND-39f35d8uri", "Target has no timeout");
  }
  if (!parsesAsGoUrl(req.endpoint)) {
    throw zitadelError(Code.InvalidArgument, "COMMAND-1r2k6qo6wg", "Target has an invalid URL");
  }
}

/** Apply the command-level checks of a target change; same rules and ids as on create. */
function validateTargetChange(req: UpdateTargetRequest): void {
  if (req.name !== undefined && req.name === "") {
    throw zitadelError(Code.InvalidArgument, "COMMAND-ddqbm9us5p", "Target is invalid");
  }
  if (req.timeout !== undefined && durationNanos(req.timeout) === 0n) {
    throw zitadelError(Code.InvalidArgument, "COMMAND-39f35d8uri", "Target has no timeout");
  }
  if (req.endpoint !== undefined && !parsesAsGoUrl(req.endpoint)) {
    throw zitadelError(Code.InvalidArgument, "COMMAND-1r2k6qo6wg", "Target has an invalid URL");
  }
}

function validateTargetFilters(req: ListTargetsRequest): void {
  req.filters.forEach((f, i) => {
    const path: RulePath = [["ListTargetsRequest", `Filters[${i}]`]];
    const filter = f.filter;
    let err: ReturnType<typeof checkLength>;
    if (filter.case === undefined) {
      err = ruleError([...path, ["TargetSearchFilter", "Filter"]], "value is required");
    } else if (filter.case === "targetNameFilter") {
      const inner: RulePath = [...path, ["TargetSearchFilter", "TargetNameFilter"]];
      err = firstError(
        () =>
          checkLength(
            [...inner, ["TargetNameFilter", "TargetName"]],
            filter.value.targetName,
            0,
            200,
          ),
        () =>
          checkDefined(
            [...inner, ["TargetNameFilter", "Method"]],
            filter.value.method,
            textMethods,
          ),
      );
    }
    if (err) throw err;
  });
}

function validatePublicKeyFilters(req: ListPublicKeysRequest): void {
  const err = checkLength([["ListPublicKeysRequest", "TargetId"]], req.targetId, 1, 200);
  if (err) throw err;
  req.filters.forEach((f, i) => {
    const path: RulePath = [["ListPublicKeysRequest", `Filters[${i}]`]];
    const filter = f.filter;
    if (filter.case === "keyIdsFilter") {
      const inner: RulePath = [...path, ["PublicKeySearchFilter", "KeyIdsFilter"]];
      const ids = filter.value.ids;
      if (new Set(ids).size !== ids.length) {
        throw ruleError(
          [...inner, ["InIDsFilter", "Ids"]],
          "repeated value must contain unique items",
        );
      }
      ids.forEach((id, j) => {
        const e = checkLength([...inner, ["InIDsFilter", `Ids[${j}]`]], id, 1, 200);
        if (e) throw e;
      });
    } else if (filter.case === "expirationDateFilter") {
      const e = checkDefined(
        [...path, ["PublicKeySearchFilter", "ExpirationDateFilter"], ["TimestampFilter", "Method"]],
        filter.value.method,
        [0, 1, 2, 3, 4],
      );
      if (e) throw e;
    }
  });
}

function validateExecutionFilters(req: ListExecutionsRequest): void {
  req.filters.forEach((f, i) => {
    const path: RulePath = [["ListExecutionsRequest", `Filters[${i}]`]];
    const filter = f.filter;
    if (filter.case === undefined) {
      throw ruleError([...path, ["ExecutionSearchFilter", "Filter"]], "value is required");
    }
    if (filter.case === "inConditionsFilter") {
      filter.value.conditions.forEach((c, j) => {
        const err = validateCondition(
          [
            ...path,
            ["ExecutionSearchFilter", "InConditionsFilter"],
            ["InConditionsFilter", `Conditions[${j}]`],
          ],
          c,
        );
        if (err) throw err;
      });
    }
  });
}

/** Check a condition against its proto rules; `path` ends at the field holding the condition. */
function validateCondition(path: RulePath, c: Condition) {
  const t = c.conditionType;
  if (t.case === undefined)
    return ruleError([...path, ["Condition", "ConditionType"]], "value is required");
  if (t.case === "function") {
    return checkLength(
      [...path, ["Condition", "Function"], ["FunctionExecution", "Name"]],
      t.value.name,
      1,
      1000,
    );
  }
  const message =
    t.case === "request"
      ? "RequestExecution"
      : t.case === "response"
        ? "ResponseExecution"
        : "EventExecution";
  const field = t.case === "request" ? "Request" : t.case === "response" ? "Response" : "Event";
  const inner: RulePath = [...path, ["Condition", field]];
  const cond = t.value.condition;
  switch (cond.case) {
    case undefined:
      return ruleError([...inner, [message, "Condition"]], "value is required");
    case "all":
      return cond.value
        ? undefined
        : ruleError([...inner, [message, "All"]], "value must equal true");
    case "method":
      return checkLength([...inner, [message, "Method"]], cond.value, 1, 1000);
    case "service":
      return checkLength([...inner, [message, "Service"]], cond.value, 1, 1000);
    case "event":
      return checkLength([...inner, [message, "Event"]], cond.value, 1, 1000);
    case "group":
      return checkLength([...inner, [message, "Group"]], cond.value, 1, 1000);
  }
}

/** Rebuild the condition message from a stored execution id, as ZITADEL does when listing. */
function conditionFromId(id: string): Condition {
  const slash = id.indexOf("/");
  const kind = slash < 0 ? id : id.slice(0, slash);
  const rest = slash < 0 ? "" : id.slice(slash + 1);
  switch (kind) {
    case "request":
    case "response": {
      const condition =
        rest === ""
          ? { case: "all" as const, value: true }
          : rest.includes("/")
            ? { case: "method" as const, value: `/${rest}` }
            : { case: "service" as const, value: rest };
      return create(ConditionSchema, { conditionType: { case: kind, value: { condition } } });
    }
    case "function":
      return create(ConditionSchema, {
        conditionType: { case: "function", value: { name: rest } },
      });
    default: {
      const condition =
        rest === ""
          ? { case: "all" as const, value: true }
          : rest.endsWith(".*")
            ? { case: "group" as const, value: rest }
            : { case: "event" as const, value: rest };
      return create(ConditionSchema, { conditionType: { case: "event", value: { condition } } });
    }
  }
}

function executionTypePrefix(type: ExecutionType): string | undefined {
  switch (type) {
    case ExecutionType.REQUEST:
      return "request";
    case ExecutionType.RESPONSE:
      return "response";
    case ExecutionType.EVENT:
      return "event";
    case ExecutionType.FUNCTION:
      return "function";
    default:
      return undefined;
  }
}

function targetSortKey(
  column: TargetFieldName,
): (t: TargetRecord) => bigint | number | string | boolean {
  switch (column) {
    case TargetFieldName.ID:
      return (t) => t.id;
    case TargetFieldName.CHANGED_DATE:
      return (t) => t.changed;
    case TargetFieldName.NAME:
      return (t) => t.name;
    case TargetFieldName.TARGET_TYPE:
      return (t) => (t.type === "restWebhook" ? 0 : t.type === "restCall" ? 1 : 2);
    case TargetFieldName.URL:
      return (t) => t.endpoint;
    case TargetFieldName.TIMEOUT:
      return (t) => (t.timeout === undefined ? 0n : durationNanos(t.timeout));
    case TargetFieldName.INTERRUPT_ON_ERROR:
      return (t) => t.interruptOnError;
    default:
      return (t) => t.created;
  }
}

function compareTimestamp(
  value: bigint | undefined,
  at: bigint,
  method: TimestampFilterMethod,
): boolean {
  if (value === undefined) return false;
  switch (method) {
    case TimestampFilterMethod.EQUALS:
      return value === at;
    case TimestampFilterMethod.AFTER:
      return value > at;
    case TimestampFilterMethod.AFTER_OR_EQUALS:
      return value >= at;
    case TimestampFilterMethod.BEFORE:
      return value < at;
    case TimestampFilterMethod.BEFORE_OR_EQUALS:
      return value <= at;
    default:
      return false;
  }
}

function publicKeyMessage(k: {
  keyId: string;
  active: boolean;
  pem: Uint8Array;
  fingerprint: string;
  expiration: bigint | undefined;
  created: bigint;
  changed: bigint;
}): PublicKey {
  return create(PublicKeySchema, {
    keyId: k.keyId,
    active: k.active,
    publicKey: k.pem,
    fingerprint: k.fingerprint,
    expirationDate: k.expiration === undefined ? undefined : timestampFromNanos(k.expiration),
    creationDate: timestampFromNanos(k.created),
    changeDate: timestampFromNanos(k.changed),
  });
}

/** Return the DER bytes of a PEM `PUBLIC KEY` (SPKI) block holding an RSA or EC key, else undefined. */
function parseSpkiPem(bytes: Uint8Array): Uint8Array | undefined {
  const text = Buffer.from(bytes).toString("utf8");
  const match = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (match === null || match[1] !== "PUBLIC KEY") return undefined;
  const der = Buffer.from(match[2]!.replace(/\s+/g, ""), "base64");
  try {
    const key = createPublicKey({ key: der, format: "der", type: "spki" });
    return key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "ec" ? der : undefined;
  } catch {
    return undefined;
  }
}

function sameDuration(a: Duration | undefined, b: Duration | undefined): boolean {
  return (a === undefined ? 0n : durationNanos(a)) === (b === undefined ? 0n : durationNanos(b));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export { createActionServiceImpl };
