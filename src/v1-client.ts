import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { createV1Client, type V1Client } from "./v1.js";

/**
 * A client for ZITADEL's v1 actions & flows: the org-scoped methods, and the generated
 * ManagementService client under `raw`.
 */
interface ActionsV1Client extends V1Client {
  /** The generated `zitadel.management.v1.ManagementService` client (actions & flows RPCs). */
  raw: Client<typeof ManagementService>;
}

/**
 * Create a client for the v1 actions & flows RPCs on top of a transport. It lives apart from
 * `createActionsClient` so that apps using only one API version bundle only that version's schemas.
 *
 * @example
 * ```ts
 * import { createActionsTransport, createActionsV1Client } from "zitadel-actions/node";
 * const v1 = createActionsV1Client(createActionsTransport({ baseUrl, token, orgId }));
 * for await (const action of v1.listActions({ name: { contains: "token" } })) {
 *   console.log(action.id, action.name, action.state);
 * }
 * ```
 */
function createActionsV1Client(transport: Transport): ActionsV1Client {
  const raw = createClient(ManagementService, transport);
  return { raw, ...createV1Client(raw) };
}

export type { ActionsV1Client };
export { createActionsV1Client };
