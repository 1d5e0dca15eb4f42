import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";

/**
 * The generated Connect clients, untouched.
 */
export interface RawClients {
  /** `zitadel.action.v2.ActionService`. */
  action: Client<typeof ActionService>;
  /** The actions & flows RPCs of `zitadel.management.v1.ManagementService`. */
  management: Client<typeof ManagementService>;
}

/**
 * A client for ZITADEL Actions over any Connect transport.
 */
export interface ActionsClient {
  /** The generated clients, for calls the facade does not cover. */
  raw: RawClients;
}

/**
 * Create a client for ZITADEL Actions on top of a transport.
 *
 * @example
 * ```ts
 * import { createActionsClient, createActionsTransport } from "zitadel-actions/node";
 * const client = createActionsClient(createActionsTransport({ baseUrl, token }));
 * const { target } = await client.raw.action.getTarget({ id: "123" });
 * ```
 */
export function createActionsClient(transport: Transport): ActionsClient {
  const raw: RawClients = {
    action: createClient(ActionService, transport),
    management: createClient(ManagementService, transport),
  };
  return { raw };
}
