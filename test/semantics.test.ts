// ZITADEL's semantics as a facade user sees them: the friendly client against the served emulator
// over gRPC, for the server rules that change what a caller reads back (spec/zitadel-semantics.md).
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ActionsClient, createActionsClient } from "../src/client.js";
import { type Emulator, startEmulator } from "../src/emulator/index.js";
import { zitadelErrorDetail } from "../src/errors.js";
import { createActionsTransport } from "../src/node.js";
import { fingerprintOf, pems } from "./helpers/emulator-fixtures.js";

let emulator: Emulator;
let client: ActionsClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl }));
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const webhook = {
  endpoint: "https://hooks.example.com/x",
  type: "webhook",
  timeout: 1000,
} as const;

/** Return ZITADEL's error id and code of a rejected call. */
async function failure(call: Promise<unknown>): Promise<{ code: Code; id: string | undefined }> {
  const err = await call.then(
    () => expect.unreachable("the call should fail"),
    (e: unknown) => ConnectError.from(e),
  );
  return { code: err.code, id: zitadelErrorDetail(err)?.id };
}

describe("targets", () => {
  it("updates nothing: success with the last change date and no signing key", async () => {
    const { id } = await client.createTarget({ name: "same", ...webhook });
    const before = await client.getTarget({ id });
    const result = await client.updateTarget({ id, name: "same" });
    expect(result).toEqual({ changeDate: before.changeDate });
    expect("signingKey" in result).toBe(false);
    expect((await client.getTarget({ id })).signingKey).toBe(before.signingKey);
  });

  it("deletes twice: the second answer repeats the original deletion date", async () => {
    const { id } = await client.createTarget({ name: "gone", ...webhook });
    const first = await client.deleteTarget({ id });
    expect(first.deletionDate).toBeInstanceOf(Date);
    expect(await client.deleteTarget({ id })).toEqual(first);
    expect(await client.deleteTarget({ id: "424242" })).toEqual({ deletionDate: undefined });
  });

  it("reports total 0 on an empty page past the end", async () => {
    await client.createTarget({ name: "only", ...webhook });
    const pages = [];
    for await (const page of client.listTargets({ offset: 5 }).pages()) pages.push(page);
    expect(pages).toEqual([{ items: [], total: 0, offset: 5, limit: 100 }]);
  });

  it("matches LIKE wildcards in name filters literally", async () => {
    for (const name of ["a%b_c", "aXbYc", "A%B_C2"])
      await client.createTarget({ name, ...webhook });
    const names = async (name: Parameters<ActionsClient["listTargets"]>[0]) =>
      (await client.listTargets({ ...name, sortBy: "NAME", asc: true }).toArray()).map(
        (t) => t.name,
      );
    expect(await names({ name: { contains: "%" } })).toEqual(["A%B_C2", "a%b_c"]);
    expect(await names({ name: { contains: "_" } })).toEqual(["A%B_C2", "a%b_c"]);
    expect(await names({ name: "a%b_c" })).toEqual(["a%b_c"]);
    expect(await names({ name: { equals: "a%b_c", ignoreCase: true } })).toEqual(["a%b_c"]);
    expect(await names({ name: { startsWith: "a_" } })).toEqual([]);
    expect(await names({ name: { endsWith: "b_c", ignoreCase: true } })).toEqual(["a%b_c"]);
  });

  it("returns the public key's SHA256 fingerprint and PEM", async () => {
    const { id } = await client.createTarget({ name: "jwe", ...webhook, payloadType: "jwe" });
    const { keyId } = await client.addPublicKey({ targetId: id, publicKey: pems.ec });
    const [key] = await client.listPublicKeys({ targetId: id }).toArray();
    expect(key).toMatchObject({ keyId, active: false, fingerprint: fingerprintOf(pems.ec) });
    expect(key?.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(key?.publicKey).toBe(pems.ec);
  });
});

describe("executions", () => {
  it("stores an event group as <group>.* and drops executions whose targets were deleted", async () => {
    const { id } = await client.createTarget({ name: "audit", ...webhook });
    await client.setExecution({ condition: { event: { group: "user" } }, targets: [id] });
    const listed = await client.listExecutions().toArray();
    expect(listed.map((e) => [e.condition, e.targets])).toEqual([
      [{ event: { group: "user.*" } }, [id]],
    ]);
    const byGroup = await client
      .listExecutions({ condition: { event: { group: "user" } } })
      .toArray();
    expect(byGroup).toHaveLength(1);
    await client.deleteTarget({ id });
    expect(await client.listExecutions().toArray()).toEqual([]);
  });
});

describe("v1 actions and flows", () => {
  it("reads a stored timeout of 0 or none back as 20 s, others as set", async () => {
    const zero = await client.v1.createAction({ name: "zero", script: "x", timeout: "0s" });
    const none = await client.v1.createAction({ name: "none", script: "x" });
    const some = await client.v1.createAction({ name: "some", script: "x", timeout: 19_500 });
    expect((await client.v1.getAction(zero)).timeout).toBe(20_000);
    expect((await client.v1.getAction(none)).timeout).toBe(20_000);
    expect((await client.v1.getAction(some)).timeout).toBe(19_500);
  });

  it("lists the flow types in id order", async () => {
    expect((await client.v1.listFlowTypes()).map((f) => [f.id, f.type])).toEqual([
      ["1", "EXTERNAL_AUTHENTICATION"],
      ["2", "COMPLEMENT_TOKEN"],
      ["3", "INTERNAL_AUTHENTICATION"],
      ["4", "COMPLEMENT_SAML_RESPONSE"],
    ]);
  });

  it("refuses unchanged trigger lists, unknown actions and clearing an empty flow", async () => {
    const { id } = await client.v1.createAction({ name: "claims", script: "x" });
    const trigger = { flowType: "COMPLEMENT_TOKEN", triggerType: "PRE_ACCESS_TOKEN_CREATION" };
    expect(await failure(client.v1.clearFlow({ type: "COMPLEMENT_TOKEN" }))).toEqual({
      code: Code.FailedPrecondition,
      id: "COMMAND-DgGh3",
    });
    expect(await failure(client.v1.setTriggerActions({ ...trigger, actionIds: [] }))).toEqual({
      code: Code.FailedPrecondition,
      id: "COMMAND-Nfh52",
    });
    await client.v1.setTriggerActions({ ...trigger, actionIds: [id] });
    expect(await failure(client.v1.setTriggerActions({ ...trigger, actionIds: [id] }))).toEqual({
      code: Code.FailedPrecondition,
      id: "COMMAND-Nfh52",
    });
    expect(
      await failure(client.v1.setTriggerActions({ ...trigger, actionIds: [id, "999"] })),
    ).toEqual({ code: Code.FailedPrecondition, id: "COMMAND-dg422" });
    await client.v1.clearFlow({ type: "COMPLEMENT_TOKEN" });
    expect((await client.v1.getFlow({ type: "COMPLEMENT_TOKEN" })).triggers).toEqual([]);
  });
});
