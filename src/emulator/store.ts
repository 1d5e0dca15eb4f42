import { randomInt } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { type Duration, type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import type { Condition } from "../../gen/zitadel/action/v2/execution_pb.js";
import type { PayloadType } from "../../gen/zitadel/action/v2/target_pb.js";
import type { ActionState } from "../../gen/zitadel/action_pb.js";

/** Nanoseconds since the Unix epoch; every stored change gets a distinct, increasing one. */
type Nanos = bigint;

/** One stored v2 target. */
interface TargetRecord {
  id: string;
  name: string;
  endpoint: string;
  type: "restWebhook" | "restCall" | "restAsync";
  interruptOnError: boolean;
  timeout: Duration | undefined;
  payloadType: PayloadType;
  signingKey: string;
  created: Nanos;
  changed: Nanos;
  keys: PublicKeyRecord[];
}

/** One public key of a target. */
interface PublicKeyRecord {
  keyId: string;
  active: boolean;
  pem: Uint8Array;
  fingerprint: string;
  expiration: Nanos | undefined;
  created: Nanos;
  changed: Nanos;
}

/** One stored execution (keyed by its condition id, e.g. `request/zitadel.user.v2.UserService`). */
interface ExecutionRecord {
  id: string;
  condition: Condition;
  targets: string[];
  created: Nanos;
  changed: Nanos;
}

/** One v1 action of an organization. */
interface ActionRecord {
  id: string;
  name: string;
  script: string;
  timeout: Duration | undefined;
  allowedToFail: boolean;
  state: ActionState;
  created: Nanos;
  changed: Nanos;
  sequence: bigint;
}

/** The v1 state of one organization. */
interface OrgRecord {
  actions: Map<string, ActionRecord>;
  /** flow type id → trigger type id → ordered action ids. */
  flows: Map<string, Map<string, string[]>>;
  flowChanged: Map<string, { changed: Nanos; sequence: bigint }>;
}

/** The whole in-memory state of an emulator. */
interface Store {
  targets: Map<string, TargetRecord>;
  deletedTargets: Map<string, Nanos>;
  executions: Map<string, ExecutionRecord>;
  orgs: Map<string, OrgRecord>;
  /** Return a fresh, strictly increasing timestamp in nanoseconds. */
  now(): Nanos;
  /** Return the latest timestamp `now()` handed out (every stored change takes one), without taking a new one. */
  lastStamp(): Nanos;
  /** Return a fresh numeric string id (18 digits, increasing). */
  nextId(): string;
  /** Return the next event sequence number. */
  nextSequence(): bigint;
  /** Return the current event sequence number. */
  sequence(): bigint;
  /** Return the org record for an org id, creating it on first use. */
  org(orgId: string): OrgRecord;
  /** Remove everything. */
  clear(): void;
}

/** Create an empty store. */
function createStore(): Store {
  let lastNanos = 0n;
  let lastId = 0n;
  let seq = 0n;
  const store: Store = {
    targets: new Map(),
    deletedTargets: new Map(),
    executions: new Map(),
    orgs: new Map(),
    now() {
      const wall = BigInt(Date.now()) * 1_000_000n;
      lastNanos = wall > lastNanos ? wall : lastNanos + 1000n;
      return lastNanos;
    },
    lastStamp() {
      return lastNanos;
    },
    nextId() {
      const base = BigInt(Date.now()) * 100_000n;
      lastId = base > lastId ? base : lastId + 1n;
      return lastId.toString();
    },
    nextSequence() {
      seq += 1n;
      return seq;
    },
    sequence() {
      return seq;
    },
    org(orgId) {
      let org = store.orgs.get(orgId);
      if (org === undefined) {
        org = { actions: new Map(), flows: new Map(), flowChanged: new Map() };
        store.orgs.set(orgId, org);
      }
      return org;
    },
    clear() {
      store.targets.clear();
      store.deletedTargets.clear();
      store.executions.clear();
      store.orgs.clear();
    },
  };
  return store;
}

/** Convert stored nanoseconds to a Timestamp message. */
function timestampFromNanos(nanos: Nanos): Timestamp {
  return create(TimestampSchema, {
    seconds: nanos / 1_000_000_000n,
    nanos: Number(nanos % 1_000_000_000n),
  });
}

/** Convert a Timestamp message to nanoseconds. */
function nanosFromTimestamp(ts: Timestamp): Nanos {
  return ts.seconds * 1_000_000_000n + BigInt(ts.nanos);
}

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Generate a signing key the way ZITADEL's default generator does: 36 letters and digits. */
function newSigningKey(): string {
  let key = "";
  for (let i = 0; i < 36; i++) key += alphabet[randomInt(alphabet.length)];
  return key;
}

export type {
  ActionRecord,
  ExecutionRecord,
  Nanos,
  OrgRecord,
  PublicKeyRecord,
  Store,
  TargetRecord,
};
export { createStore, nanosFromTimestamp, newSigningKey, timestampFromNanos };
