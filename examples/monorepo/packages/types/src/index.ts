/**
 * The ZITADEL Actions types this monorepo shares, re-exported from one place so every package
 * agrees on them.
 */
import type { Target } from "zitadel-actions/gen/zitadel/action/v2/target_pb";

export type {
  CreateTargetRequest,
  ListTargetsResponse,
} from "zitadel-actions/gen/zitadel/action/v2/action_service_pb";
export type {
  RESTAsync,
  RESTCall,
  RESTWebhook,
  Target,
} from "zitadel-actions/gen/zitadel/action/v2/target_pb";
export { PayloadType, TargetSchema } from "zitadel-actions/gen/zitadel/action/v2/target_pb";
export type { Action } from "zitadel-actions/gen/zitadel/action_pb";

/** A target as our services pass it around. */
export type TargetSummary = Pick<Target, "id" | "name" | "endpoint"> & {
  kind: NonNullable<Target["targetType"]["case"]> | "unknown";
  timeoutMs: number;
};
