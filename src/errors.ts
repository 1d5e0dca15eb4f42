/**
 * Errors: every rejection is a `ConnectError`; these helpers build and read them.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { type ErrorDetail, ErrorDetailSchema } from "../gen/zitadel/message_pb.js";

/**
 * ZITADEL's own error detail: a stable id such as `QUERY-hj5oaniyrz` and the translated message.
 */
type ZitadelErrorDetail = Pick<ErrorDetail, "id" | "message">;

/**
 * Create the `InvalidArgument` error raised for bad input before anything is sent.
 *
 * The message reads `<field>: <rule>`, so it names the field and the rule it broke.
 */
function invalidArgument(field: string, rule: string): ConnectError {
  return new ConnectError(`${field}: ${rule}`, Code.InvalidArgument);
}

/**
 * Return ZITADEL's `{ id, message }` error detail of a rejection, or `undefined` when it carries none.
 *
 * @example
 * ```ts
 * try {
 *   await client.getTarget({ id });
 * } catch (err) {
 *   console.log(zitadelErrorDetail(err)?.id); // "QUERY-hj5oaniyrz"
 * }
 * ```
 */
function zitadelErrorDetail(err: unknown): ZitadelErrorDetail | undefined {
  if (!(err instanceof ConnectError)) {
    return undefined;
  }
  const [detail] = err.findDetails(ErrorDetailSchema);
  return detail === undefined ? undefined : { id: detail.id, message: detail.message };
}

export type { ZitadelErrorDetail };
export { Code, ConnectError, invalidArgument, zitadelErrorDetail };
