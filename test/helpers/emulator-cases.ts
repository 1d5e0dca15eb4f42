import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { expect } from "vitest";
import { ConditionSchema } from "../../gen/zitadel/action/v2/execution_pb.js";
import {
  ExecutionFieldName,
  ExecutionType,
  PublicKeyFieldName,
  TargetFieldName,
} from "../../gen/zitadel/action/v2/query_pb.js";
import { PayloadType } from "../../gen/zitadel/action/v2/target_pb.js";
import { ActionState } from "../../gen/zitadel/action_pb.js";
import { TextFilterMethod } from "../../gen/zitadel/filter/v2/filter_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";
import { TextQueryMethod } from "../../gen/zitadel/object_pb.js";
import {
  bytes,
  type Clients,
  fingerprintOf,
  makeAction,
  makeTarget,
  pems,
} from "./emulator-fixtures.js";

/** Expected outcome of a failing call: code, ZITADEL id (`null`: no detail at all) and raw message. */
interface Failure {
  code: Code;
  id: string | null;
  message?: string | RegExp;
}

/** One row of the behaviour table. */
interface BehaviourCase {
  /** `<service>.<rpc>` in lowerCamelCase, e.g. `action.createTarget`. */
  rpc: string;
  name: string;
  fails?: Failure;
  /** Run setup, the call and the assertions against a fresh emulator. */
  exec(c: Clients): Promise<void>;
}

interface CaseInit<V, R> {
  rpc: string;
  name: string;
  setup?: (c: Clients) => Promise<V>;
  call: (c: Clients, v: V) => Promise<R>;
  fails?: Failure;
  check?: (result: R, v: V, c: Clients) => void | Promise<void>;
}

/** Define a behaviour case; the request runs once, then the error or the result is checked. */
function row<V = undefined, R = unknown>(init: CaseInit<V, R>): BehaviourCase {
  return {
    rpc: init.rpc,
    name: init.name,
    ...(init.fails === undefined ? {} : { fails: init.fails }),
    async exec(c) {
      const v = (init.setup ? await init.setup(c) : undefined) as V;
      const outcome = await init.call(c, v).then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error: ConnectError.from(error) }),
      );
      if (init.fails !== undefined) {
        expect(outcome.ok, "the call should fail").toBe(false);
        if (outcome.ok) return;
        expectFailure(outcome.error, init.fails);
        if (init.check) await init.check(undefined as R, v, c);
        return;
      }
      if (!outcome.ok) throw outcome.error;
      if (init.check) await init.check(outcome.result, v, c);
    },
  };
}

/** Assert a ConnectError has the expected code, ZITADEL detail and message. */
function expectFailure(err: ConnectError, want: Failure): void {
  expect(Code[err.code]).toBe(Code[want.code]);
  const details = err.findDetails(ErrorDetailSchema);
  if (want.id === null) {
    expect(details).toEqual([]);
  } else {
    expect(details).toHaveLength(1);
    expect(details[0]!.id).toBe(want.id);
    expect(err.rawMessage).toBe(`${details[0]!.message} (${want.id})`);
  }
  if (typeof want.message === "string") expect(err.rawMessage).toBe(want.message);
  if (want.message instanceof RegExp) expect(err.rawMessage).toMatch(want.message);
}

const invalid = (message: string): Failure => ({ code: Code.InvalidArgument, id: null, message });
const org2 = { headers: { "x-zitadel-orgid": "200000000000000002" } };
const methodCondition = (method: string) =>
  create(ConditionSchema, {
    conditionType: { case: "request", value: { condition: { case: "method", value: method } } },
  });
const userAdded = "/zitadel.user.v2.UserService/AddHumanUser";

async function threeTargets(c: Clients) {
  const a = await makeTarget(c, {
    name: "Alpha",
    endpoint: "https://c.example/a",
    timeout: { seconds: 30n },
    targetType: { case: "restAsync", value: {} },
  });
  const b = await makeTarget(c, {
    name: "beta",
    endpoint: "https://a.example/b",
    timeout: { seconds: 10n },
    targetType: { case: "restCall", value: { interruptOnError: true } },
  });
  const g = await makeTarget(c, {
    name: "gamma_1%",
    endpoint: "https://b.example/g",
    timeout: { seconds: 20n },
    targetType: { case: "restWebhook", value: { interruptOnError: false } },
  });
  return { a, b, g };
}

const textMethodRows: Array<[TextFilterMethod, string, Array<"a" | "b" | "g">]> = [
  [TextFilterMethod.EQUALS, "alpha", []],
  [TextFilterMethod.EQUALS_IGNORE_CASE, "alpha", ["a"]],
  [TextFilterMethod.STARTS_WITH, "b", ["b"]],
  [TextFilterMethod.STARTS_WITH_IGNORE_CASE, "A", ["a"]],
  [TextFilterMethod.CONTAINS, "ma_", ["g"]],
  [TextFilterMethod.CONTAINS_IGNORE_CASE, "A", ["a", "b", "g"]],
  [TextFilterMethod.ENDS_WITH, "_1%", ["g"]],
  [TextFilterMethod.ENDS_WITH_IGNORE_CASE, "HA", ["a"]],
];

const sortRows: Array<[TargetFieldName, boolean, Array<"a" | "b" | "g">]> = [
  [TargetFieldName.UNSPECIFIED, false, ["g", "b", "a"]],
  [TargetFieldName.CREATED_DATE, true, ["a", "b", "g"]],
  [TargetFieldName.ID, true, ["a", "b", "g"]],
  [TargetFieldName.NAME, true, ["a", "b", "g"]],
  [TargetFieldName.TARGET_TYPE, true, ["g", "b", "a"]],
  [TargetFieldName.URL, true, ["b", "g", "a"]],
  [TargetFieldName.TIMEOUT, false, ["a", "g", "b"]],
  [TargetFieldName.INTERRUPT_ON_ERROR, false, ["b", "g", "a"]],
];

/** The behaviour table: every RPC of both services, request → code, ZITADEL id and result. */
const behaviourCases: BehaviourCase[] = [
  // ---------------------------------------------------------------- CreateTarget
  row({
    rpc: "action.createTarget",
    name: "creates a target with an 18-digit id and a 36-character signing key",
    call: (c) =>
      c.action.createTarget({
        name: "hook",
        endpoint: "http://localhost:8090/hook",
        timeout: { seconds: 10n },
        targetType: { case: "restWebhook", value: {} },
      }),
    check: (r) => {
      expect(r.id).toMatch(/^\d{18}$/);
      expect(r.signingKey).toMatch(/^[A-Za-z0-9]{36}$/);
      expect(Math.abs(timestampMs(r.creationDate!) - Date.now())).toBeLessThan(60_000);
    },
  }),
  row({
    rpc: "action.createTarget",
    name: "rejects an empty name by proto rule, before the missing timeout",
    call: (c) =>
      c.action.createTarget({
        name: "",
        endpoint: "https://x",
        targetType: { case: "restAsync", value: {} },
      }),
    fails: invalid(
      "invalid CreateTargetRequest.Name: value length must be between 1 and 1000 runes, inclusive",
    ),
  }),
  row({
    rpc: "action.createTarget",
    name: "counts the name in runes (1000 emoji pass, 1001 fail)",
    setup: async (c) => makeTarget(c, { name: "😀".repeat(1000) }),
    call: (c) => makeTarget(c, { name: "😀".repeat(1001) }),
    fails: invalid(
      "invalid CreateTargetRequest.Name: value length must be between 1 and 1000 runes, inclusive",
    ),
  }),
  row({
    rpc: "action.createTarget",
    name: "requires a target type",
    call: (c) =>
      c.action.createTarget({ name: "x", endpoint: "https://x", timeout: { seconds: 1n } }),
    fails: invalid("invalid CreateTargetRequest.TargetType: value is required"),
  }),
  // Validation order: proto rules on plain fields (declaration order: name, timeout, endpoint),
  // then the target-type oneof, and only then ZITADEL's command checks (timeout, then URL).
  row({
    rpc: "action.createTarget",
    name: "checks the timeout range before the missing target type",
    call: (c) =>
      c.action.createTarget({ name: "x", endpoint: "https://x", timeout: { seconds: 271n } }),
    fails: invalid("invalid CreateTargetRequest.Timeout: value must be inside range [0s, 4m30s]"),
  }),
  row({
    rpc: "action.createTarget",
    name: "checks the timeout range before the endpoint length",
    call: (c) => makeTarget(c, { endpoint: "", timeout: { seconds: 271n } }),
    fails: invalid("invalid CreateTargetRequest.Timeout: value must be inside range [0s, 4m30s]"),
  }),
  row({
    rpc: "action.createTarget",
    name: "requires a target type before reporting the missing timeout",
    call: (c) => c.action.createTarget({ name: "x", endpoint: "https://x" }),
    fails: invalid("invalid CreateTargetRequest.TargetType: value is required"),
  }),
  row({
    rpc: "action.createTarget",
    name: "checks the endpoint length before reporting the missing timeout",
    call: (c) => makeTarget(c, { endpoint: "", timeout: undefined }),
    fails: invalid(
      "invalid CreateTargetRequest.Endpoint: value length must be between 1 and 2048 runes, inclusive",
    ),
  }),
  row({
    rpc: "action.createTarget",
    name: "reports the missing timeout before an endpoint Go cannot parse",
    call: (c) => makeTarget(c, { endpoint: "http://exa mple.com/x", timeout: undefined }),
    fails: { code: Code.InvalidArgument, id: "COMMAND-39f35d8uri" },
  }),
  row({
    rpc: "action.createTarget",
    name: "rejects a timeout above 270s by proto rule",
    call: (c) => makeTarget(c, { timeout: { seconds: 271n } }),
    fails: invalid("invalid CreateTargetRequest.Timeout: value must be inside range [0s, 4m30s]"),
  }),
  row({
    rpc: "action.createTarget",
    name: "rejects a missing timeout with COMMAND-39f35d8uri",
    call: (c) => makeTarget(c, { timeout: undefined }),
    fails: {
      code: Code.InvalidArgument,
      id: "COMMAND-39f35d8uri",
      message: "Target has no timeout (COMMAND-39f35d8uri)",
    },
  }),
  row({
    rpc: "action.createTarget",
    name: "rejects an empty endpoint by proto rule",
    call: (c) => makeTarget(c, { endpoint: "" }),
    fails: invalid(
      "invalid CreateTargetRequest.Endpoint: value length must be between 1 and 2048 runes, inclusive",
    ),
  }),
  row({
    rpc: "action.createTarget",
    name: "rejects an endpoint Go cannot parse with COMMAND-1r2k6qo6wg",
    call: (c) => makeTarget(c, { endpoint: "http://exa mple.com/x" }),
    fails: {
      code: Code.InvalidArgument,
      id: "COMMAND-1r2k6qo6wg",
      message: "Target has an invalid URL (COMMAND-1r2k6qo6wg)",
    },
  }),
  row({
    rpc: "action.createTarget",
    name: "rejects a duplicate name with ALREADY_EXISTS V3-DKcYh",
    setup: (c) => makeTarget(c, { name: "dup" }),
    call: (c) => makeTarget(c, { name: "dup" }),
    fails: {
      code: Code.AlreadyExists,
      id: "V3-DKcYh",
      message: "Errors.Target.AlreadyExists (V3-DKcYh)",
    },
  }),
  row({
    rpc: "action.createTarget",
    name: "generates increasing ids",
    setup: (c) => makeTarget(c),
    call: (c) => makeTarget(c),
    check: (second, first) => expect(BigInt(second) > BigInt(first)).toBe(true),
  }),
  // ---------------------------------------------------------------- UpdateTarget
  row({
    rpc: "action.updateTarget",
    name: "answers NOT_FOUND COMMAND-xj14f2cccn for an unknown id",
    call: (c) => c.action.updateTarget({ id: "123", name: "x" }),
    fails: {
      code: Code.NotFound,
      id: "COMMAND-xj14f2cccn",
      message: "Target not found (COMMAND-xj14f2cccn)",
    },
  }),
  row({
    rpc: "action.updateTarget",
    name: "renames without rotating the signing key",
    setup: async (c) => {
      const id = await makeTarget(c, { name: "old" });
      return { id, key: (await c.action.getTarget({ id })).target!.signingKey };
    },
    call: (c, v) => c.action.updateTarget({ id: v.id, name: "new", payloadType: PayloadType.JWT }),
    check: async (r, v, c) => {
      expect(r.signingKey).toBeUndefined();
      const t = (await c.action.getTarget({ id: v.id })).target!;
      expect([t.name, t.payloadType, t.signingKey]).toEqual(["new", PayloadType.JWT, v.key]);
      expect(timestampMs(t.changeDate!)).toBe(timestampMs(r.changeDate!));
    },
  }),
  row({
    rpc: "action.updateTarget",
    name: "rotates the signing key with expirationSigningKey 0s",
    setup: async (c) => {
      const id = await makeTarget(c);
      return { id, key: (await c.action.getTarget({ id })).target!.signingKey };
    },
    call: (c, v) => c.action.updateTarget({ id: v.id, expirationSigningKey: { seconds: 0n } }),
    check: async (r, v, c) => {
      expect(r.signingKey).toMatch(/^[A-Za-z0-9]{36}$/);
      expect(r.signingKey).not.toBe(v.key);
      expect((await c.action.getTarget({ id: v.id })).target!.signingKey).toBe(r.signingKey);
    },
  }),
  row({
    rpc: "action.updateTarget",
    name: "rejects any expirationSigningKey but 0s by proto rule",
    setup: (c) => makeTarget(c),
    call: (c, id) => c.action.updateTarget({ id, expirationSigningKey: { seconds: 60n } }),
    fails: invalid("invalid UpdateTargetRequest.ExpirationSigningKey: value must equal 0s"),
  }),
  row({
    rpc: "action.updateTarget",
    name: "rejects renaming to a taken name with V3-DKcYh",
    setup: async (c) => {
      await makeTarget(c, { name: "taken" });
      return makeTarget(c, { name: "mine" });
    },
    call: (c, id) => c.action.updateTarget({ id, name: "taken" }),
    fails: { code: Code.AlreadyExists, id: "V3-DKcYh" },
  }),
  row({
    rpc: "action.updateTarget",
    name: "succeeds without changes and keeps the change date",
    setup: async (c) => {
      const id = await makeTarget(c, { name: "same" });
      return { id, target: (await c.action.getTarget({ id })).target! };
    },
    call: (c, v) => c.action.updateTarget({ id: v.id, name: "same", endpoint: v.target.endpoint }),
    check: (r, v) => {
      expect(timestampMs(r.changeDate!)).toBe(timestampMs(v.target.changeDate!));
      expect(r.signingKey).toBeUndefined();
    },
  }),
  row({
    rpc: "action.updateTarget",
    name: "rejects an empty id by proto rule",
    call: (c) => c.action.updateTarget({ id: "" }),
    fails: invalid(
      "invalid UpdateTargetRequest.Id: value length must be between 1 and 200 runes, inclusive",
    ),
  }),
  row({
    rpc: "action.updateTarget",
    name: "rejects a zero timeout with COMMAND-39f35d8uri",
    setup: (c) => makeTarget(c),
    call: (c, id) => c.action.updateTarget({ id, timeout: { seconds: 0n } }),
    fails: { code: Code.InvalidArgument, id: "COMMAND-39f35d8uri" },
  }),
  // ---------------------------------------------------------------- DeleteTarget
  row({
    rpc: "action.deleteTarget",
    name: "succeeds for an unknown id without a deletion date",
    call: (c) => c.action.deleteTarget({ id: "424242" }),
    check: (r) => expect(r.deletionDate).toBeUndefined(),
  }),
  row({
    rpc: "action.deleteTarget",
    name: "deletes, then answers again with the original deletion date",
    setup: (c) => makeTarget(c),
    call: (c, id) => c.action.deleteTarget({ id }),
    check: async (r, id, c) => {
      expect(r.deletionDate).toBeDefined();
      const again = await c.action.deleteTarget({ id });
      expect(timestampMs(again.deletionDate!)).toBe(timestampMs(r.deletionDate!));
      await expect(c.action.getTarget({ id })).rejects.toMatchObject({ code: Code.NotFound });
    },
  }),
  row({
    rpc: "action.deleteTarget",
    name: "removes the target from every execution",
    setup: async (c) => {
      const keep = await makeTarget(c);
      const gone = await makeTarget(c);
      await c.action.setExecution({ condition: methodCondition(userAdded), targets: [gone, keep] });
      await c.action.setExecution({
        condition: { conditionType: { case: "function", value: { name: "preuserinfo" } } },
        targets: [gone],
      });
      return { keep, gone };
    },
    call: (c, v) => c.action.deleteTarget({ id: v.gone }),
    check: async (_r, v, c) => {
      const list = await c.action.listExecutions({});
      expect(list.executions.map((e) => e.targets)).toEqual([[v.keep]]);
    },
  }),
  row({
    rpc: "action.deleteTarget",
    name: "rejects an empty id by proto rule",
    call: (c) => c.action.deleteTarget({ id: "" }),
    fails: invalid(
      "invalid DeleteTargetRequest.Id: value length must be between 1 and 200 runes, inclusive",
    ),
  }),
  // ---------------------------------------------------------------- GetTarget
  row({
    rpc: "action.getTarget",
    name: "answers NOT_FOUND QUERY-hj5oaniyrz for an unknown id",
    call: (c) => c.action.getTarget({ id: "1" }),
    fails: {
      code: Code.NotFound,
      id: "QUERY-hj5oaniyrz",
      message: "Target not found (QUERY-hj5oaniyrz)",
    },
  }),
  row({
    rpc: "action.getTarget",
    name: "returns every field, the signing key included",
    setup: async (c) => {
      const res = await c.action.createTarget({
        name: "full",
        endpoint: "https://example.com/call",
        timeout: durationFromMs(1500),
        payloadType: PayloadType.JWE,
        targetType: { case: "restCall", value: { interruptOnError: true } },
      });
      return res;
    },
    call: (c, created) => c.action.getTarget({ id: created.id }),
    check: (r, created) => {
      const t = r.target!;
      expect(t).toMatchObject({
        id: created.id,
        name: "full",
        endpoint: "https://example.com/call",
        payloadType: PayloadType.JWE,
        signingKey: created.signingKey,
        targetType: { case: "restCall", value: { interruptOnError: true } },
      });
      expect(t.timeout).toMatchObject({ seconds: 1n, nanos: 500_000_000 });
      expect(timestampMs(t.creationDate!)).toBe(timestampMs(created.creationDate!));
    },
  }),
  row({
    rpc: "action.getTarget",
    name: "rejects an id longer than 200 runes by proto rule",
    call: (c) => c.action.getTarget({ id: "1".repeat(201) }),
    fails: invalid(
      "invalid GetTargetRequest.Id: value length must be between 1 and 200 runes, inclusive",
    ),
  }),
  // ---------------------------------------------------------------- ListTargets
  row({
    rpc: "action.listTargets",
    name: "lists newest first with limit 100 applied and the total",
    setup: threeTargets,
    call: (c) => c.action.listTargets({}),
    check: (r, v) => {
      expect(r.targets.map((t) => t.id)).toEqual([v.g, v.b, v.a]);
      expect(r.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 100n });
      expect(r.targets[0]!.signingKey).toMatch(/^[A-Za-z0-9]{36}$/);
    },
  }),
  row({
    rpc: "action.listTargets",
    name: "pages with offset, limit and asc; the total counts all matches",
    setup: threeTargets,
    call: (c) => c.action.listTargets({ pagination: { offset: 1n, limit: 1, asc: true } }),
    check: (r, v) => {
      expect(r.targets.map((t) => t.id)).toEqual([v.b]);
      expect(r.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 1n });
    },
  }),
  row({
    rpc: "action.listTargets",
    name: "reports total 0 for a page past the end",
    setup: threeTargets,
    call: (c) => c.action.listTargets({ pagination: { offset: 10n, limit: 5 } }),
    check: (r) => {
      expect(r.targets).toEqual([]);
      expect(r.pagination).toMatchObject({ totalResult: 0n, appliedLimit: 5n });
    },
  }),
  row({
    rpc: "action.listTargets",
    name: "rejects a limit above 1000 with QUERY-4M0fs",
    call: (c) => c.action.listTargets({ pagination: { limit: 1001 } }),
    fails: {
      code: Code.InvalidArgument,
      id: "QUERY-4M0fs",
      message: "Limit exceeded (QUERY-4M0fs)",
    },
  }),
  ...textMethodRows.map(([method, value, want]) =>
    row({
      rpc: "action.listTargets",
      name: `filters names with ${TextFilterMethod[method]} "${value}"`,
      setup: threeTargets,
      call: (c) =>
        c.action.listTargets({
          pagination: { asc: true },
          filters: [{ filter: { case: "targetNameFilter", value: { targetName: value, method } } }],
        }),
      check: (r, v) => expect(r.targets.map((t) => t.id)).toEqual(want.map((k) => v[k])),
    }),
  ),
  row({
    rpc: "action.listTargets",
    name: "treats LIKE wildcards in a filter literally",
    setup: threeTargets,
    call: (c) =>
      c.action.listTargets({
        filters: [
          {
            filter: {
              case: "targetNameFilter",
              value: { targetName: "%", method: TextFilterMethod.CONTAINS },
            },
          },
        ],
      }),
    check: (r, v) => expect(r.targets.map((t) => t.id)).toEqual([v.g]),
  }),
  row({
    rpc: "action.listTargets",
    name: "filters by ids and ANDs filters",
    setup: threeTargets,
    call: (c, v) =>
      c.action.listTargets({
        filters: [
          { filter: { case: "inTargetIdsFilter", value: { targetIds: [v.a, v.b] } } },
          {
            filter: {
              case: "targetNameFilter",
              value: { targetName: "b", method: TextFilterMethod.STARTS_WITH },
            },
          },
        ],
      }),
    check: (r, v) => {
      expect(r.targets.map((t) => t.id)).toEqual([v.b]);
      expect(r.pagination?.totalResult).toBe(1n);
    },
  }),
  ...sortRows.map(([column, asc, want]) =>
    row({
      rpc: "action.listTargets",
      name: `sorts by ${TargetFieldName[column]} ${asc ? "ascending" : "descending"}`,
      setup: threeTargets,
      call: (c) => c.action.listTargets({ sortingColumn: column, pagination: { asc } }),
      check: (r, v) => expect(r.targets.map((t) => t.id)).toEqual(want.map((k) => v[k])),
    }),
  ),
  row({
    rpc: "action.listTargets",
    name: "sorts by CHANGED_DATE",
    setup: async (c) => {
      const v = await threeTargets(c);
      await c.action.updateTarget({ id: v.a, endpoint: "https://changed.example" });
      return v;
    },
    call: (c) => c.action.listTargets({ sortingColumn: TargetFieldName.CHANGED_DATE }),
    check: (r, v) => expect(r.targets.map((t) => t.id)).toEqual([v.a, v.g, v.b]),
  }),
  row({
    rpc: "action.listTargets",
    name: "rejects a filter without a kind by proto rule",
    call: (c) => c.action.listTargets({ filters: [{}] }),
    fails: invalid(
      "invalid ListTargetsRequest.Filters[0]: embedded message failed validation | caused by: invalid TargetSearchFilter.Filter: value is required",
    ),
  }),
  row({
    rpc: "action.listTargets",
    name: "rejects a name filter longer than 200 runes by proto rule",
    call: (c) =>
      c.action.listTargets({
        filters: [{ filter: { case: "targetNameFilter", value: { targetName: "n".repeat(201) } } }],
      }),
    fails: invalid(
      "invalid ListTargetsRequest.Filters[0]: embedded message failed validation | caused by: invalid TargetSearchFilter.TargetNameFilter: embedded message failed validation | caused by: invalid TargetNameFilter.TargetName: value length must be at most 200 runes",
    ),
  }),
  row({
    rpc: "action.listTargets",
    name: "fails with UNKNOWN and no id on an empty id list",
    call: (c) =>
      c.action.listTargets({
        filters: [{ filter: { case: "inTargetIdsFilter", value: { targetIds: [] } } }],
      }),
    fails: { code: Code.Unknown, id: null, message: "values array must not be empty" },
  }),
  // ---------------------------------------------------------------- AddPublicKey
  row({
    rpc: "action.addPublicKey",
    name: "adds an RSA key, inactive, with its SHA256 fingerprint",
    setup: (c) => makeTarget(c),
    call: (c, targetId) => c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) }),
    check: async (r, targetId, c) => {
      expect(r.keyId).toMatch(/^\d+$/);
      const list = await c.action.listPublicKeys({ targetId });
      expect(list.publicKeys).toHaveLength(1);
      const key = list.publicKeys[0]!;
      expect(key).toMatchObject({
        keyId: r.keyId,
        active: false,
        fingerprint: fingerprintOf(pems.rsa),
      });
      expect(new TextDecoder().decode(key.publicKey)).toBe(pems.rsa);
      expect(key.expirationDate).toBeUndefined();
    },
  }),
  row({
    rpc: "action.addPublicKey",
    name: "accepts an EC key with a future expiration",
    setup: (c) => makeTarget(c),
    call: (c, targetId) =>
      c.action.addPublicKey({
        targetId,
        publicKey: bytes(pems.ec),
        expirationDate: timestampFromDate(new Date(Date.now() + 86_400_000)),
      }),
    check: async (r, targetId, c) => {
      const key = (await c.action.listPublicKeys({ targetId })).publicKeys[0]!;
      expect(key.keyId).toBe(r.keyId);
      expect(key.fingerprint).toBe(fingerprintOf(pems.ec));
      expect(key.expirationDate).toBeDefined();
    },
  }),
  ...(["ed25519", "rsaPkcs1"] as const).map((kind) =>
    row({
      rpc: "action.addPublicKey",
      name: `rejects a ${kind} key with ErrPublicKeyFormat`,
      setup: (c) => makeTarget(c),
      call: (c, targetId) => c.action.addPublicKey({ targetId, publicKey: bytes(pems[kind]) }),
      fails: { code: Code.InvalidArgument, id: "ErrPublicKeyFormat" },
    }),
  ),
  row({
    rpc: "action.addPublicKey",
    name: "rejects an expiration in the past with ErrExpirationDateBeforeNow",
    setup: (c) => makeTarget(c),
    call: (c, targetId) =>
      c.action.addPublicKey({
        targetId,
        publicKey: bytes(pems.rsa),
        expirationDate: timestampFromDate(new Date(Date.now() - 1000)),
      }),
    fails: { code: Code.InvalidArgument, id: "ErrExpirationDateBeforeNow" },
  }),
  row({
    rpc: "action.addPublicKey",
    name: "answers FAILED_PRECONDITION COMMAND-nd3fsd for an unknown target",
    call: (c) => c.action.addPublicKey({ targetId: "77", publicKey: bytes(pems.rsa) }),
    fails: {
      code: Code.FailedPrecondition,
      id: "COMMAND-nd3fsd",
      message: "Target not found (COMMAND-nd3fsd)",
    },
  }),
  row({
    rpc: "action.addPublicKey",
    name: "rejects an empty key by proto rule",
    call: (c) => c.action.addPublicKey({ targetId: "77", publicKey: new Uint8Array() }),
    fails: invalid(
      "invalid AddPublicKeyRequest.PublicKey: value length must be between 1 and 8192 bytes, inclusive",
    ),
  }),
  // ---------------------------------------------------------------- ActivatePublicKey
  row({
    rpc: "action.activatePublicKey",
    name: "activates a key and deactivates the previously active one",
    setup: async (c) => {
      const targetId = await makeTarget(c);
      const k1 = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      const k2 = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.ec) })).keyId;
      await c.action.activatePublicKey({ targetId, keyId: k1 });
      return { targetId, k1, k2 };
    },
    call: (c, v) => c.action.activatePublicKey({ targetId: v.targetId, keyId: v.k2 }),
    check: async (_r, v, c) => {
      const keys = (
        await c.action.listPublicKeys({ targetId: v.targetId, pagination: { asc: true } })
      ).publicKeys;
      expect(keys.map((k) => [k.keyId, k.active])).toEqual([
        [v.k1, false],
        [v.k2, true],
      ]);
    },
  }),
  row({
    rpc: "action.activatePublicKey",
    name: "is a no-op on the active key",
    setup: async (c) => {
      const targetId = await makeTarget(c);
      const keyId = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      const first = await c.action.activatePublicKey({ targetId, keyId });
      return { targetId, keyId, first };
    },
    call: (c, v) => c.action.activatePublicKey({ targetId: v.targetId, keyId: v.keyId }),
    check: (r, v) => expect(timestampMs(r.changeDate!)).toBe(timestampMs(v.first.changeDate!)),
  }),
  row({
    rpc: "action.activatePublicKey",
    name: "answers FAILED_PRECONDITION COMMAND-SAF4g for an unknown target",
    call: (c) => c.action.activatePublicKey({ targetId: "1", keyId: "2" }),
    fails: { code: Code.FailedPrecondition, id: "COMMAND-SAF4g" },
  }),
  row({
    rpc: "action.activatePublicKey",
    name: "answers NOT_FOUND for an unknown key (the documented behaviour)",
    setup: (c) => makeTarget(c),
    call: (c, targetId) => c.action.activatePublicKey({ targetId, keyId: "2" }),
    fails: { code: Code.NotFound, id: "ErrPublicKeyNotFound" },
  }),
  // ---------------------------------------------------------------- DeactivatePublicKey
  row({
    rpc: "action.deactivatePublicKey",
    name: "deactivates the active key; again is a no-op",
    setup: async (c) => {
      const targetId = await makeTarget(c);
      const keyId = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      await c.action.activatePublicKey({ targetId, keyId });
      return { targetId, keyId };
    },
    call: (c, v) => c.action.deactivatePublicKey(v),
    check: async (r, v, c) => {
      expect((await c.action.listPublicKeys({ targetId: v.targetId })).publicKeys[0]!.active).toBe(
        false,
      );
      const again = await c.action.deactivatePublicKey(v);
      expect(timestampMs(again.changeDate!)).toBe(timestampMs(r.changeDate!));
    },
  }),
  row({
    rpc: "action.deactivatePublicKey",
    name: "answers FAILED_PRECONDITION COMMAND-SAF4g for an unknown target",
    call: (c) => c.action.deactivatePublicKey({ targetId: "1", keyId: "2" }),
    fails: { code: Code.FailedPrecondition, id: "COMMAND-SAF4g" },
  }),
  row({
    rpc: "action.deactivatePublicKey",
    name: "rejects an empty key id by proto rule",
    call: (c) => c.action.deactivatePublicKey({ targetId: "1", keyId: "" }),
    fails: invalid(
      "invalid DeactivatePublicKeyRequest.KeyId: value length must be between 1 and 200 runes, inclusive",
    ),
  }),
  // ---------------------------------------------------------------- RemovePublicKey
  row({
    rpc: "action.removePublicKey",
    name: "removes an inactive key",
    setup: async (c) => {
      const targetId = await makeTarget(c);
      const keyId = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      return { targetId, keyId };
    },
    call: (c, v) => c.action.removePublicKey(v),
    check: async (r, v, c) => {
      expect(r.deletionDate).toBeDefined();
      expect((await c.action.listPublicKeys({ targetId: v.targetId })).publicKeys).toEqual([]);
    },
  }),
  row({
    rpc: "action.removePublicKey",
    name: "refuses to remove the active key",
    setup: async (c) => {
      const targetId = await makeTarget(c);
      const keyId = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      await c.action.activatePublicKey({ targetId, keyId });
      return { targetId, keyId };
    },
    call: (c, v) => c.action.removePublicKey(v),
    fails: {
      code: Code.FailedPrecondition,
      id: "ErrPublicKeyDeleteActiveKey",
      message: "Cannot delete active target public key (ErrPublicKeyDeleteActiveKey)",
    },
  }),
  row({
    rpc: "action.removePublicKey",
    name: "succeeds for an unknown target or key",
    call: (c) => c.action.removePublicKey({ targetId: "1", keyId: "2" }),
    check: (r) => expect(r.deletionDate).toBeUndefined(),
  }),
  // ---------------------------------------------------------------- ListPublicKeys
  row({
    rpc: "action.listPublicKeys",
    name: "filters by active state and key ids, sorts and pages",
    setup: async (c) => {
      const targetId = await makeTarget(c);
      const k1 = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      const k2 = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.ec) })).keyId;
      const k3 = (await c.action.addPublicKey({ targetId, publicKey: bytes(pems.rsa) })).keyId;
      await c.action.activatePublicKey({ targetId, keyId: k2 });
      return { targetId, k1, k2, k3 };
    },
    call: (c, v) =>
      c.action.listPublicKeys({
        targetId: v.targetId,
        filters: [{ filter: { case: "activeFilter", value: false } }],
      }),
    check: async (r, v, c) => {
      expect(r.publicKeys.map((k) => k.keyId)).toEqual([v.k3, v.k1]);
      expect(r.pagination).toMatchObject({ totalResult: 2n, appliedLimit: 100n });
      const byIds = await c.action.listPublicKeys({
        targetId: v.targetId,
        sortingColumn: PublicKeyFieldName.CREATION_DATE,
        pagination: { asc: true, limit: 1 },
        filters: [{ filter: { case: "keyIdsFilter", value: { ids: [v.k2, v.k3] } } }],
      });
      expect(byIds.publicKeys.map((k) => k.keyId)).toEqual([v.k2]);
      expect(byIds.pagination?.totalResult).toBe(2n);
    },
  }),
  row({
    rpc: "action.listPublicKeys",
    name: "rejects duplicate key ids by proto rule",
    call: (c) =>
      c.action.listPublicKeys({
        targetId: "1",
        filters: [{ filter: { case: "keyIdsFilter", value: { ids: ["a", "a"] } } }],
      }),
    fails: invalid(
      "invalid ListPublicKeysRequest.Filters[0]: embedded message failed validation | caused by: invalid PublicKeySearchFilter.KeyIdsFilter: embedded message failed validation | caused by: invalid InIDsFilter.Ids: repeated value must contain unique items",
    ),
  }),
  // ---------------------------------------------------------------- SetExecution
  row({
    rpc: "action.setExecution",
    name: "sets a method execution that ListExecutions returns",
    setup: (c) => makeTarget(c),
    call: (c, t) => c.action.setExecution({ condition: methodCondition(userAdded), targets: [t] }),
    check: async (r, t, c) => {
      expect(r.setDate).toBeDefined();
      const list = await c.action.listExecutions({});
      expect(list.executions).toHaveLength(1);
      expect(list.executions[0]!.targets).toEqual([t]);
      expect(list.executions[0]!.condition?.conditionType).toMatchObject({
        case: "request",
        value: { condition: { case: "method", value: userAdded } },
      });
    },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects a method without its leading slash with COMMAND-vysplsevt8",
    setup: (c) => makeTarget(c),
    call: (c, t) =>
      c.action.setExecution({ condition: methodCondition(userAdded.slice(1)), targets: [t] }),
    fails: {
      code: Code.NotFound,
      id: "COMMAND-vysplsevt8",
      message: "Execution condition is invalid (COMMAND-vysplsevt8)",
    },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects an unknown service with COMMAND-qu6dfhiioq",
    call: (c) =>
      c.action.setExecution({
        condition: {
          conditionType: {
            case: "response",
            value: { condition: { case: "service", value: "zitadel.nope.v1.Nope" } },
          },
        },
      }),
    fails: { code: Code.NotFound, id: "COMMAND-qu6dfhiioq" },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects an unknown event with COMMAND-74aaqj8fv9",
    call: (c) =>
      c.action.setExecution({
        condition: {
          conditionType: {
            case: "event",
            value: { condition: { case: "event", value: "user.nope" } },
          },
        },
      }),
    fails: { code: Code.NotFound, id: "COMMAND-74aaqj8fv9" },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects an unknown event group with COMMAND-er5oneb5lz",
    call: (c) =>
      c.action.setExecution({
        condition: {
          conditionType: { case: "event", value: { condition: { case: "group", value: "nope" } } },
        },
      }),
    fails: { code: Code.NotFound, id: "COMMAND-er5oneb5lz" },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects an unknown function with COMMAND-cdy39t0ksr",
    call: (c) =>
      c.action.setExecution({
        condition: { conditionType: { case: "function", value: { name: "nope" } } },
      }),
    fails: { code: Code.NotFound, id: "COMMAND-cdy39t0ksr" },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects a missing condition with ACTION-5r5Ju",
    call: (c) => c.action.setExecution({ targets: [] }),
    fails: { code: Code.InvalidArgument, id: "ACTION-5r5Ju" },
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects an empty condition by proto rule",
    call: (c) => c.action.setExecution({ condition: {} }),
    fails: invalid(
      "invalid SetExecutionRequest.Condition: embedded message failed validation | caused by: invalid Condition.ConditionType: value is required",
    ),
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects all: false by proto rule",
    call: (c) =>
      c.action.setExecution({
        condition: {
          conditionType: { case: "request", value: { condition: { case: "all", value: false } } },
        },
      }),
    fails: invalid(
      "invalid SetExecutionRequest.Condition: embedded message failed validation | caused by: invalid Condition.Request: embedded message failed validation | caused by: invalid RequestExecution.All: value must equal true",
    ),
  }),
  row({
    rpc: "action.setExecution",
    name: "rejects an unknown target with COMMAND-17e8fq1ggk",
    call: (c) => c.action.setExecution({ condition: methodCondition(userAdded), targets: ["999"] }),
    fails: {
      code: Code.NotFound,
      id: "COMMAND-17e8fq1ggk",
      message: "Target not found (COMMAND-17e8fq1ggk)",
    },
  }),
  row({
    rpc: "action.setExecution",
    name: "answers the last change date when the targets are unchanged",
    setup: async (c) => {
      const t = await makeTarget(c);
      const first = await c.action.setExecution({
        condition: methodCondition(userAdded),
        targets: [t],
      });
      return { t, first };
    },
    call: (c, v) =>
      c.action.setExecution({ condition: methodCondition(userAdded), targets: [v.t] }),
    check: (r, v) => expect(timestampMs(r.setDate!)).toBe(timestampMs(v.first.setDate!)),
  }),
  row({
    rpc: "action.setExecution",
    name: "stores a group with the .* suffix and hides executions without targets",
    setup: (c) => makeTarget(c),
    call: async (c, t) => {
      const group = {
        conditionType: {
          case: "event" as const,
          value: { condition: { case: "group" as const, value: "user" } },
        },
      };
      await c.action.setExecution({ condition: group, targets: [t] });
      const before = await c.action.listExecutions({});
      await c.action.setExecution({ condition: group, targets: [] });
      return { before, after: await c.action.listExecutions({}) };
    },
    check: (r) => {
      expect(r.before.executions[0]!.condition?.conditionType).toMatchObject({
        case: "event",
        value: { condition: { case: "group", value: "user.*" } },
      });
      expect(r.after.executions).toEqual([]);
      expect(r.after.pagination?.totalResult).toBe(0n);
    },
  }),
  // ---------------------------------------------------------------- ListExecutions
  row({
    rpc: "action.listExecutions",
    name: "filters by execution type, target and conditions; sorts by id",
    setup: async (c) => {
      const t1 = await makeTarget(c);
      const t2 = await makeTarget(c);
      await c.action.setExecution({ condition: methodCondition(userAdded), targets: [t1] });
      await c.action.setExecution({
        condition: { conditionType: { case: "function", value: { name: "preaccesstoken" } } },
        targets: [t2],
      });
      await c.action.setExecution({
        condition: {
          conditionType: { case: "event", value: { condition: { case: "all", value: true } } },
        },
        targets: [t1, t2],
      });
      return { t1, t2 };
    },
    call: (c) =>
      c.action.listExecutions({ sortingColumn: ExecutionFieldName.ID, pagination: { asc: true } }),
    check: async (r, v, c) => {
      expect(r.executions.map((e) => e.condition?.conditionType.case)).toEqual([
        "event",
        "function",
        "request",
      ]);
      const fns = await c.action.listExecutions({
        filters: [
          {
            filter: {
              case: "executionTypeFilter",
              value: { executionType: ExecutionType.FUNCTION },
            },
          },
        ],
      });
      expect(fns.executions.map((e) => e.targets)).toEqual([[v.t2]]);
      const withT1 = await c.action.listExecutions({
        filters: [{ filter: { case: "targetFilter", value: { targetId: v.t1 } } }],
      });
      expect(withT1.pagination?.totalResult).toBe(2n);
      const byCondition = await c.action.listExecutions({
        filters: [
          {
            filter: {
              case: "inConditionsFilter",
              value: { conditions: [methodCondition(userAdded)] },
            },
          },
        ],
      });
      expect(byCondition.executions.map((e) => e.targets)).toEqual([[v.t1]]);
    },
  }),
  row({
    rpc: "action.listExecutions",
    name: "matches nothing (no error) for a condition filter naming an unknown method",
    setup: async (c) => {
      const t = await makeTarget(c);
      await c.action.setExecution({ condition: methodCondition(userAdded), targets: [t] });
    },
    call: (c) =>
      c.action.listExecutions({
        filters: [
          {
            filter: {
              case: "inConditionsFilter",
              value: { conditions: [methodCondition("/acme.Nope/Nope")] },
            },
          },
        ],
      }),
    check: (r) => {
      expect(r.executions).toEqual([]);
      expect(r.pagination?.totalResult).toBe(0n);
    },
  }),
  row({
    rpc: "action.listExecutions",
    name: "fails with UNKNOWN and no id on an empty condition list",
    call: (c) =>
      c.action.listExecutions({
        filters: [{ filter: { case: "inConditionsFilter", value: { conditions: [] } } }],
      }),
    fails: { code: Code.Unknown, id: null, message: "values array must not be empty" },
  }),
  row({
    rpc: "action.listExecutions",
    name: "rejects a limit above 1000 with QUERY-4M0fs",
    call: (c) => c.action.listExecutions({ pagination: { limit: 5000 } }),
    fails: { code: Code.InvalidArgument, id: "QUERY-4M0fs" },
  }),
  row({
    rpc: "action.listExecutions",
    name: "rejects a filter without a kind by proto rule",
    call: (c) => c.action.listExecutions({ filters: [{}] }),
    fails: invalid(
      "invalid ListExecutionsRequest.Filters[0]: embedded message failed validation | caused by: invalid ExecutionSearchFilter.Filter: value is required",
    ),
  }),
  // ---------------------------------------------------------------- listings
  row({
    rpc: "action.listExecutionFunctions",
    name: "lists the three functions, sorted",
    call: (c) => c.action.listExecutionFunctions({}),
    check: (r) => expect(r.functions).toEqual(["preaccesstoken", "presamlresponse", "preuserinfo"]),
  }),
  row({
    rpc: "action.listExecutionMethods",
    name: "lists method paths sorted, v2 services included",
    call: (c) => c.action.listExecutionMethods({}),
    check: (r) => {
      expect(r.methods).toEqual([...r.methods].sort());
      expect(r.methods).toContain("/zitadel.session.v2.SessionService/ListSessions");
      expect(r.methods).toContain("/zitadel.action.v2.ActionService/CreateTarget");
      expect(r.methods).toContain(userAdded);
      expect(r.methods.every((m) => /^\/[\w.]+\/\w+$/.test(m))).toBe(true);
    },
  }),
  row({
    rpc: "action.listExecutionServices",
    name: "lists service names sorted",
    call: (c) => c.action.listExecutionServices({}),
    check: (r) => {
      expect(r.services).toEqual([...r.services].sort());
      expect(r.services).toEqual(
        expect.arrayContaining(["zitadel.user.v2.UserService", "zitadel.action.v2.ActionService"]),
      );
    },
  }),
  // ---------------------------------------------------------------- v1 CreateAction
  row({
    rpc: "management.createAction",
    name: "creates an active action in the default org",
    call: (c) =>
      c.management.createAction({
        name: "a1",
        script: "function a1() {}",
        timeout: { seconds: 5n },
      }),
    check: async (r, _v, c) => {
      expect(r.id).toMatch(/^\d{18}$/);
      expect(r.details?.resourceOwner).toBe("100000000000000001");
      const a = (await c.management.getAction({ id: r.id })).action!;
      expect(a).toMatchObject({ name: "a1", state: ActionState.ACTIVE, allowedToFail: false });
    },
  }),
  row({
    rpc: "management.createAction",
    name: "rejects a name taken in the same org with V3-DKcYh, allows it in another",
    setup: async (c) => {
      await makeAction(c, "dup");
      return makeAction(c, "dup", "200000000000000002");
    },
    call: () => Promise.resolve(),
    check: async (_r, _v, c) => {
      await expect(makeAction(c, "dup")).rejects.toMatchObject({ code: Code.AlreadyExists });
    },
  }),
  row({
    rpc: "management.createAction",
    name: "rejects a duplicate name with ALREADY_EXISTS V3-DKcYh",
    setup: (c) => makeAction(c, "twice"),
    call: (c) => makeAction(c, "twice"),
    fails: { code: Code.AlreadyExists, id: "V3-DKcYh" },
  }),
  row({
    rpc: "management.createAction",
    name: "rejects an empty name by proto rule",
    call: (c) => c.management.createAction({ name: "", script: "x" }),
    fails: invalid(
      "invalid CreateActionRequest.Name: value length must be between 1 and 200 runes, inclusive",
    ),
  }),
  row({
    rpc: "management.createAction",
    name: "rejects a script above 40000 bytes by proto rule",
    call: (c) => c.management.createAction({ name: "big", script: "é".repeat(20_001) }),
    fails: invalid("invalid CreateActionRequest.Script: value length must be at most 40000 bytes"),
  }),
  row({
    rpc: "management.createAction",
    name: "rejects a timeout above 20s by proto rule",
    call: (c) =>
      c.management.createAction({ name: "slow", script: "x", timeout: { seconds: 21n } }),
    fails: invalid("invalid CreateActionRequest.Timeout: value must be inside range [0s, 20s]"),
  }),
  // ---------------------------------------------------------------- v1 GetAction
  row({
    rpc: "management.getAction",
    name: "answers NOT_FOUND QUERY-GEfnb for an unknown or foreign action",
    setup: (c) => makeAction(c, "elsewhere", "200000000000000002"),
    call: (c, id) => c.management.getAction({ id }),
    fails: { code: Code.NotFound, id: "QUERY-GEfnb", message: "Action not found (QUERY-GEfnb)" },
  }),
  row({
    rpc: "management.getAction",
    name: "reads an unset timeout back as 20s",
    setup: async (c) => (await c.management.createAction({ name: "t", script: "x" })).id,
    call: (c, id) => c.management.getAction({ id }),
    check: (r) => expect(r.action?.timeout).toMatchObject({ seconds: 20n, nanos: 0 }),
  }),
  // ---------------------------------------------------------------- v1 UpdateAction
  row({
    rpc: "management.updateAction",
    name: "replaces every field",
    setup: (c) => makeAction(c, "u1"),
    call: (c, id) =>
      c.management.updateAction({
        id,
        name: "u2",
        script: "function u2() {}",
        timeout: { seconds: 3n },
        allowedToFail: true,
      }),
    check: async (r, id, c) => {
      expect(r.details?.changeDate).toBeDefined();
      expect((await c.management.getAction({ id })).action).toMatchObject({
        name: "u2",
        allowedToFail: true,
      });
    },
  }),
  row({
    rpc: "management.updateAction",
    name: "rejects an unchanged update with ACTION-dg4t2",
    setup: (c) => makeAction(c, "same"),
    call: (c, id) =>
      c.management.updateAction({
        id,
        name: "same",
        script: "function same(ctx, api) {}",
        timeout: { seconds: 5n },
      }),
    fails: {
      code: Code.FailedPrecondition,
      id: "ACTION-dg4t2",
      message: "No changes (ACTION-dg4t2)",
    },
  }),
  row({
    rpc: "management.updateAction",
    name: "answers NOT_FOUND COMMAND-Sfg2t for an unknown id",
    call: (c) => c.management.updateAction({ id: "5", name: "x", script: "x" }),
    fails: { code: Code.NotFound, id: "COMMAND-Sfg2t" },
  }),
  row({
    rpc: "management.updateAction",
    name: "rejects renaming to a taken name with V3-DKcYh",
    setup: async (c) => {
      await makeAction(c, "first");
      return makeAction(c, "second");
    },
    call: (c, id) => c.management.updateAction({ id, name: "first", script: "x" }),
    fails: { code: Code.AlreadyExists, id: "V3-DKcYh" },
  }),
  // ---------------------------------------------------------------- v1 Deactivate/Reactivate
  row({
    rpc: "management.deactivateAction",
    name: "deactivates an active action",
    setup: (c) => makeAction(c, "d"),
    call: (c, id) => c.management.deactivateAction({ id }),
    check: async (_r, id, c) =>
      expect((await c.management.getAction({ id })).action?.state).toBe(ActionState.INACTIVE),
  }),
  row({
    rpc: "management.deactivateAction",
    name: "rejects an inactive action with COMMAND-Dgj92",
    setup: async (c) => {
      const id = await makeAction(c, "d");
      await c.management.deactivateAction({ id });
      return id;
    },
    call: (c, id) => c.management.deactivateAction({ id }),
    fails: {
      code: Code.FailedPrecondition,
      id: "COMMAND-Dgj92",
      message: "Action is not active (COMMAND-Dgj92)",
    },
  }),
  row({
    rpc: "management.deactivateAction",
    name: "answers NOT_FOUND COMMAND-NRmhu for an unknown id",
    call: (c) => c.management.deactivateAction({ id: "8" }),
    fails: { code: Code.NotFound, id: "COMMAND-NRmhu" },
  }),
  row({
    rpc: "management.deactivateAction",
    name: "rejects an empty id with COMMAND-DAhk5",
    call: (c) => c.management.deactivateAction({ id: "" }),
    fails: { code: Code.InvalidArgument, id: "COMMAND-DAhk5" },
  }),
  row({
    rpc: "management.reactivateAction",
    name: "reactivates an inactive action",
    setup: async (c) => {
      const id = await makeAction(c, "r");
      await c.management.deactivateAction({ id });
      return id;
    },
    call: (c, id) => c.management.reactivateAction({ id }),
    check: async (_r, id, c) =>
      expect((await c.management.getAction({ id })).action?.state).toBe(ActionState.ACTIVE),
  }),
  row({
    rpc: "management.reactivateAction",
    name: "rejects an active action with COMMAND-J53zh",
    setup: (c) => makeAction(c, "r"),
    call: (c, id) => c.management.reactivateAction({ id }),
    fails: { code: Code.FailedPrecondition, id: "COMMAND-J53zh" },
  }),
  row({
    rpc: "management.reactivateAction",
    name: "answers NOT_FOUND COMMAND-Aa22g for an unknown id",
    call: (c) => c.management.reactivateAction({ id: "8" }),
    fails: { code: Code.NotFound, id: "COMMAND-Aa22g" },
  }),
  // ---------------------------------------------------------------- v1 DeleteAction
  row({
    rpc: "management.deleteAction",
    name: "deletes an action and removes it from flow triggers",
    setup: async (c) => {
      const keep = await makeAction(c, "keep");
      const gone = await makeAction(c, "gone");
      await c.management.setTriggerActions({
        flowType: "2",
        triggerType: "5",
        actionIds: [gone, keep],
      });
      return { keep, gone };
    },
    call: (c, v) => c.management.deleteAction({ id: v.gone }),
    check: async (_r, v, c) => {
      const flow = (await c.management.getFlow({ type: "2" })).flow!;
      expect(flow.triggerActions.map((t) => t.actions.map((a) => a.id))).toEqual([[v.keep]]);
    },
  }),
  row({
    rpc: "management.deleteAction",
    name: "answers NOT_FOUND COMMAND-Dgh4h for an unknown id",
    call: (c) => c.management.deleteAction({ id: "8" }),
    fails: { code: Code.NotFound, id: "COMMAND-Dgh4h" },
  }),
  // ---------------------------------------------------------------- v1 ListActions
  row({
    rpc: "management.listActions",
    name: "filters by name and state within the org, with totals",
    setup: async (c) => {
      const a = await makeAction(c, "loginHook");
      const b = await makeAction(c, "LOGOUTHOOK");
      const d = await makeAction(c, "tokenHook");
      await makeAction(c, "loginHook", "200000000000000002");
      await c.management.deactivateAction({ id: d });
      return { a, b, d };
    },
    call: (c) =>
      c.management.listActions({
        queries: [
          {
            query: {
              case: "actionNameQuery",
              value: { name: "LOG", method: TextQueryMethod.STARTS_WITH_IGNORE_CASE },
            },
          },
        ],
      }),
    check: async (r, v, c) => {
      expect(r.result.map((a) => a.id)).toEqual([v.a, v.b]);
      expect(r.details?.totalResult).toBe(2n);
      const inactive = await c.management.listActions({
        queries: [{ query: { case: "actionStateQuery", value: { state: ActionState.INACTIVE } } }],
      });
      expect(inactive.result.map((a) => a.id)).toEqual([v.d]);
      const paged = await c.management.listActions({ query: { offset: 1n, limit: 1 } });
      expect(paged.result.map((a) => a.id)).toEqual([v.b]);
      expect(paged.details?.totalResult).toBe(3n);
    },
  }),
  row({
    rpc: "management.listActions",
    name: "rejects a limit above 1000 with QUERY-4M0fs",
    call: (c) => c.management.listActions({ query: { limit: 1001 } }),
    fails: { code: Code.InvalidArgument, id: "QUERY-4M0fs" },
  }),
  row({
    rpc: "management.listActions",
    name: "rejects a query without a kind by proto rule",
    call: (c) => c.management.listActions({ queries: [{}] }),
    fails: invalid(
      "invalid ListActionsRequest.Queries[0]: embedded message failed validation | caused by: invalid ActionQuery.Query: value is required",
    ),
  }),
  // ---------------------------------------------------------------- v1 flows
  row({
    rpc: "management.listFlowTypes",
    name: "lists the four flow types in order",
    call: (c) => c.management.listFlowTypes({}),
    check: (r) => {
      expect(r.result.map((f) => f.id)).toEqual(["1", "2", "3", "4"]);
      expect(r.result[0]!.name).toMatchObject({ key: "Action.Flow.Type.ExternalAuthentication" });
    },
  }),
  row({
    rpc: "management.listFlowTriggerTypes",
    name: "lists the triggers allowed for Complement Token",
    call: (c) => c.management.listFlowTriggerTypes({ type: "2" }),
    check: (r) => expect(r.result.map((t) => t.id)).toEqual(["4", "5"]),
  }),
  row({
    rpc: "management.listFlowTriggerTypes",
    name: "answers NOT_FOUND MANAG-P2OBk for an unknown flow type",
    call: (c) => c.management.listFlowTriggerTypes({ type: "9" }),
    fails: { code: Code.NotFound, id: "MANAG-P2OBk" },
  }),
  row({
    rpc: "management.getFlow",
    name: "returns an empty, active flow when nothing is set",
    call: (c) => c.management.getFlow({ type: "FLOW_TYPE_EXTERNAL_AUTHENTICATION" }),
    check: (r) => {
      expect(r.flow?.type?.id).toBe("1");
      expect(r.flow?.state).toBe(2);
      expect(r.flow?.triggerActions).toEqual([]);
    },
  }),
  row({
    rpc: "management.setTriggerActions",
    name: "sets the ordered actions of a trigger, per org",
    setup: async (c) => ({ a: await makeAction(c, "a"), b: await makeAction(c, "b") }),
    call: (c, v) =>
      c.management.setTriggerActions({
        flowType: "1",
        triggerType: "TRIGGER_TYPE_PRE_CREATION",
        actionIds: [v.b, v.a],
      }),
    check: async (_r, v, c) => {
      const flow = (await c.management.getFlow({ type: "1" })).flow!;
      expect(flow.triggerActions).toHaveLength(1);
      expect(flow.triggerActions[0]!.triggerType?.id).toBe("2");
      expect(flow.triggerActions[0]!.actions.map((a) => a.id)).toEqual([v.b, v.a]);
      expect((await c.management.getFlow({ type: "1" }, org2)).flow!.triggerActions).toEqual([]);
    },
  }),
  row({
    rpc: "management.setTriggerActions",
    name: "rejects a trigger not allowed for the flow with COMMAND-Dfgh6",
    call: (c) => c.management.setTriggerActions({ flowType: "2", triggerType: "1", actionIds: [] }),
    fails: { code: Code.InvalidArgument, id: "COMMAND-Dfgh6" },
  }),
  row({
    rpc: "management.setTriggerActions",
    name: "rejects an unknown flow type with COMMAND-Dfhj5",
    call: (c) => c.management.setTriggerActions({ flowType: "0", triggerType: "1", actionIds: [] }),
    fails: { code: Code.InvalidArgument, id: "COMMAND-Dfhj5" },
  }),
  row({
    rpc: "management.setTriggerActions",
    name: "rejects an unchanged list (also empty on unset) with COMMAND-Nfh52",
    call: (c) => c.management.setTriggerActions({ flowType: "4", triggerType: "6", actionIds: [] }),
    fails: { code: Code.FailedPrecondition, id: "COMMAND-Nfh52" },
  }),
  row({
    rpc: "management.setTriggerActions",
    name: "rejects actions of another org with COMMAND-dg422",
    setup: (c) => makeAction(c, "foreign", "200000000000000002"),
    call: (c, id) =>
      c.management.setTriggerActions({ flowType: "2", triggerType: "4", actionIds: [id] }),
    fails: { code: Code.FailedPrecondition, id: "COMMAND-dg422" },
  }),
  row({
    rpc: "management.clearFlow",
    name: "clears a flow; then it is empty",
    setup: async (c) => {
      const a = await makeAction(c, "a");
      await c.management.setTriggerActions({ flowType: "3", triggerType: "1", actionIds: [a] });
    },
    call: (c) => c.management.clearFlow({ type: "3" }),
    check: async (r, _v, c) => {
      expect(r.details?.changeDate).toBeDefined();
      expect((await c.management.getFlow({ type: "3" })).flow!.triggerActions).toEqual([]);
      await expect(c.management.clearFlow({ type: "3" })).rejects.toMatchObject({
        code: Code.FailedPrecondition,
      });
    },
  }),
  row({
    rpc: "management.clearFlow",
    name: "rejects an empty flow with COMMAND-DgGh3",
    call: (c) => c.management.clearFlow({ type: "1" }),
    fails: {
      code: Code.FailedPrecondition,
      id: "COMMAND-DgGh3",
      message: "Flow is already empty (COMMAND-DgGh3)",
    },
  }),
  row({
    rpc: "management.clearFlow",
    name: "rejects an unknown flow type with COMMAND-Dfw2h",
    call: (c) => c.management.clearFlow({ type: "x" }),
    fails: { code: Code.InvalidArgument, id: "COMMAND-Dfw2h" },
  }),
];

export type { BehaviourCase, Failure };
export { behaviourCases, expectFailure };
