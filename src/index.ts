/**
 * Universal entry of zitadel-actions: the client, its types and helpers. No Node-only imports.
 *
 * @example
 * ```ts
 * import { createActionsClient } from "zitadel-actions";
 * const client = createActionsClient(transport);
 * ```
 *
 * @module
 */
export { Code, ConnectError } from "@connectrpc/connect";
export type { ActionsClient, RawClients } from "./client.js";
export { createActionsClient } from "./client.js";
export type { ActionsTransportOptions, TokenSource } from "./transport-options.js";
