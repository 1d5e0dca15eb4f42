/**
 * How the emulator calls a target, the way ZITADEL does: an HTTP POST with `Content-Type:
 * application/json`, a `ZITADEL-Signature` over the exact body bytes, and the body encoded by the
 * target's payload type (JSON, a JWT signed with the emulator's key, or that JWT encrypted to the
 * target's active public key). Answers are mapped to ZITADEL's errors.
 *
 * Loopback and private addresses ARE allowed here (real ZITADEL refuses them by default): the
 * emulator is a development tool whose targets usually run on the developer's machine.
 *
 * @module
 */
import { createPublicKey } from "node:crypto";
import type { JsonObject } from "@bufbuild/protobuf";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { CompactEncrypt } from "jose";
import { PayloadType } from "../../gen/zitadel/action/v2/target_pb.js";
import { computeSignatureHeader } from "../receiver/signature.js";
import { zitadelError } from "./errors.js";
import type { Store, TargetRecord } from "./store.js";

/** Sign a JSON payload as a compact JWT (the emulator's OAuth signer). */
type JwtSigner = (payload: object) => Promise<string>;

/** Configure `createTargetCaller`. */
interface TargetCallerOptions {
  /** The emulator's state (targets and their keys). */
  store: Store;
  /** Return the signer for JWT and JWE payloads, or `undefined` when none is set up yet. */
  signer: () => JwtSigner | undefined;
}

/** Call the targets of one execution. */
interface TargetCaller {
  /**
   * Call the targets in order. `payload` is asked again before each target (a `call` target may
   * have changed it); `onReply` receives the non-empty body of each successful `call` target and
   * throws to reject it. An error of a target with `interruptOnError` (or a rejected reply of one)
   * rejects; other errors are dropped and the next target runs. `async` targets are started and
   * never awaited. `signal` (the RPC's) aborts the awaited calls, not the async ones.
   */
  callTargets(
    targetIds: readonly string[],
    payload: () => JsonObject,
    onReply?: (body: string) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Abort every async call still in flight (used when the emulator closes). */
  abortPending(): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Create the caller of targets for one emulator. */
function createTargetCaller(options: TargetCallerOptions): TargetCaller {
  const pending = new Set<AbortController>();

  async function send(target: TargetRecord, payload: JsonObject, signal?: AbortSignal) {
    const body = encoder.encode(await encode(target, payload, options.signer()));
    const signature = await computeSignatureHeader({
      body,
      signingKeys: target.signingKey,
      timestamp: Date.now(),
    });
    const timeoutMs = target.timeout === undefined ? 30_000 : durationMs(target.timeout);
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
    let response: Response;
    try {
      response = await fetch(target.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", "ZITADEL-Signature": signature },
        body,
        signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
      });
      return await handleResponse(response.status, await response.text());
    } catch (e) {
      if (e instanceof ConnectError) throw e;
      const reason = timeout.aborted
        ? "context deadline exceeded"
        : signal?.aborted
          ? "context canceled"
          : describe(e);
      throw transportError(target.endpoint, reason);
    }
  }

  return {
    async callTargets(targetIds, payload, onReply, signal) {
      for (const id of targetIds) {
        const target = options.store.targets.get(id);
        if (target === undefined) continue;
        if (target.type === "restAsync") {
          const controller = new AbortController();
          pending.add(controller);
          send(target, payload(), controller.signal)
            .catch(() => {})
            .finally(() => pending.delete(controller));
          continue;
        }
        let reply: string;
        try {
          reply = await send(target, payload(), signal);
        } catch (e) {
          if (target.interruptOnError) throw e;
          continue;
        }
        if (target.type !== "restCall" || reply === "" || onReply === undefined) continue;
        try {
          onReply(reply);
        } catch (e) {
          if (target.interruptOnError) throw ConnectError.from(e);
        }
      }
    },
    abortPending() {
      for (const controller of pending) controller.abort();
      pending.clear();
    },
  };
}

/** Return the body text for a target's payload type. */
async function encode(
  target: TargetRecord,
  payload: JsonObject,
  signer: JwtSigner | undefined,
): Promise<string> {
  if (target.payloadType !== PayloadType.JWT && target.payloadType !== PayloadType.JWE) {
    return JSON.stringify(payload);
  }
  if (signer === undefined) {
    throw new ConnectError("the emulator has no JWT signer set up", Code.Internal);
  }
  if (target.payloadType === PayloadType.JWT) return signer(payload);
  const now = BigInt(Date.now()) * 1_000_000n;
  const key = target.keys.find(
    (k) => k.active && (k.expiration === undefined || k.expiration > now),
  );
  if (key === undefined) {
    throw zitadelError(Code.Internal, "EXEC-2n8fhs7g", "Errors.Execution.MissingEncryptionKey");
  }
  const publicKey = createPublicKey(decoder.decode(key.pem));
  const alg = publicKey.asymmetricKeyType === "rsa" ? "RSA-OAEP-256" : "ECDH-ES+A256KW";
  const jwt = await signer(payload);
  return new CompactEncrypt(encoder.encode(jwt))
    .setProtectedHeader({ alg, enc: "A256GCM", kid: key.keyId, typ: "JWT", cty: "JWT" })
    .encrypt(publicKey);
}

/**
 * Map a target's answer like ZITADEL: 2xx is success unless its JSON forwards an error; anything
 * else fails with `EXEC-dra6yamk98`. Return the body of a success.
 */
function handleResponse(status: number, text: string): string {
  if (status < 200 || status > 299) {
    throw zitadelError(Code.FailedPrecondition, "EXEC-dra6yamk98", "Execution failed");
  }
  const forwarded = forwardedError(text);
  if (forwarded === undefined) return text;
  const { statusCode, message } = forwarded;
  if (statusCode >= 400 && statusCode < 500) {
    throw zitadelError(httpStatusCode(statusCode), "EXEC-reUaUZCzCp", message);
  }
  throw zitadelError(Code.FailedPrecondition, "EXEC-bmhNhpcqpF", message);
}

/** Read `forwardedStatusCode`/`forwardedErrorMessage` as Go's JSON decoder would (keys case-insensitive). */
function forwardedError(text: string): { statusCode: number; message: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  let statusCode = 0;
  let message = "";
  for (const [key, value] of Object.entries(json)) {
    const name = key.toLowerCase();
    if (name === "forwardedstatuscode") {
      // A value Go cannot decode into an int makes the whole body count as a plain success.
      if (value === null) continue;
      if (typeof value !== "number" || !Number.isInteger(value)) return undefined;
      statusCode = value;
    } else if (name === "forwardederrormessage") {
      if (value === null) continue;
      if (typeof value !== "string") return undefined;
      message = value;
    }
  }
  return statusCode !== 0 || message !== "" ? { statusCode, message } : undefined;
}

function httpStatusCode(status: number): Code {
  switch (status) {
    case 400:
      return Code.InvalidArgument;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.NotFound;
    case 409:
      return Code.AlreadyExists;
    case 429:
      return Code.ResourceExhausted;
    default:
      return Code.Unknown;
  }
}

/** Describe a failed POST the way Go's HTTP client does, without credentials in the URL. */
function transportError(endpoint: string, reason: string): ConnectError {
  let shown = endpoint;
  try {
    const url = new URL(endpoint);
    if (url.username !== "" || url.password !== "") {
      url.username = url.username === "" ? "" : "xxxxx";
      url.password = url.password === "" ? "" : "xxxxx";
      shown = url.href;
    }
  } catch {
    // Not a URL fetch understands: show it as given.
  }
  return new ConnectError(`Post "${shown}": ${reason}`, Code.Unknown);
}

function describe(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  return inner instanceof Error ? inner.message : String(inner);
}

export type { JwtSigner, TargetCaller, TargetCallerOptions };
export { createTargetCaller };
