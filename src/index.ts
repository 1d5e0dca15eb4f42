/**
 * Universal entry of zitadel-actions: the client, its types and helpers. No Node-only imports.
 *
 * @example
 * ```ts
 * import { createActionsClient } from "zitadel-actions";
 * const client = createActionsClient(transport);
 * const target = await client.getTarget({ id: "123" });
 * ```
 *
 * @module
 */
export type { ActionsClient, RawClients } from "./client.js";
export { createActionsClient } from "./client.js";
export type { DurationInput, DurationInputOptions } from "./duration.js";
export { durationFromInput, durationMs } from "./duration.js";
export type { EnumInput, EnumKey, EnumOutput, TextMatch } from "./enums.js";
export { enumFromInput, enumName } from "./enums.js";
export type { ZitadelErrorDetail } from "./errors.js";
export { Code, ConnectError, invalidArgument, zitadelErrorDetail } from "./errors.js";
export type {
  ApiCallCondition,
  Condition,
  ConditionInit,
  EventCondition,
  Execution,
  ExecutionMethods,
  ListExecutionNamesInput,
  ListExecutionsQuery,
  SetExecutionInput,
  SetExecutionResult,
} from "./executions.js";
export { conditionFromInput, conditionFromMessage } from "./executions.js";
export type { Page, PageQuery, Paginated } from "./pagination.js";
export { numberFromUint64 } from "./pagination.js";
export type {
  AddPublicKeyInput,
  AddPublicKeyResult,
  ListPublicKeysQuery,
  PublicKey,
  PublicKeyMethods,
  PublicKeyRef,
  TimestampMatch,
} from "./public-keys.js";
export { bytesToPem, pemToBytes, publicKeyFromMessage } from "./public-keys.js";
export type {
  CreateTargetInput,
  CreateTargetResult,
  DeleteTargetInput,
  DeleteTargetResult,
  GetTargetInput,
  ListTargetsQuery,
  Target,
  TargetMethods,
  TargetType,
  UpdateTargetInput,
  UpdateTargetResult,
} from "./targets.js";
export { targetFromMessage } from "./targets.js";
export type { TimestampInput } from "./timestamp.js";
export { timestampDate, timestampFromInput } from "./timestamp.js";
export type { ActionsTransportOptions, TokenSource } from "./transport-options.js";
export type {
  ActionRef,
  ActionsPageInfo,
  ActionV1,
  CreateActionInput,
  DetailsResult,
  FlowTypeInput,
  FlowTypeName,
  FlowV1,
  ListActionsQuery,
  ObjectDetailsV1,
  OrgScoped,
  SetTriggerActionsInput,
  TriggerTypeInput,
  TriggerTypeName,
  TypeInfo,
  UpdateActionInput,
  V1Client,
} from "./v1.js";
export { actionFromMessage } from "./v1.js";
export type { ActionsV1Client } from "./v1-client.js";
export { createActionsV1Client } from "./v1-client.js";
