// The README's example, end to end. Without ZITADEL_BASE_URL it starts the embedded emulator and runs
// once over gRPC (HTTP/2) and once over gRPC-web (HTTP/1.1); with ZITADEL_BASE_URL and ZITADEL_TOKEN it
// talks to your instance over gRPC (it creates "quickstart-" targets there and deletes them again).
import { startEmulator } from "zitadel-actions/emulator";
import { createActionsClient, createActionsTransport } from "zitadel-actions/node";

const emulator = process.env.ZITADEL_BASE_URL
  ? undefined
  : await startEmulator({ token: "dev-token" });
const baseUrl = process.env.ZITADEL_BASE_URL ?? emulator.baseUrl;
const token = process.env.ZITADEL_TOKEN ?? "dev-token";
const protocols = emulator ? ["grpc", "grpc-web"] : ["grpc"];

try {
  for (const protocol of protocols) {
    console.log(`\n== ${baseUrl} over ${protocol}`);
    const client = createActionsClient(createActionsTransport({ baseUrl, token, protocol }));

    // 1. Register endpoints ZITADEL will call.
    const audit = await client.createTarget({
      name: `quickstart-audit-${protocol}`,
      endpoint: "https://hooks.example.com/audit",
      type: "webhook",
      interruptOnError: true,
      timeout: "10s",
    });
    console.log(`created target ${audit.id} (signing key ${audit.signingKey.length} chars)`);
    for (let i = 1; i <= 3; i++) {
      await client.createTarget({
        name: `quickstart-enrich-${protocol}-${i}`,
        endpoint: `https://hooks.example.com/enrich/${i}`,
        type: "call",
        timeout: 1_500,
        payloadType: "jwt",
      });
    }

    // 2. Call the audit target before every AddHumanUser request.
    const { setDate } = await client.setExecution({
      condition: { request: { method: "/zitadel.user.v2.UserService/AddHumanUser" } },
      targets: [audit.id],
    });
    console.log(`execution set at ${setDate?.toISOString()}`);
    for await (const execution of client.listExecutions({ target: audit.id })) {
      console.log(`  ${JSON.stringify(execution.condition)} -> ${execution.targets.join(", ")}`);
    }

    // 3. Page through our targets, two per request, in name order.
    const query = { name: { startsWith: "quickstart-" }, sortBy: "NAME", asc: true, pageSize: 2 };
    for await (const page of client.listTargets(query).pages()) {
      console.log(`page at offset ${page.offset} (${page.items.length} of ${page.total}):`);
      for (const t of page.items)
        console.log(`  ${t.name}  ${t.type}  ${t.timeout} ms  ${t.payloadType}`);
    }

    // 4. Rotate the audit target's signing key (only an immediate rotation exists).
    const rotated = await client.updateTarget({ id: audit.id, expirationSigningKey: 0 });
    const current = await client.getTarget({ id: audit.id });
    console.log(
      `signing key rotated: ${rotated.signingKey !== audit.signingKey && current.signingKey === rotated.signingKey}`,
    );

    // 5. v1: org-scoped JavaScript actions, searched by name and state.
    if (emulator) {
      const orgId = "300000000000000001";
      const { id } = await client.v1.createAction({
        orgId,
        name: `quickstart-claims-${protocol}`,
        script: "function addClaims(ctx, api) { api.v1.claims.setClaim('team', 'blue'); }",
        timeout: "5s",
      });
      await client.v1.setTriggerActions({
        orgId,
        flowType: "COMPLEMENT_TOKEN",
        triggerType: "PRE_ACCESS_TOKEN_CREATION",
        actionIds: [id],
      });
      for await (const a of client.v1.listActions({
        orgId,
        name: { contains: "CLAIMS", ignoreCase: true },
        state: "ACTIVE",
      })) {
        console.log(`v1 action ${a.id} ${a.name} ${a.state} timeout ${a.timeout} ms`);
      }
      const flow = await client.v1.getFlow({ orgId, type: "complement_token" });
      console.log(`flow ${flow.type}: ${JSON.stringify(flow.triggers)}`);
    }

    // 6. Clean up: deleting a target also removes it from every execution.
    for (const t of await client.listTargets({ name: { startsWith: "quickstart-" } }).toArray()) {
      await client.deleteTarget({ id: t.id });
    }
    console.log(
      `targets left: ${(await client.listTargets({ name: { startsWith: "quickstart-" } }).toArray()).length}`,
    );
  }
  console.log("\ndone");
} finally {
  await emulator?.close();
}
