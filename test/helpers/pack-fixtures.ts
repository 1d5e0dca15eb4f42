/**
 * Sources of the temp consumer projects in `packaging.test.ts`. They are strings, not files in
 * this repository, so they only ever resolve `zitadel-actions` through the installed tarball.
 */

/** Every public entry point, as a consumer writes it. */
const entryPoints = [
  "zitadel-actions",
  "zitadel-actions/node",
  "zitadel-actions/web",
  "zitadel-actions/emulator",
  "zitadel-actions/receiver",
  "zitadel-actions/gen/zitadel/action/v2/target_pb",
] as const;

/**
 * Node ESM consumer: imports every entry point and every generated module, then makes real
 * calls over gRPC-web through `zitadel-actions/node`. Prints one JSON line.
 */
const esmScript = `
const { entries, genModules, baseUrl, token } = JSON.parse(process.argv[2]);
const out = { exports: {}, gen: {}, resolved: {} };
for (const entry of entries) {
  out.exports[entry] = Object.keys(await import(entry)).sort();
  out.resolved[entry] = import.meta.resolve(entry);
}
for (const specifier of genModules) {
  const mod = await import(specifier);
  out.gen[specifier] = Object.keys(mod).filter((name) => name.startsWith("file_"));
}
const { createActionsClient, createActionsTransport } = await import("zitadel-actions/node");
const client = createActionsClient(createActionsTransport({ baseUrl, token, protocol: "grpc-web" }));
const created = await client.raw.action.createTarget({
  name: "from-esm",
  endpoint: "https://hooks.example.com/esm",
  targetType: { case: "restWebhook", value: { interruptOnError: true } },
  timeout: { seconds: 3n },
});
const { targets } = await client.raw.action.listTargets({});
out.call = { id: created.id, signingKeyLength: created.signingKey.length, names: targets.map((t) => t.name) };
console.log(JSON.stringify(out));
`;

/**
 * CommonJS consumer: \`require()\`s every entry point (Node's require(esm)), checks it gets the very
 * module instance \`import()\` gets, makes real calls over Connect, and checks error identity.
 */
const cjsScript = `
"use strict";
const { entries, baseUrl, token } = JSON.parse(process.argv[2]);
async function main() {
  const out = { exports: {}, sameInstance: {} };
  for (const entry of entries) {
    const required = require(entry);
    out.exports[entry] = Object.keys(required).sort();
    out.sameInstance[entry] = required === (await import(entry));
  }
  const { Code, ConnectError, createActionsClient } = require("zitadel-actions");
  const { createActionsTransport } = require("zitadel-actions/node");
  const { TargetSchema } = require("zitadel-actions/gen/zitadel/action/v2/target_pb");
  const client = createActionsClient(createActionsTransport({ baseUrl, token, protocol: "connect" }));
  const created = await client.raw.action.createTarget({
    name: "from-cjs",
    endpoint: "https://hooks.example.com/cjs",
    targetType: { case: "restCall", value: { interruptOnError: false } },
    timeout: { seconds: 5n },
  });
  const { targets } = await client.raw.action.listTargets({});
  out.call = {
    id: created.id,
    names: targets.map((t) => t.name),
    typeNames: [...new Set(targets.map((t) => t.$typeName))],
    schemaTypeName: TargetSchema.typeName,
  };
  let unauthenticated;
  try {
    await createActionsClient(createActionsTransport({ baseUrl, token: "wrong", protocol: "connect" }))
      .raw.action.listTargets({});
  } catch (err) {
    unauthenticated = err;
  }
  out.serverError = {
    ours: unauthenticated instanceof ConnectError,
    // The CommonJS copy of @connectrpc/connect recognises errors from the ESM copy.
    connectCjs: unauthenticated instanceof require("@connectrpc/connect").ConnectError,
    code: unauthenticated?.code === Code.Unauthenticated,
  };
  try {
    createActionsTransport({ baseUrl: "ftp://example.com" });
  } catch (err) {
    out.validation = { ours: err instanceof ConnectError, code: err.code === Code.InvalidArgument, message: err.message };
  }
  console.log(JSON.stringify(out));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

/** TypeScript ESM consumer, checked with \`nodenext\` and with \`bundler\` resolution. */
const typedEsmSource = `
import type { Client } from "@connectrpc/connect";
import {
  type ActionsClient,
  type ActionsTransportOptions,
  Code,
  ConnectError,
  createActionsClient,
} from "zitadel-actions";
import * as emulator from "zitadel-actions/emulator";
import type { ActionService, CreateTargetRequest } from "zitadel-actions/gen/zitadel/action/v2/action_service_pb";
import { PayloadType, type Target, TargetSchema } from "zitadel-actions/gen/zitadel/action/v2/target_pb";
import type { Action } from "zitadel-actions/gen/zitadel/action_pb";
import { createActionsTransport as createNodeTransport, type NodeActionsTransportOptions } from "zitadel-actions/node";
import * as receiver from "zitadel-actions/receiver";
import { createActionsTransport as createWebTransport, type WebActionsTransportOptions } from "zitadel-actions/web";

export function describeTarget(target: Target): string {
  const kind: "restWebhook" | "restCall" | "restAsync" | undefined = target.targetType.case;
  return \`\${target.name} -> \${target.endpoint} (\${kind}, \${PayloadType[target.payloadType]})\`;
}

export async function targetNames(client: ActionsClient): Promise<string[]> {
  const { targets } = await client.raw.action.listTargets({});
  return targets.map(describeTarget);
}

export function actionName(action: Action): string {
  return action.name;
}

const shared: ActionsTransportOptions = { baseUrl: "https://example.zitadel.cloud", token: () => "t" };
const nodeOptions: NodeActionsTransportOptions = { ...shared, protocol: "grpc" };
const webOptions: WebActionsTransportOptions = { ...shared, protocol: "connect" };
export const clients: ActionsClient[] = [
  createActionsClient(createNodeTransport(nodeOptions)),
  createActionsClient(createWebTransport(webOptions)),
];
export const raw: Client<typeof ActionService> = clients[0]!.raw.action;
export const schemaName: string = TargetSchema.typeName;
export const request: Pick<CreateTargetRequest, "name" | "endpoint"> = { name: "n", endpoint: "https://e" };
export const namespaces: object[] = [emulator, receiver];

export function isNotFound(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.NotFound;
}

// The declarations are real types, not \`any\`:
// @ts-expect-error a target's name is a string
export const wrongName: number = ({} as Target).name;
// @ts-expect-error the browser transport has no "grpc" protocol
createWebTransport({ baseUrl: "https://example.zitadel.cloud", protocol: "grpc" });
// @ts-expect-error not exported by the generated module
export type { NotThere } from "zitadel-actions/gen/zitadel/action/v2/target_pb";
`;

/** TypeScript CommonJS consumer (\`.cts\`): TypeScript ≥ 5.8 types require(esm) under \`nodenext\`. */
const typedCjsSource = `
import { createActionsClient } from "zitadel-actions";
import type { Target } from "zitadel-actions/gen/zitadel/action/v2/target_pb";
import nodeEntry = require("zitadel-actions/node");

export function names(targets: Target[]): string[] {
  return targets.map((t) => t.name);
}
export const client = createActionsClient(
  nodeEntry.createActionsTransport({ baseUrl: "https://example.zitadel.cloud" }),
);
// @ts-expect-error a target's endpoint is a string
export const wrongEndpoint: boolean = ({} as Target).endpoint;
`;

/** A deep import into the package's files, which the \`exports\` map must refuse. */
const deepImportSource = `
import { createActionsTransport } from "zitadel-actions/dist/src/node.js";
export const transport = createActionsTransport;
`;

/** The \`tsconfig\` that checks only \`negative/\` (lean: no Node types, no library checks). */
const negativeTsconfig = JSON.stringify({
  compilerOptions: {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2022"],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ["negative"],
});

/** A consumer \`tsconfig\` for one resolution mode; strict and checking our declaration files too. */
function consumerTsconfig(mode: "nodenext" | "bundler", include: string[]): string {
  const compilerOptions =
    mode === "nodenext"
      ? { module: "nodenext", moduleResolution: "nodenext" }
      : { module: "esnext", moduleResolution: "bundler" };
  return JSON.stringify(
    {
      compilerOptions: {
        ...compilerOptions,
        target: "es2022",
        lib: ["es2023", "dom"],
        types: ["node"],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        verbatimModuleSyntax: false,
      },
      include,
    },
    null,
    2,
  );
}

export {
  cjsScript,
  consumerTsconfig,
  deepImportSource,
  entryPoints,
  esmScript,
  negativeTsconfig,
  typedCjsSource,
  typedEsmSource,
};
