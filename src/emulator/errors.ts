import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";

/**
 * Create a ZITADEL-style error: message `<text> (<ID>)` plus one `zitadel.v1.ErrorDetail`.
 */
function zitadelError(code: Code, id: string, text: string): ConnectError {
  return new ConnectError(`${text} (${id})`, code, undefined, [
    { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id, message: text }) },
  ]);
}

/**
 * Create a proto-rule (PGV-style) violation: plain InvalidArgument, no ZITADEL id, no detail.
 *
 * `path` is a chain of `[message, field]` pairs from the request down to the failing field, e.g.
 * `[["SetExecutionRequest", "Condition"], ["Condition", "Request"], ["RequestExecution", "Method"]]`.
 */
function ruleError(path: Array<[string, string]>, reason: string): ConnectError {
  let text = "";
  for (let i = path.length - 1; i >= 0; i--) {
    const [message, field] = path[i]!;
    text =
      text === ""
        ? `invalid ${message}.${field}: ${reason}`
        : `invalid ${message}.${field}: embedded message failed validation | caused by: ${text}`;
  }
  return new ConnectError(text, Code.InvalidArgument);
}

export { ruleError, zitadelError };
