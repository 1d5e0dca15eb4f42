// Browser bundle sizes (esbuild, minified, gzip) of small apps: ours vs the peers users would pick.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { root } from "./lib.mjs";

const dist = `${root}dist/src`;
const gen = `${root}dist/gen`;

/** The apps, each a tiny program doing one job the way its library intends. */
export const apps = {
  "ours: list targets (whole client, /web, gRPC-web)": `
    import { createActionsClient, createActionsTransport } from "${dist}/web.js";
    const client = createActionsClient(createActionsTransport({ baseUrl: location.origin }));
    for await (const t of client.listTargets({ pageSize: 100 })) document.body.append(t.name);`,
  "ours: raw generated client (gRPC-web)": `
    import { createClient } from "@connectrpc/connect";
    import { createGrpcWebTransport } from "@connectrpc/connect-web";
    import { ActionService } from "${gen}/zitadel/action/v2/action_service_pb.js";
    const client = createClient(ActionService, createGrpcWebTransport({ baseUrl: location.origin }));
    const res = await client.listTargets({ pagination: { limit: 100 } });
    for (const t of res.targets) document.body.append(t.name);`,
  "peer: @zitadel/proto v2beta ActionService + connect-web": `
    import { createClient } from "@connectrpc/connect";
    import { createGrpcWebTransport } from "@connectrpc/connect-web";
    import { ActionService } from "@zitadel/proto/zitadel/action/v2beta/action_service_pb.js";
    const client = createClient(ActionService, createGrpcWebTransport({ baseUrl: location.origin }));
    const res = await client.listTargets({ pagination: { limit: 100 } });
    for (const t of res.result) document.body.append(t.name);`,
  "peer: @zitadel/client (createClientFor v2beta ActionService)": `
    import { createClientFor } from "@zitadel/client";
    import { createClientTransport } from "@zitadel/client/web";
    import { ActionService } from "@zitadel/proto/zitadel/action/v2beta/action_service_pb.js";
    const client = createClientFor(ActionService)(createClientTransport("t", { baseUrl: location.origin }));
    const res = await client.listTargets({ pagination: { limit: 100 } });
    for (const t of res.result) document.body.append(t.name);`,
  "ours: v1 search actions (whole client, /web)": `
    import { createActionsClient, createActionsTransport } from "${dist}/web.js";
    const client = createActionsClient(createActionsTransport({ baseUrl: location.origin, orgId: "1" }));
    for await (const a of client.v1.listActions({ name: { contains: "x" }, state: "ACTIVE" })) document.body.append(a.name);`,
  "peer: @zitadel/client/v1 ManagementService search actions": `
    import { createManagementServiceClient } from "@zitadel/client/v1";
    import { createClientTransport } from "@zitadel/client/web";
    const client = createManagementServiceClient(createClientTransport("t", { baseUrl: location.origin }));
    const res = await client.listActions({ queries: [{ query: { case: "actionNameQuery", value: { name: "x", method: 4 } } }] });
    for (const a of res.result) document.body.append(a.name);`,
};

/** Bundle one app; return its minified and gzip sizes and the esbuild metafile. */
export async function bundleApp(source) {
  const dir = join(root, "bench", ".tmp");
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `app-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, source);
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    return {
      minified: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      metafile: result.metafile,
    };
  } finally {
    rmSync(entry, { force: true });
  }
}

/** Group a bundle's bytes by origin: connect/protobuf runtime, v2 schemas, v1 schemas, facade. */
export function breakdown(metafile) {
  const groups = { runtime: 0, "v2 schemas": 0, "v1 schemas": 0, facade: 0, other: 0 };
  const output = Object.values(metafile.outputs)[0];
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (path.includes("node_modules/")) groups.runtime += bytesInOutput;
    else if (/gen\/zitadel\/(action\/v2|filter\/v2)\//.test(path))
      groups["v2 schemas"] += bytesInOutput;
    else if (/gen\/zitadel\//.test(path)) groups["v1 schemas"] += bytesInOutput;
    else if (path.includes("dist/src/")) groups.facade += bytesInOutput;
    else groups.other += bytesInOutput;
  }
  return groups;
}

/** Bundle every app. */
export async function benchBundles() {
  const rows = [];
  for (const [name, source] of Object.entries(apps)) {
    const r = await bundleApp(source);
    rows.push({ app: name, minified: r.minified, gzip: r.gzip, groups: breakdown(r.metafile) });
  }
  return rows;
}
