/**
 * The typed payloads ZITADEL posts to targets, and their classification from the decoded JSON.
 * Field names are ZITADEL's wire names; `kind` and `format` (and `functionName`) are ours.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { base64Decode, utf8Text } from "./bytes.js";
import { ReceiverError } from "./receiver-error.js";

/** Tell how the body was encoded: plain JSON, a signed JWT, or a JWT encrypted as JWE. */
type PayloadFormat = "json" | "jwt" | "jwe";

/** Tell which kind of execution produced the call. */
type PayloadKind = "request" | "response" | "function" | "event";

/** Describe the fields of a call made for a request or response execution. */
interface ApiCallFields<TRequest = JsonObject> {
  /** How the body was encoded. */
  format: PayloadFormat;
  /** The gRPC method, e.g. `/zitadel.user.v2.UserService/AddHumanUser`. */
  fullMethod: string;
  /** Instance of the call. */
  instanceID?: string;
  /** Organization of the calling context. */
  orgID?: string;
  /** Project of the calling application. */
  projectID?: string;
  /** The calling user. */
  userID?: string;
  /** The request message as protojson (lowerCamelCase; older ZITADEL releases sent snake_case). */
  request: TRequest;
  /** Forwarded request headers (Content-Type, X-Forwarded-For, X-Forwarded-Host, Host, Origin). */
  headers?: Record<string, string[]>;
}

/** Describe a call for a request execution; a `call` target may reply with a replacement request. */
interface RequestPayload<TRequest = JsonObject> extends ApiCallFields<TRequest> {
  /** Discriminator. */
  kind: "request";
}

/** Describe a call for a response execution; a `call` target may reply with a replacement response. */
interface ResponsePayload<TRequest = JsonObject, TResponse = JsonObject>
  extends ApiCallFields<TRequest> {
  /** Discriminator. */
  kind: "response";
  /** The response message as protojson. */
  response: TResponse;
}

/** Describe a call for a function execution (`preuserinfo`, `preaccesstoken`, `presamlresponse`). */
interface FunctionPayload {
  /** Discriminator. */
  kind: "function";
  /** How the body was encoded. */
  format: PayloadFormat;
  /** The function as ZITADEL names it on the wire, e.g. `function/preuserinfo`. */
  function: string;
  /** The function without the `function/` prefix, e.g. `preuserinfo`. */
  functionName: string;
  /** The userinfo being built (OIDC functions). */
  userinfo?: JsonObject;
  /** The user. */
  user?: JsonObject;
  /** The user's metadata entries (values base64). */
  user_metadata?: JsonObject[];
  /** The user's organization. */
  org?: JsonObject;
  /** The user's grants. */
  user_grants?: JsonObject[];
  /** The OIDC application, e.g. `{ client_id }`. */
  application?: JsonObject;
  /** The acting user when the token came from token exchange or impersonation. */
  actor?: JsonObject;
}

/** Describe a call for an event execution (delivered asynchronously; the reply is ignored). */
interface EventPayload<TEvent = JsonValue> {
  /** Discriminator. */
  kind: "event";
  /** How the body was encoded. */
  format: PayloadFormat;
  /** Id of the aggregate the event belongs to. */
  aggregateID: string;
  /** Type of the aggregate, e.g. `user`. */
  aggregateType: string;
  /** Organization owning the aggregate. */
  resourceOwner?: string;
  /** Instance of the event. */
  instanceID?: string;
  /** Aggregate version, e.g. `v2`. */
  version?: string;
  /** Sequence of the event in its aggregate. */
  sequence?: number;
  /** Event type, e.g. `user.human.added`. */
  event_type: string;
  /** Creation time (RFC 3339). */
  created_at?: string;
  /** The user that caused the event. */
  userID?: string;
  /**
   * The event's own data, decoded: newer ZITADEL sends it inline, older releases as base64 of
   * its JSON; both arrive here as the JSON value. Undefined when absent.
   */
  event_payload?: TEvent;
}

/** Type any payload ZITADEL posts to a target; narrow it on `kind`. */
type Payload = RequestPayload | ResponsePayload | FunctionPayload | EventPayload;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string): ReceiverError {
  return new ReceiverError("payload_invalid", message);
}

function optionalString(json: JsonObject, field: string): void {
  const value = json[field];
  if (value !== undefined && value !== null && typeof value !== "string") {
    throw invalid(`payload field "${field}" must be a string`);
  }
}

function decodeEventPayload(value: JsonValue | undefined): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return value;
  if (value === "") return undefined;
  const bytes = base64Decode(value);
  const text = bytes === undefined ? undefined : utf8Text(bytes);
  if (text === undefined) throw invalid('payload field "event_payload" is a string but not base64');
  try {
    return JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new ReceiverError(
      "payload_invalid",
      'payload field "event_payload" is base64 but not of JSON',
      { cause },
    );
  }
}

/**
 * Classify decoded JSON as a request, response, function or event payload and type it.
 * Unknown extra fields are kept. Throws `ReceiverError` (`payload_invalid`) for other shapes.
 */
function toPayload(json: unknown, format: PayloadFormat): Payload {
  if (!isObject(json)) throw invalid("payload must be a JSON object");
  if (typeof json.function === "string") {
    const fn = json.function;
    return {
      ...json,
      kind: "function",
      format,
      function: fn,
      functionName: fn.startsWith("function/") ? fn.slice("function/".length) : fn,
    } as FunctionPayload;
  }
  if (typeof json.event_type === "string") {
    for (const field of ["aggregateID", "aggregateType"]) {
      if (typeof json[field] !== "string") throw invalid(`event field "${field}" must be a string`);
    }
    for (const field of ["resourceOwner", "instanceID", "version", "created_at", "userID"]) {
      optionalString(json, field);
    }
    if (json.sequence !== undefined && typeof json.sequence !== "number") {
      throw invalid('event field "sequence" must be a number');
    }
    const event: EventPayload = {
      ...(json as unknown as EventPayload),
      kind: "event",
      format,
    };
    const decoded = decodeEventPayload(json.event_payload);
    if (decoded === undefined) delete event.event_payload;
    else event.event_payload = decoded;
    return event;
  }
  if (typeof json.fullMethod === "string") {
    for (const field of ["instanceID", "orgID", "projectID", "userID"]) optionalString(json, field);
    const request = json.request ?? {};
    if (!isObject(request)) throw invalid('payload field "request" must be a JSON object');
    if (json.headers !== undefined && !isObject(json.headers)) {
      throw invalid('payload field "headers" must be a JSON object');
    }
    if ("response" in json) {
      const response = json.response ?? {};
      if (!isObject(response)) throw invalid('payload field "response" must be a JSON object');
      return { ...json, kind: "response", format, request, response } as ResponsePayload;
    }
    return { ...json, kind: "request", format, request } as RequestPayload;
  }
  throw invalid(
    'payload is neither a request/response ("fullMethod"), a function ("function") nor an event ("event_type")',
  );
}

export type {
  ApiCallFields,
  EventPayload,
  FunctionPayload,
  Payload,
  PayloadFormat,
  PayloadKind,
  RequestPayload,
  ResponsePayload,
};
export { toPayload };
