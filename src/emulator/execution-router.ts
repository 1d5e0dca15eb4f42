/**
 * Which stored execution runs for an API call, a function or an event: like ZITADEL's router, one
 * level is chosen (the most specific one that has targets), executions are never merged.
 *
 * @module
 */
import type { ExecutionRecord } from "./store.js";

/** A read-only view of the stored executions, keyed by condition id. */
type Executions = ReadonlyMap<string, ExecutionRecord>;

function withTargets(executions: Executions, id: string): ExecutionRecord | undefined {
  const found = executions.get(id);
  // An execution with no targets is a no-op; ZITADEL does not even list it.
  return found !== undefined && found.targets.length > 0 ? found : undefined;
}

/**
 * Return the execution for a request or response of `fullMethod` (`/pkg.Service/Method`):
 * the method's, else its service's, else the catch-all one.
 */
function routeApiCall(
  executions: Executions,
  kind: "request" | "response",
  fullMethod: string,
): ExecutionRecord | undefined {
  const method = fullMethod.startsWith("/") ? fullMethod : `/${fullMethod}`;
  const service = method.slice(1, method.lastIndexOf("/"));
  return (
    withTargets(executions, `${kind}${method}`) ??
    (service === "" ? undefined : withTargets(executions, `${kind}/${service}`)) ??
    withTargets(executions, kind)
  );
}

/** Return the execution for a function (`preuserinfo`, `preaccesstoken`, `presamlresponse`, …). */
function routeFunction(executions: Executions, name: string): ExecutionRecord | undefined {
  return withTargets(executions, `function/${name}`);
}

/**
 * Return the execution for an event type: the exact type, else the most specific group
 * (`user.human.*` before `user.*`), else the catch-all one.
 */
function routeEvent(executions: Executions, eventType: string): ExecutionRecord | undefined {
  const exact = withTargets(executions, `event/${eventType}`);
  if (exact !== undefined) return exact;
  const parts = eventType.split(".");
  for (let n = parts.length - 1; n >= 1; n--) {
    const group = withTargets(executions, `event/${parts.slice(0, n).join(".")}.*`);
    if (group !== undefined) return group;
  }
  return withTargets(executions, "event");
}

export { routeApiCall, routeEvent, routeFunction };
