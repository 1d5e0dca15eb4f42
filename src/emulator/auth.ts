import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/** How the emulator decides whether a call is authenticated. */
interface EmulatorAuth {
  /** The one static bearer token accepted, if any. */
  token?: string | undefined;
  /** Further validators (e.g. tokens issued by the emulator's OAuth endpoint). */
  validators: Array<(token: string) => boolean>;
  /** Require a valid bearer token on every call. */
  required: () => boolean;
}

/** Report whether an `authorization` header value carries an accepted bearer token. */
function isAuthorized(auth: EmulatorAuth, header: string | null): boolean {
  const match = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) return false;
  const token = match[1]!;
  if (auth.token !== undefined && token === auth.token) return true;
  return auth.validators.some((validate) => validate(token));
}

/** Create the server-side interceptor answering `Unauthenticated` to calls without an accepted token. */
function createAuthCheckInterceptor(auth: EmulatorAuth): Interceptor {
  return (next) => (req) => {
    if (auth.required() && !isAuthorized(auth, req.header.get("authorization"))) {
      // Never echo the presented token.
      throw new ConnectError("missing or invalid bearer token", Code.Unauthenticated);
    }
    return next(req);
  };
}

export type { EmulatorAuth };
export { createAuthCheckInterceptor };
