// Browser bundle sizes (esbuild, minified, gzip) of small apps: ours vs the peers users would pick.
// Bundling and the per-part breakdown are `measureBundle` of ./bundle-size.mjs; `zitadel-actions/*`
// resolves to this repository's sources through its `exports` map, the peers from node_modules.
import { measureBundle } from "./bundle-size.mjs";

/** The apps, each a tiny program doing one job the way its library intends. */
export const apps = [
  {
    name: "ours: list targets (whole client: v2 + v1 facade, `/web`, gRPC-web)",
    kind: "ours-whole",
    entry: `
    import { createActionsClient, createActionsTransport } from "zitadel-actions/web";
    const client = createActionsClient(createActionsTransport({ baseUrl: location.origin }));
    for await (const t of client.listTargets({ pageSize: 100 })) document.body.append(t.name);`,
  },
  {
    name: "ours: list targets through the raw generated client (gRPC-web)",
    kind: "ours-raw",
    entry: `
    import { createClient } from "@connectrpc/connect";
    import { createGrpcWebTransport } from "@connectrpc/connect-web";
    import { ActionService } from "zitadel-actions/gen/zitadel/action/v2/action_service_pb";
    const client = createClient(ActionService, createGrpcWebTransport({ baseUrl: location.origin }));
    const res = await client.listTargets({ pagination: { limit: 100 } });
    for (const t of res.targets) document.body.append(t.name);`,
  },
  {
    name: "peer: `@zitadel/proto` v2beta ActionService + connect-web",
    kind: "peer-v2",
    entry: `
    import { createClient } from "@connectrpc/connect";
    import { createGrpcWebTransport } from "@connectrpc/connect-web";
    import { ActionService } from "@zitadel/proto/zitadel/action/v2beta/action_service_pb.js";
    const client = createClient(ActionService, createGrpcWebTransport({ baseUrl: location.origin }));
    const res = await client.listTargets({ pagination: { limit: 100 } });
    for (const t of res.result) document.body.append(t.name);`,
  },
  {
    name: "peer: `@zitadel/client` (createClientFor v2beta ActionService, `/web`)",
    kind: "peer-v2",
    entry: `
    import { createClientFor } from "@zitadel/client";
    import { createClientTransport } from "@zitadel/client/web";
    import { ActionService } from "@zitadel/proto/zitadel/action/v2beta/action_service_pb.js";
    const client = createClientFor(ActionService)(createClientTransport("t", { baseUrl: location.origin }));
    const res = await client.listTargets({ pagination: { limit: 100 } });
    for (const t of res.result) document.body.append(t.name);`,
  },
  {
    name: "ours: v1 search actions (whole client, `/web`)",
    kind: "ours-v1",
    entry: `
    import { createActionsClient, createActionsTransport } from "zitadel-actions/web";
    const client = createActionsClient(createActionsTransport({ baseUrl: location.origin, orgId: "1" }));
    for await (const a of client.v1.listActions({ name: { contains: "x" }, state: "ACTIVE" })) document.body.append(a.name);`,
  },
  {
    name: "peer: `@zitadel/client/v1` ManagementService search actions",
    kind: "peer-v1",
    entry: `
    import { createManagementServiceClient } from "@zitadel/client/v1";
    import { createClientTransport } from "@zitadel/client/web";
    const client = createManagementServiceClient(createClientTransport("t", { baseUrl: location.origin }));
    const res = await client.listActions({ queries: [{ query: { case: "actionNameQuery", value: { name: "x", method: 4 } } }] });
    for (const a of res.result) document.body.append(a.name);`,
  },
];

/** Bundle every app; return its minified and gzip sizes and the gzip size of each part. */
export async function benchBundles() {
  const rows = [];
  for (const app of apps) {
    const r = await measureBundle({ entry: app.entry });
    rows.push({
      app: app.name,
      kind: app.kind,
      minified: r.totalBytes,
      gzip: r.totalGzipBytes,
      groups: Object.fromEntries(Object.entries(r.groups).map(([k, g]) => [k, g.gzipBytes])),
    });
  }
  return rows;
}
