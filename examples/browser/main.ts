/**
 * Browser example: create two targets and list them over gRPC-web (default) or Connect.
 *
 * Query parameters: `api` (the API's base URL, default this page's origin), `protocol`
 * (`grpc-web` or `connect`) and `token` (a development token; never put a real one in a URL).
 */

import type { Target } from "zitadel-actions";
import { ConnectError } from "zitadel-actions";
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
  await client.createTarget({
    name: `webhook-${protocol}`,
    endpoint: "https://hooks.example.com/webhook",
    type: "webhook",
    interruptOnError: true,
    timeout: "10s",
  });
  await client.createTarget({
    name: `call-${protocol}`,
    endpoint: "https://hooks.example.com/call",
    type: "call",
    timeout: 5_000,
  });
  const targets = await client.listTargets({ sortBy: "NAME", asc: true }).toArray();
  list.replaceChildren(...targets.map(renderTarget));
  status.textContent = `${targets.length} targets via ${protocol}`;
  status.dataset.state = "done";
}

function renderTarget(target: Target): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.id = target.id;
  item.textContent = `${target.name} · ${target.type} · ${target.endpoint} · ${target.timeout / 1000}s`;
  return item;
}

main().catch((err: unknown) => {
  const error = ConnectError.from(err);
  status.textContent = `error: [${error.code}] ${error.rawMessage}`;
  status.dataset.state = "error";
});
