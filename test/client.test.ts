import { isMessage } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ActionService,
  GetTargetResponseSchema,
} from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import * as entry from "../src/index.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;

beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const v2Methods = ActionService.methods.map((method) => method.localName);

describe("createActionsClient", () => {
  it("has one friendly method per ActionService RPC, named like the RPC", () => {
    const client = server.client();
    expect(v2Methods).toHaveLength(15);
    for (const name of v2Methods) {
      expect(typeof (client as unknown as Record<string, unknown>)[name]).toBe("function");
    }
  });

  it("has one v1 method per ManagementService actions & flows RPC under client.v1", () => {
    const v1 = server.client().v1 as unknown as Record<string, unknown>;
    const names = ManagementService.methods.map((method) => method.localName);
    expect(names).toHaveLength(12);
    for (const name of names) {
      expect(typeof v1[name], name).toBe("function");
    }
  });

  it("keeps raw.action as the untouched generated client", async () => {
    server.handle("getTarget", (request) => ({ target: { id: request.id, name: "audit" } }));
    const response = await server.client().raw.action.getTarget({ id: "t1" });
    expect(isMessage(response, GetTargetResponseSchema)).toBe(true);
    expect(response.target?.name).toBe("audit");
  });

  it.each(["grpc", "grpc-web", "connect"] as const)("works over %s", async (protocol) => {
    server.handle("getTarget", (request) => ({
      target: { id: request.id, targetType: { case: "restWebhook", value: {} } },
    }));
    // The recording server speaks HTTP/2 only, so every protocol uses it here.
    const client = server.client({ protocol, httpVersion: "2" });
    expect((await client.getTarget({ id: "t1" })).type).toBe("webhook");
    expect(server.callsOf("getTarget")).toHaveLength(1);
  });

  it("sends the transport's bearer token on facade calls", async () => {
    await server.client({ token: "pat-123" }).listExecutionServices();
    expect(server.calls[0]?.headers.get("authorization")).toBe("Bearer pat-123");
  });
});

describe("zitadel-actions entry", () => {
  it("exports the client, normalizers and error helpers", () => {
    for (const name of [
      "createActionsClient",
      "durationFromInput",
      "durationMs",
      "timestampFromInput",
      "timestampDate",
      "enumFromInput",
      "enumName",
      "conditionFromInput",
      "conditionFromMessage",
      "targetFromMessage",
      "publicKeyFromMessage",
      "pemToBytes",
      "bytesToPem",
      "numberFromUint64",
      "actionFromMessage",
      "zitadelErrorDetail",
      "invalidArgument",
      "ConnectError",
      "Code",
    ]) {
      expect(typeof (entry as Record<string, unknown>)[name], name).not.toBe("undefined");
    }
  });
});
