import { PayloadType, type Target, type TargetSummary } from "@example/actions-types";

/** Return the summaries of targets, in their order. */
export function summarizeTargets(targets: readonly Target[]): TargetSummary[] {
  return targets.map((target) => ({
    id: target.id,
    name: target.name,
    endpoint: target.endpoint,
    kind: target.targetType.case ?? "unknown",
    timeoutMs:
      Number(target.timeout?.seconds ?? 0n) * 1000 +
      Math.floor((target.timeout?.nanos ?? 0) / 1_000_000),
  }));
}

/** Format one summary as a tab-separated line, with the payload type's name. */
export function formatSummary(summary: TargetSummary, payloadType: PayloadType): string {
  return [
    summary.id,
    summary.name,
    summary.kind,
    `${summary.timeoutMs}ms`,
    PayloadType[payloadType],
  ].join("\t");
}
