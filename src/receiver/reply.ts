/**
 * Reply bodies for `call` targets (ZITADEL's `rest_call`): the JSON shapes ZITADEL maps back.
 * For request and response executions, reply with the replacement message as protojson instead.
 *
 * @module
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { base64Encode } from "./bytes.js";

/** Describe a 2xx body that makes ZITADEL fail the call with the given status and message. */
interface ForwardedError {
  /** HTTP status ZITADEL maps to a gRPC code (400-499; other values become FAILED_PRECONDITION). */
  forwardedStatusCode: number;
  /** The message ZITADEL returns to its caller. */
  forwardedErrorMessage: string;
}

/** Describe a user metadata entry to set; a string value is sent as its UTF-8 bytes. */
interface MetadataEntry {
  /** Metadata key. */
  key: string;
  /** Metadata value (ZITADEL stores bytes). */
  value: string | Uint8Array;
}

/** Describe a claim to append to the token or userinfo. */
interface ClaimEntry {
  /** Claim name; names starting with `urn:zitadel:iam` are ignored by ZITADEL. */
  key: string;
  /** Any JSON value. */
  value: JsonValue;
}

/** Describe a SAML attribute to append. */
interface SamlAttribute {
  /** Attribute name. */
  name: string;
  /** Attribute name format (may be empty). */
  nameFormat?: string;
  /** One value or several. */
  value: string | readonly string[];
}

/** Configure `functionReply` (for `preuserinfo` and `preaccesstoken`). */
interface FunctionReplyInput {
  /** Metadata to set on the user, as entries or a key→value record. */
  setUserMetadata?: readonly MetadataEntry[] | Readonly<Record<string, string | Uint8Array>>;
  /** Claims to add (existing claims are not overwritten), as entries or a record. */
  appendClaims?: readonly ClaimEntry[] | Readonly<Record<string, JsonValue>>;
  /** Lines for the action log claim. */
  appendLogClaims?: readonly string[];
}

/** Configure `samlResponseReply` (for `presamlresponse`). */
interface SamlResponseReplyInput {
  /** Metadata to set on the user, as entries or a key→value record. */
  setUserMetadata?: FunctionReplyInput["setUserMetadata"];
  /** Attributes to add to the SAML response. */
  appendAttributes?: readonly SamlAttribute[];
}

/** Describe the wire body of a function reply. */
interface FunctionReply {
  /** Metadata entries, values base64. */
  set_user_metadata?: { key: string; value: string }[];
  /** Claims to append. */
  append_claims?: { key: string; value: JsonValue }[];
  /** Log claim lines. */
  append_log_claims?: string[];
}

/** Describe the wire body of a presamlresponse reply. */
interface SamlResponseReply {
  /** Metadata entries, values base64. */
  set_user_metadata?: { key: string; value: string }[];
  /** Attributes to append. */
  append_attribute?: { name: string; name_format: string; value: string[] }[];
}

const encoder = new TextEncoder();

function metadataEntries(
  input: FunctionReplyInput["setUserMetadata"],
): { key: string; value: string }[] | undefined {
  if (input === undefined) return undefined;
  const entries: readonly MetadataEntry[] = Array.isArray(input)
    ? (input as readonly MetadataEntry[])
    : Object.entries(input as Record<string, string | Uint8Array>).map(([key, value]) => ({
        key,
        value,
      }));
  return entries.map(({ key, value }) => {
    if (typeof key !== "string" || key === "") {
      throw new TypeError("setUserMetadata: every key must be a non-empty string");
    }
    const bytes = typeof value === "string" ? encoder.encode(value) : value;
    return { key, value: base64Encode(bytes) };
  });
}

/**
 * Build the body that makes ZITADEL fail the current call with `statusCode` and `message`
 * (answer it with HTTP 200). ZITADEL maps 400-499 to gRPC codes; anything else becomes
 * FAILED_PRECONDITION.
 */
function forwardError(statusCode: number, message: string): ForwardedError {
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new TypeError("forwardError: statusCode must be an integer HTTP status (100-599)");
  }
  return { forwardedStatusCode: statusCode, forwardedErrorMessage: message };
}

/**
 * Build the reply for a `preuserinfo` or `preaccesstoken` function: metadata, claims, log lines.
 */
function functionReply(input: FunctionReplyInput): FunctionReply {
  const reply: FunctionReply = {};
  const metadata = metadataEntries(input.setUserMetadata);
  if (metadata !== undefined) reply.set_user_metadata = metadata;
  if (input.appendClaims !== undefined) {
    reply.append_claims = Array.isArray(input.appendClaims)
      ? (input.appendClaims as readonly ClaimEntry[]).map(({ key, value }) => ({ key, value }))
      : Object.entries(input.appendClaims as Record<string, JsonValue>).map(([key, value]) => ({
          key,
          value,
        }));
  }
  if (input.appendLogClaims !== undefined) reply.append_log_claims = [...input.appendLogClaims];
  return reply;
}

/**
 * Build the reply for a `presamlresponse` function: metadata and SAML attributes.
 */
function samlResponseReply(input: SamlResponseReplyInput): SamlResponseReply {
  const reply: SamlResponseReply = {};
  const metadata = metadataEntries(input.setUserMetadata);
  if (metadata !== undefined) reply.set_user_metadata = metadata;
  if (input.appendAttributes !== undefined) {
    reply.append_attribute = input.appendAttributes.map((a) => ({
      name: a.name,
      name_format: a.nameFormat ?? "",
      value: typeof a.value === "string" ? [a.value] : [...a.value],
    }));
  }
  return reply;
}

export type {
  ClaimEntry,
  ForwardedError,
  FunctionReply,
  FunctionReplyInput,
  MetadataEntry,
  SamlAttribute,
  SamlResponseReply,
  SamlResponseReplyInput,
};
export { forwardError, functionReply, samlResponseReply };
