import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import {
  ActionService,
  type CreateTargetRequestSchema,
} from "../../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../../gen/zitadel/management_pb.js";

/** The two generated clients the behaviour table talks through. */
interface Clients {
  action: Client<typeof ActionService>;
  management: Client<typeof ManagementService>;
}

/** Create both generated clients over one transport. */
function createClients(transport: Transport): Clients {
  return {
    action: createClient(ActionService, transport),
    management: createClient(ManagementService, transport),
  };
}

let counter = 0;

/** Create a target with sensible defaults and return its id (names are unique unless given). */
async function makeTarget(
  c: Clients,
  init: Partial<MessageInitShape<typeof CreateTargetRequestSchema>> = {},
): Promise<string> {
  const request: MessageInitShape<typeof CreateTargetRequestSchema> = {
    name: `target-${++counter}`,
    endpoint: "https://example.com/hook",
    timeout: { seconds: 10n },
    targetType: { case: "restWebhook", value: { interruptOnError: false } },
  };
  Object.assign(request, init);
  const res = await c.action.createTarget(request);
  return res.id;
}

/** Create a v1 action and return its id. */
async function makeAction(c: Clients, name: string, orgId?: string): Promise<string> {
  const res = await c.management.createAction(
    { name, script: `function ${name}(ctx, api) {}`, timeout: { seconds: 5n } },
    orgId === undefined ? {} : { headers: { "x-zitadel-orgid": orgId } },
  );
  return res.id;
}

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ed = generateKeyPairSync("ed25519");

/** PEM public keys of several kinds, generated once per test process. */
const pems = {
  rsa: rsa.publicKey.export({ type: "spki", format: "pem" }) as string,
  ec: ec.publicKey.export({ type: "spki", format: "pem" }) as string,
  ed25519: ed.publicKey.export({ type: "spki", format: "pem" }) as string,
  rsaPkcs1: rsa.publicKey.export({ type: "pkcs1", format: "pem" }) as string,
};

/** Return the expected fingerprint of a PEM public key, computed independently of the emulator. */
function fingerprintOf(pem: string): string {
  const der = createPublicKey(pem).export({ type: "spki", format: "der" });
  return `SHA256:${createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`;
}

/** Encode text as bytes. */
function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export type { Clients };
export { bytes, createClients, fingerprintOf, makeAction, makeTarget, pems };
