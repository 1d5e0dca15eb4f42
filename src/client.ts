import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { createExecutionMethods, type ExecutionMethods } from "./executions.js";
import { createPublicKeyMethods, type PublicKeyMethods } from "./public-keys.js";
import { createTargetMethods, type TargetMethods } from "./targets.js";
import { createV1Client, type V1Client } from "./v1.js";

/**
 * The generated Connect clients, untouched.
 */
interface RawClients {
  /** `zitadel.action.v2.ActionService`. */
  action: Client<typeof ActionService>;
  /** The actions & flows RPCs of `zitadel.management.v1.ManagementService`. */
  management: Client<typeof ManagementService>;
}

/**
 * A client for ZITADEL Actions over any Connect transport: one friendly method per v2 RPC, and
 * the generated clients under `raw`.
 */
interface ActionsClient extends TargetMethods, PublicKeyMethods, ExecutionMethods {
  /** The v1 actions & flows methods (org-scoped; each takes an optional `orgId`). */
  v1: V1Client;
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
 * const { id } = await client.createTarget({
 *   name: "audit", endpoint: "https://hooks.example.com/audit", type: "webhook", timeout: "10s",
 * });
 * for await (const target of client.listTargets({ name: { startsWith: "audit" } })) {
 *   console.log(target.id, target.timeout);
 * }
 * ```
 */
function createActionsClient(transport: Transport): ActionsClient {
  const raw: RawClients = {
    action: createClient(ActionService, transport),
    management: createClient(ManagementService, transport),
  };
  return {
    raw,
    ...createTargetMethods(raw.action),
    ...createPublicKeyMethods(raw.action),
    ...createExecutionMethods(raw.action),
    v1: createV1Client(raw.management),
  };
}

export type { ActionsClient, RawClients };
export { createActionsClient };
