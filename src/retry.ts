/**
 * Retries of idempotent calls on transient failures, with exponential backoff and full jitter.
 *
 * @module
 */
import type { DescMethod } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  type Interceptor,
  type StreamRequest,
  type UnaryRequest,
} from "@connectrpc/connect";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";

/**
 * Options of `createRetryInterceptor` and of the transport's `retry` option.
 */
interface RetryOptions {
  /** Attempts per call, the first one included (default 3; 1 disables retries). */
  maxAttempts?: number;
  /** Backoff cap before the second attempt; it doubles per attempt (default 200 ms). */
  initialBackoffMs?: number;
  /** Upper bound of any single backoff (default 5000 ms). */
  maxBackoffMs?: number;
}

const defaultRetryOptions: Required<RetryOptions> = {
  maxAttempts: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
};

/** A server asking us to slow down gets a four times larger backoff cap, and at least half of it. */
const resourceExhaustedFactor = 4;

/**
 * List the RPCs of our two services that are safe to send twice.
 *
 * Reads (every Get and List, the three condition listings) have no side effects. The writes listed
 * here converge to the same state when repeated: deleting a target that is already gone succeeds,
 * setting an execution replaces it, and activating, deactivating or removing a public key lands on
 * the same key state. Everything else (CreateTarget, UpdateTarget, AddPublicKey and the v1 writes)
 * is never retried, because a lost response may hide a write that did happen.
 */
const idempotentMethods: readonly DescMethod[] = [
  ActionService.method.getTarget,
  ActionService.method.listTargets,
  ActionService.method.listPublicKeys,
  ActionService.method.listExecutions,
  ActionService.method.listExecutionFunctions,
  ActionService.method.listExecutionMethods,
  ActionService.method.listExecutionServices,
  ActionService.method.deleteTarget,
  ActionService.method.setExecution,
  ActionService.method.activatePublicKey,
  ActionService.method.deactivatePublicKey,
  ActionService.method.removePublicKey,
  ManagementService.method.listActions,
  ManagementService.method.getAction,
  ManagementService.method.listFlowTypes,
  ManagementService.method.listFlowTriggerTypes,
  ManagementService.method.getFlow,
];

const ourServices = new Set([ActionService.typeName, ManagementService.typeName]);
const idempotentPaths = new Set(idempotentMethods.map(methodPath));

function methodPath(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

/**
 * Return whether a call of `method` may be retried: our list for the two ZITADEL services, the
 * proto `idempotency_level` option for any other service.
 */
function isIdempotentMethod(method: DescMethod): boolean {
  if (ourServices.has(method.parent.typeName)) {
    return idempotentPaths.has(methodPath(method));
  }
  return (
    method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
    method.idempotency === MethodOptions_IdempotencyLevel.IDEMPOTENT
  );
}

/**
 * Return the pause before attempt `failedAttempts + 1`, in milliseconds.
 *
 * `Unavailable` uses full jitter: uniform in `[0, cap)` with `cap = min(maxBackoffMs,
 * initialBackoffMs · 2^(failedAttempts-1))`. `ResourceExhausted` uses a cap four times larger (still
 * bounded by `maxBackoffMs`) and waits at least half of it. `random` returns a number in `[0, 1)`.
 */
function retryBackoffMs(
  failedAttempts: number,
  code: Code,
  options: RetryOptions = {},
  random: () => number = Math.random,
): number {
  const { initialBackoffMs, maxBackoffMs } = { ...defaultRetryOptions, ...options };
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 52);
  if (code === Code.ResourceExhausted) {
    const cap = Math.min(maxBackoffMs, initialBackoffMs * resourceExhaustedFactor * 2 ** exponent);
    return Math.floor(cap / 2 + random() * (cap / 2));
  }
  const cap = Math.min(maxBackoffMs, initialBackoffMs * 2 ** exponent);
  return Math.floor(random() * cap);
}

/**
 * Create an interceptor that retries idempotent unary calls failing with `Unavailable` or
 * `ResourceExhausted`, or losing their connection mid-call, never past the call's deadline or abort
 * signal.
 *
 * Put it first in the interceptor list (outermost), so that every attempt runs the interceptors
 * after it again, authentication included. `createActionsTransport` does this for you.
 *
 * @example
 * ```ts
 * const transport = createGrpcTransport({ baseUrl, interceptors: [createRetryInterceptor({ maxAttempts: 5 })] });
 * ```
 */
function createRetryInterceptor(options: RetryOptions = {}): Interceptor {
  const resolved = resolveRetryOptions(options);
  return (next) => async (req) => {
    if (req.stream || resolved.maxAttempts <= 1 || !isIdempotentMethod(req.method)) {
      return next(req);
    }
    const startedAt = Date.now();
    const timeoutMs = readTimeoutMs(req.header);
    for (let attempt = 1; ; attempt++) {
      const header = new Headers(req.header);
      if (attempt > 1 && timeoutMs !== undefined) {
        writeTimeoutMs(header, Math.max(1, timeoutMs - (Date.now() - startedAt)));
      }
      const attemptReq: UnaryRequest | StreamRequest = { ...req, header };
      try {
        return await next(attemptReq);
      } catch (e) {
        if (req.signal.aborted || attempt >= resolved.maxAttempts || !isRetryable(e)) {
          throw e;
        }
        const code = ConnectError.from(e).code;
        const delayMs = retryBackoffMs(attempt, code, resolved);
        if (timeoutMs !== undefined && Date.now() - startedAt + delayMs >= timeoutMs) {
          // The next attempt could not start before the deadline: report the real failure now.
          throw e;
        }
        await sleep(delayMs, req.signal);
      }
    }
  };
}

/**
 * Return whether a failed attempt may be repeated: the server said `Unavailable` or
 * `ResourceExhausted`, or the connection was lost before any response arrived.
 *
 * connect-node reports a lost connection as `Canceled` (HTTP/2 stream reset) or `Aborted` (HTTP/1.1
 * socket hang-up), and fetch-based transports as `Unknown` caused by fetch's network `TypeError`, all
 * with no response headers. A status the server sent always carries its response headers, so a
 * server's own `Aborted` or `Unknown` is not mistaken for a drop. The caller checks first that the
 * call's own signal is not aborted, so a user abort or an expired deadline never gets here.
 */
function isRetryable(e: unknown): boolean {
  const error = ConnectError.from(e);
  if (error.code === Code.Unavailable || error.code === Code.ResourceExhausted) return true;
  if (!isEmptyHeaders(error.metadata)) return false;
  if (error.code === Code.Canceled || error.code === Code.Aborted) return true;
  return error.code === Code.Unknown && error.cause instanceof TypeError;
}

function isEmptyHeaders(header: Headers): boolean {
  for (const _ of header.keys()) return false;
  return true;
}

function resolveRetryOptions(options: RetryOptions): Required<RetryOptions> {
  if (typeof options !== "object" || options === null) {
    throw new ConnectError(
      "retry: must be an object { maxAttempts, initialBackoffMs, maxBackoffMs } or false",
      Code.InvalidArgument,
    );
  }
  const resolved = { ...defaultRetryOptions };
  if (options.maxAttempts !== undefined) {
    const n = options.maxAttempts;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new ConnectError(
        "retry.maxAttempts: must be an integer from 1 to 100",
        Code.InvalidArgument,
      );
    }
    resolved.maxAttempts = n;
  }
  for (const field of ["initialBackoffMs", "maxBackoffMs"] as const) {
    const ms = options[field];
    if (ms === undefined) continue;
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new ConnectError(
        `retry.${field}: must be a finite number of milliseconds, zero or more`,
        Code.InvalidArgument,
      );
    }
    resolved[field] = ms;
  }
  if (resolved.maxBackoffMs < resolved.initialBackoffMs) {
    throw new ConnectError(
      "retry.maxBackoffMs: must not be less than retry.initialBackoffMs",
      Code.InvalidArgument,
    );
  }
  return resolved;
}

const grpcTimeoutUnitsMs: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** Read the call's deadline that the transport wrote into the request headers (gRPC, gRPC-web, Connect). */
function readTimeoutMs(header: Headers): number | undefined {
  const grpc = header.get("grpc-timeout");
  if (grpc !== null) {
    const match = /^(\d{1,8})([HMSmun])$/.exec(grpc);
    if (match) return Number(match[1]) * grpcTimeoutUnitsMs[match[2]!]!;
  }
  const connect = header.get("connect-timeout-ms");
  if (connect !== null && /^\d{1,10}$/.test(connect)) return Number(connect);
  return undefined;
}

/** Tell the server how much of the deadline is left for this attempt. */
function writeTimeoutMs(header: Headers, ms: number): void {
  const whole = Math.ceil(ms);
  if (header.has("grpc-timeout")) header.set("grpc-timeout", `${whole}m`);
  if (header.has("connect-timeout-ms")) header.set("connect-timeout-ms", `${whole}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(ConnectError.from(signal.reason, Code.Canceled));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(ConnectError.from(signal.reason, Code.Canceled));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export type { RetryOptions };
export { createRetryInterceptor, idempotentMethods, isIdempotentMethod, retryBackoffMs };
