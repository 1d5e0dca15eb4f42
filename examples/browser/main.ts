/**
 * Browser example: create two targets and list them over gRPC-web (default) or Connect.
 *
 * Query parameters: `api` (the API's base URL, default this page's origin), `protocol`
 * (`grpc-web` or `connect`) and `token` (a development token; never put a real one in a URL).
 */
import { ConnectError } from "zitadel-actions";
import type { Target } from "zitadel-actions/gen/zitadel/action/v2/target_pb";
import { createActionsClient, createActionsTransport } from "zitadel-actions/web";

const params = new URLSearchParams(location.search);
const protocol = params.get("protocol") === "connect" ? "connect" : "grpc-web";
const status = document.getElementById("status") as HTMLParagraphElement;
const list = document.getElementById("targets") as HTMLUListElement;

const client = createActionsClient(
  createActionsTransport({
    baseUrl: params.get("api") ?? location.origin,
    protocol,
    token: params.get("token") ?? undefined,
  }),
);

async function main(): Promise<void> {
  await client.raw.action.createTarget({
    name: `webhook-${protocol}`,
    endpoint: "https://hooks.example.com/webhook",
    targetType: { case: "restWebhook", value: { interruptOnError: true } },
    timeout: { seconds: 10n },
  });
  await client.raw.action.createTarget({
    name: `call-${protocol}`,
    endpoint: "https://hooks.example.com/call",
    targetType: { case: "restCall", value: { interruptOnError: false } },
    timeout: { seconds: 5n },
  });
  const { targets, pagination } = await client.raw.action.listTargets({});
  list.replaceChildren(...targets.map(renderTarget));
  status.textContent = `${pagination?.totalResult ?? 0n} targets via ${protocol}`;
  status.dataset.state = "done";
}

function renderTarget(target: Target): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.id = target.id;
  const seconds = target.timeout?.seconds ?? 0n;
  item.textContent = `${target.name} · ${target.targetType.case} · ${target.endpoint} · ${seconds}s`;
  return item;
}

main().catch((err: unknown) => {
  const error = ConnectError.from(err);
  status.textContent = `error: [${error.code}] ${error.rawMessage}`;
  status.dataset.state = "error";
});
