/**
 * Receiver entry: helpers for the HTTP endpoints that ZITADEL calls (Actions v2 targets).
 * WebCrypto only, so it runs in Node, Deno, Bun, browsers' workers and Cloudflare Workers.
 *
 * @example
 * ```ts
 * import { createFetchReceiver, functionReply } from "zitadel-actions/receiver";
 *
 * const handle = createFetchReceiver((payload) => {
 *   if (payload.kind === "function") return functionReply({ appendClaims: { plan: "pro" } });
 * }, { signingKeys: env.ZITADEL_SIGNING_KEY, issuer: "https://my-instance.zitadel.cloud" });
 * ```
 *
 * @module
 */
export type { BodyInput } from "./bytes.js";
export type { FetchReceiverHandler, FetchReceiverOptions } from "./fetch-adapter.js";
export { createFetchReceiver } from "./fetch-adapter.js";
export type { HeadersInput } from "./headers.js";
export { LEGACY_SIGNATURE_HEADER, signatureHeaderValue } from "./headers.js";
export type { DecryptionKeys } from "./jwe-payload.js";
export type { JwksSource } from "./jwks.js";
export type {
  NodeReceiverHandler,
  NodeReceiverOptions,
  NodeRequestLike,
  NodeResponseLike,
} from "./node-adapter.js";
export { createNodeReceiver } from "./node-adapter.js";
export type {
  ApiCallFields,
  EventPayload,
  FunctionPayload,
  Payload,
  PayloadFormat,
  PayloadKind,
  RequestPayload,
  ResponsePayload,
} from "./payload.js";
export type { ReadPayloadOptions, ReceivedCall } from "./read-payload.js";
export { readPayload } from "./read-payload.js";
export type { ReceiverErrorReason, SignatureFailureReason } from "./receiver-error.js";
export { ReceiverError } from "./receiver-error.js";
export type {
  ClaimEntry,
  ForwardedError,
  FunctionReply,
  FunctionReplyInput,
  MetadataEntry,
  SamlAttribute,
  SamlResponseReply,
  SamlResponseReplyInput,
} from "./reply.js";
export { forwardError, functionReply, samlResponseReply } from "./reply.js";
export type { ReceiverReply } from "./reply-response.js";
export type {
  ComputeSignatureHeaderOptions,
  SigningKeys,
  VerifySignatureOptions,
  VerifySignatureResult,
} from "./signature.js";
export { computeSignatureHeader, SIGNATURE_HEADER, verifySignature } from "./signature.js";
