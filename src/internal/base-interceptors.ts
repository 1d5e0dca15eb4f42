import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ManagementService } from "../../gen/zitadel/management_pb.js";
import type { ActionsTransportOptions, TokenSource } from "../transport-options.js";

const orgHeader = "x-zitadel-orgid";

/**
 * Build the interceptors every actions transport applies: bearer token and org header.
 *
 * Also refuses credentials over plain http to non-loopback hosts unless `allowInsecure` is set.
 */
export function createBaseInterceptors(options: ActionsTransportOptions): Interceptor[] {
  assertSafeBaseUrl(options);
  const interceptors: Interceptor[] = [];
  if (options.token !== undefined) {
    interceptors.push(createBearerInterceptor(options.token));
  }
  if (options.orgId !== undefined && options.orgId !== "") {
    interceptors.push(createOrgIdInterceptor(options.orgId));
  }
  return [...interceptors, ...(options.interceptors ?? [])];
}

function createBearerInterceptor(token: TokenSource): Interceptor {
  const read = typeof token === "string" ? () => token : token;
  return (next) => async (req) => {
    if (!req.header.has("authorization")) {
      const value = await read();
      if (typeof value !== "string" || value === "") {
        throw new ConnectError("token: the token source returned no token", Code.Unauthenticated);
      }
      req.header.set("authorization", `Bearer ${value}`);
    }
    return next(req);
  };
}

function createOrgIdInterceptor(orgId: string): Interceptor {
  return (next) => (req) => {
    if (req.service.typeName === ManagementService.typeName && !req.header.has(orgHeader)) {
      req.header.set(orgHeader, orgId);
    }
    return next(req);
  };
}

function assertSafeBaseUrl(options: ActionsTransportOptions): void {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new ConnectError(
      "baseUrl: must be an absolute http:// or https:// URL",
      Code.InvalidArgument,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConnectError("baseUrl: must use http:// or https://", Code.InvalidArgument);
  }
  const carriesCredentials = options.token !== undefined;
  if (
    url.protocol === "http:" &&
    carriesCredentials &&
    !options.allowInsecure &&
    !isLoopback(url)
  ) {
    throw new ConnectError(
      `baseUrl: refusing to send credentials over plain http to ${url.host}; use https or set allowInsecure: true`,
      Code.InvalidArgument,
    );
  }
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
