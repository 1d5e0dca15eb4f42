import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ManagementService } from "../../gen/zitadel/management_pb.js";
import { parseSecureUrl } from "../auth/secure-url.js";
import { createRetryInterceptor } from "../retry.js";
import { createAuthInterceptor, createTokenAuth } from "../token-auth.js";
import type { ActionsTransportOptions } from "../transport-options.js";

const orgHeader = "x-zitadel-orgid";

/**
 * Build the interceptors every actions transport applies, outermost first: retry, auth, org header,
 * then the caller's own.
 *
 * Retry is outermost so each attempt runs auth again (a refreshed token after a blip). Also refuses
 * credentials over plain http to non-loopback hosts unless `allowInsecure` is set.
 */
function createBaseInterceptors(options: ActionsTransportOptions): Interceptor[] {
  if (typeof options !== "object" || options === null) {
    throw new ConnectError(
      "createActionsTransport: options must be an object",
      Code.InvalidArgument,
    );
  }
  if (options.token !== undefined && options.auth !== undefined) {
    throw new ConnectError("token, auth: set one of them, not both", Code.InvalidArgument);
  }
  const carriesCredentials = options.token !== undefined || options.auth !== undefined;
  parseSecureUrl("baseUrl", options.baseUrl, carriesCredentials, options.allowInsecure);
  assertTimeout(options.defaultTimeoutMs);
  const interceptors: Interceptor[] = [];
  if (options.retry !== false) {
    interceptors.push(createRetryInterceptor(options.retry === undefined ? {} : options.retry));
  }
  if (options.auth !== undefined) {
    interceptors.push(createAuthInterceptor(options.auth));
  } else if (options.token !== undefined) {
    interceptors.push(createAuthInterceptor(createTokenAuth(options.token)));
  }
  if (options.orgId !== undefined && (typeof options.orgId !== "string" || options.orgId === "")) {
    throw new ConnectError(
      "orgId: must be a non-empty organization id, or left unset",
      Code.InvalidArgument,
    );
  }
  if (options.orgId !== undefined) {
    interceptors.push(createOrgIdInterceptor(options.orgId));
  }
  return [...interceptors, ...(options.interceptors ?? [])];
}

function createOrgIdInterceptor(orgId: string): Interceptor {
  return (next) => (req) => {
    if (req.service.typeName === ManagementService.typeName && !req.header.has(orgHeader)) {
      req.header.set(orgHeader, orgId);
    }
    return next(req);
  };
}

function assertTimeout(ms: unknown): void {
  if (ms === undefined) return;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw new ConnectError(
      "defaultTimeoutMs: must be a positive finite number of milliseconds",
      Code.InvalidArgument,
    );
  }
}

export { createBaseInterceptors };
