/**
 * Target public keys: the keys ZITADEL encrypts JWE payloads to. PEM strings in and out.
 *
 * @module
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions, Client } from "@connectrpc/connect";
import type {
  ActionService,
  AddPublicKeyRequest,
  AddPublicKeyResponse,
  ListPublicKeysRequest,
  RemovePublicKeyRequest,
} from "../gen/zitadel/action/v2/action_service_pb.js";
import {
  type PublicKeyFieldName,
  PublicKeyFieldNameSchema,
  type PublicKeySearchFilterSchema,
} from "../gen/zitadel/action/v2/query_pb.js";
import type { PublicKey as GenPublicKey } from "../gen/zitadel/action/v2/target_pb.js";
import { TimestampFilterMethodSchema } from "../gen/zitadel/filter/v2/filter_pb.js";
import { type EnumInput, enumFromInput, upperSnake } from "./enums.js";
import { invalidArgument } from "./errors.js";
import { requireId, requireIds, withSignal } from "./internal/call.js";
import { type PageQuery, type Paginated, paginate } from "./pagination.js";
import { dateOrUndefined, type TimestampInput, timestampFromInput } from "./timestamp.js";

/**
 * A target public key as the facade returns it: the key as a PEM string and dates as `Date`.
 */
type PublicKey = Omit<
  GenPublicKey,
  "$typeName" | "$unknown" | "publicKey" | "expirationDate" | "creationDate" | "changeDate"
> & {
  /** The key in PEM form (`-----BEGIN PUBLIC KEY-----` …). */
  publicKey: string;
  /** When the key stops being used; `undefined` means never. */
  expirationDate: Date | undefined;
  creationDate: Date | undefined;
  changeDate: Date | undefined;
};

/**
 * Input of `addPublicKey`: the target, the key (a PEM string or its bytes) and an optional expiry.
 */
type AddPublicKeyInput = Pick<AddPublicKeyRequest, "targetId"> & {
  /** An RSA or EC public key, PEM `PUBLIC KEY` block (SPKI), as a string or bytes. */
  publicKey: string | Uint8Array;
  /** When the key stops being used; must be in the future. */
  expirationDate?: TimestampInput;
};

/**
 * Result of `addPublicKey`: the new key's id (the JWE `kid`) and creation date.
 */
type AddPublicKeyResult = Pick<AddPublicKeyResponse, "keyId"> & { creationDate: Date | undefined };

/**
 * Input of `activatePublicKey`, `deactivatePublicKey` and `removePublicKey`.
 */
type PublicKeyRef = Pick<RemovePublicKeyRequest, "targetId" | "keyId">;

/**
 * A time comparison for the `expiration` filter: exactly one of `before`, `beforeOrEquals`,
 * `after`, `afterOrEquals` or `equals`.
 */
type TimestampMatch =
  | { before: TimestampInput }
  | { beforeOrEquals: TimestampInput }
  | { after: TimestampInput }
  | { afterOrEquals: TimestampInput }
  | { equals: TimestampInput };

/**
 * Query of `listPublicKeys`: the target, paging, sort and friendly filters (AND-combined).
 */
type ListPublicKeysQuery = Pick<ListPublicKeysRequest, "targetId"> &
  PageQuery & {
    /** Sort ascending (default false). */
    asc?: boolean;
    /** Sort column: `"CREATION_DATE"`, `"CHANGE_DATE"` or `"EXPIRATION_DATE"`. */
    sortBy?: EnumInput<typeof PublicKeyFieldName>;
    /** Only these key ids. */
    ids?: string[];
    /** Only active (`true`) or inactive (`false`) keys. */
    active?: boolean;
    /** Only keys whose expiration date matches. */
    expiration?: TimestampMatch;
  };

/**
 * The public-key methods of `ActionsClient`.
 */
interface PublicKeyMethods {
  /** Add an (inactive) public key to a target; resolves to its key id. */
  addPublicKey(input: AddPublicKeyInput, options?: CallOptions): Promise<AddPublicKeyResult>;
  /** Activate a key; the previously active key of the target is deactivated. */
  activatePublicKey(
    input: PublicKeyRef,
    options?: CallOptions,
  ): Promise<{ changeDate: Date | undefined }>;
  /** Deactivate a key. */
  deactivatePublicKey(
    input: PublicKeyRef,
    options?: CallOptions,
  ): Promise<{ changeDate: Date | undefined }>;
  /** Remove an inactive key; removing an unknown key succeeds. */
  removePublicKey(
    input: PublicKeyRef,
    options?: CallOptions,
  ): Promise<{ deletionDate: Date | undefined }>;
  /** List a target's public keys page by page. */
  listPublicKeys(query: ListPublicKeysQuery, options?: CallOptions): Paginated<PublicKey>;
}

type PublicKeyFilterInit = MessageInitShape<typeof PublicKeySearchFilterSchema>;
const timestampOperators = [
  "before",
  "beforeOrEquals",
  "after",
  "afterOrEquals",
  "equals",
] as const;
const maxKeyBytes = 8192;

/**
 * Create the public-key methods over the generated ActionService client.
 */
function createPublicKeyMethods(action: Client<typeof ActionService>): PublicKeyMethods {
  return {
    async addPublicKey(input, options) {
      const targetId = requireId(input?.targetId, "targetId");
      const publicKey = pemToBytes(input.publicKey, "publicKey");
      const expirationDate =
        input.expirationDate === undefined
          ? undefined
          : timestampFromInput(input.expirationDate, "expirationDate");
      const response = await action.addPublicKey({ targetId, publicKey, expirationDate }, options);
      return { keyId: response.keyId, creationDate: dateOrUndefined(response.creationDate) };
    },
    async activatePublicKey(input, options) {
      const response = await action.activatePublicKey(keyRef(input), options);
      return { changeDate: dateOrUndefined(response.changeDate) };
    },
    async deactivatePublicKey(input, options) {
      const response = await action.deactivatePublicKey(keyRef(input), options);
      return { changeDate: dateOrUndefined(response.changeDate) };
    },
    async removePublicKey(input, options) {
      const response = await action.removePublicKey(keyRef(input), options);
      return { deletionDate: dateOrUndefined(response.deletionDate) };
    },
    listPublicKeys(query, options) {
      return paginate({
        query: query ?? {},
        signal: options?.signal,
        key: (key) => key.keyId,
        prepare() {
          const targetId = requireId(query?.targetId, "targetId");
          const filters = publicKeyFilters(query);
          const sortingColumn =
            query.sortBy === undefined
              ? undefined
              : enumFromInput(PublicKeyFieldNameSchema, query.sortBy, "sortBy");
          return async (window, signal) => {
            const response = await action.listPublicKeys(
              {
                targetId,
                pagination: { ...window, asc: query.asc ?? false },
                sortingColumn,
                filters,
              },
              withSignal(options, signal),
            );
            return {
              items: response.publicKeys.map(publicKeyFromMessage),
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
 * Return the bytes ZITADEL expects for a public key given as a PEM string or bytes.
 */
function pemToBytes(input: string | Uint8Array, field: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof input === "string") {
    if (!input.includes("-----BEGIN ")) {
      throw invalidArgument(field, "must be a PEM block (-----BEGIN PUBLIC KEY-----) or its bytes");
    }
    bytes = new TextEncoder().encode(input);
  } else if (input instanceof Uint8Array) {
    bytes = input;
  } else {
    throw invalidArgument(field, "must be a PEM string or a Uint8Array");
  }
  if (bytes.length < 1 || bytes.length > maxKeyBytes) {
    throw invalidArgument(field, `must be 1 to ${maxKeyBytes} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * Return a public key's bytes as the PEM string they hold.
 */
function bytesToPem(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/**
 * Return the friendly form of a generated `PublicKey` message.
 */
function publicKeyFromMessage(message: GenPublicKey): PublicKey {
  return {
    keyId: message.keyId,
    active: message.active,
    publicKey: bytesToPem(message.publicKey),
    fingerprint: message.fingerprint,
    expirationDate: dateOrUndefined(message.expirationDate),
    creationDate: dateOrUndefined(message.creationDate),
    changeDate: dateOrUndefined(message.changeDate),
  };
}

function keyRef(input: PublicKeyRef): { targetId: string; keyId: string } {
  return {
    targetId: requireId(input?.targetId, "targetId"),
    keyId: requireId(input?.keyId, "keyId"),
  };
}

function publicKeyFilters(query: ListPublicKeysQuery): PublicKeyFilterInit[] {
  const filters: PublicKeyFilterInit[] = [];
  if (query.ids !== undefined) {
    filters.push({
      filter: { case: "keyIdsFilter", value: { ids: requireIds(query.ids, "ids") } },
    });
  }
  if (query.active !== undefined) {
    if (typeof query.active !== "boolean") {
      throw invalidArgument("active", "must be a boolean");
    }
    filters.push({ filter: { case: "activeFilter", value: query.active } });
  }
  if (query.expiration !== undefined) {
    const match = query.expiration as Record<string, TimestampInput | undefined>;
    const used = timestampOperators.filter((op) => match?.[op] !== undefined);
    if (used.length !== 1) {
      throw invalidArgument(
        "expiration",
        `must have exactly one of ${timestampOperators.join(", ")}`,
      );
    }
    const op = used[0]!;
    const timestamp = timestampFromInput(match[op]!, `expiration.${op}`);
    const method = enumFromInput(TimestampFilterMethodSchema, upperSnake(op), "expiration");
    filters.push({ filter: { case: "expirationDateFilter", value: { timestamp, method } } });
  }
  return filters;
}

export type {
  AddPublicKeyInput,
  AddPublicKeyResult,
  ListPublicKeysQuery,
  PublicKey,
  PublicKeyMethods,
  PublicKeyRef,
  TimestampMatch,
};
export { bytesToPem, createPublicKeyMethods, pemToBytes, publicKeyFromMessage };
