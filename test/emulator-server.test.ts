import { createServer } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import {
  ActionService,
  GetTargetRequestSchema,
  GetTargetResponseSchema,
  ListExecutionFunctionsRequestSchema,
  ListExecutionFunctionsResponseSchema,
} from "../gen/zitadel/action/v2/action_service_pb.js";
import { PayloadType } from "../gen/zitadel/action/v2/target_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import {
  createEmulatorTransport,
  type Emulator,
  type EmulatorSeed,
  type StartEmulatorOptions,
  startEmulator,
} from "../src/emulator/index.js";
import { expectFailure } from "./helpers/emulator-cases.js";
import { makeTarget } from "./helpers/emulator-fixtures.js";
import { grpcWebFrame, readGrpcWebBody } from "./helpers/emulator-grpc-web.js";

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}

const functionsPath = "/zitadel.action.v2.ActionService/ListExecutionFunctions";

/** Whether this machine can listen on the IPv6 loopback (not every container has it). */
const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once("error", () => resolve(false));
  probe.listen(0, "::1", () => probe.close(() => resolve(true)));
});

describe("one port, several protocols", () => {
  it.skipIf(!hasIpv6Loopback)(
    "serves every protocol on an IPv6 host, whose HTTP/2 clients send a bare :authority",
    async () => {
      const emulator = await start({ host: "::1" });
      expect(emulator.baseUrl).toBe(`http://[::1]:${emulator.port}`);
      for (const transport of [
        createGrpcTransport({ baseUrl: emulator.baseUrl }),
        createGrpcWebTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" }),
        createConnectTransport({ baseUrl: emulator.baseUrl, httpVersion: "2" }),
      ]) {
        const client = createClient(ActionService, transport);
        expect((await client.listExecutionFunctions({})).functions).toContain("preaccesstoken");
      }
    },
  );

  it("serves gRPC, gRPC-web and Connect (HTTP/1.1 and HTTP/2) on the same port", async () => {
    const emulator = await start();
    const transports = [
      createGrpcTransport({ baseUrl: emulator.baseUrl }),
      createGrpcWebTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" }),
      createConnectTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" }),
      createConnectTransport({ baseUrl: emulator.baseUrl, httpVersion: "2" }),
    ];
    for (const [i, transport] of transports.entries()) {
      const client = createClient(ActionService, transport);
      const { id } = await client.createTarget({
        name: `via-${i}`,
        endpoint: "https://example.com",
        timeout: { seconds: 5n },
        targetType: { case: "restAsync", value: {} },
      });
      expect((await client.getTarget({ id })).target?.name).toBe(`via-${i}`);
    }
    const list = await createClient(ActionService, transports[0]!).listTargets({});
    expect(list.pagination?.totalResult).toBe(4n);
    expect(emulator.baseUrl).toBe(`http://127.0.0.1:${emulator.port}`);
  });

  it("answers a CORS preflight for any origin with the gRPC-web and ZITADEL headers", async () => {
    const emulator = await start();
    const res = await fetch(`${emulator.baseUrl}${functionsPath}`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers":
          "content-type,x-grpc-web,authorization,x-zitadel-orgid,x-custom",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    const allowed = res.headers.get("access-control-allow-headers")!.split(/,\s*/);
    for (const h of [
      "content-type",
      "x-grpc-web",
      "x-user-agent",
      "authorization",
      "x-zitadel-orgid",
      "connect-protocol-version",
      "connect-timeout-ms",
      "grpc-timeout",
      "x-custom",
    ]) {
      expect(allowed).toContain(h);
    }
  });

  it("answers a gRPC-web call built by hand with fetch, exposing grpc-status", async () => {
    const emulator = await start();
    const body = grpcWebFrame(
      toBinary(ListExecutionFunctionsRequestSchema, create(ListExecutionFunctionsRequestSchema)),
    );
    const res = await fetch(`${emulator.baseUrl}${functionsPath}`, {
      method: "POST",
      headers: {
        "content-type": "application/grpc-web+proto",
        "x-grpc-web": "1",
        origin: "https://app.example",
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(res.headers.get("access-control-expose-headers")).toMatch(/grpc-status.*grpc-message/);
    const { message, trailers } = readGrpcWebBody(
      ListExecutionFunctionsResponseSchema,
      new Uint8Array(await res.arrayBuffer()),
    );
    expect(trailers["grpc-status"]).toBe("0");
    expect(message?.functions).toEqual(["preaccesstoken", "presamlresponse", "preuserinfo"]);
  });

  it("answers a failing gRPC-web call with status, message and the ErrorDetail", async () => {
    const emulator = await start();
    const res = await fetch(`${emulator.baseUrl}/zitadel.action.v2.ActionService/GetTarget`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      body: grpcWebFrame(
        toBinary(GetTargetRequestSchema, create(GetTargetRequestSchema, { id: "404" })),
      ),
    });
    const { message, trailers } = readGrpcWebBody(
      GetTargetResponseSchema,
      new Uint8Array(await res.arrayBuffer()),
    );
    const status = trailers["grpc-status"] ?? res.headers.get("grpc-status");
    const text = trailers["grpc-message"] ?? res.headers.get("grpc-message");
    expect(message).toBeUndefined();
    expect(status).toBe(String(Code.NotFound));
    expect(decodeURIComponent(text!)).toBe("Target not found (QUERY-hj5oaniyrz)");
    expect(
      trailers["grpc-status-details-bin"] ?? res.headers.get("grpc-status-details-bin"),
    ).toBeTruthy();
  });

  it("answers Connect JSON from fetch, errors with the ZITADEL detail", async () => {
    const emulator = await start();
    const ok = await fetch(`${emulator.baseUrl}${functionsPath}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await ok.json()).toEqual({
      functions: ["preaccesstoken", "presamlresponse", "preuserinfo"],
    });
    const bad = await fetch(`${emulator.baseUrl}/zitadel.action.v2.ActionService/GetTarget`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "404" }),
    });
    expect(bad.status).toBe(404);
    const json = (await bad.json()) as {
      code: string;
      message: string;
      details: Array<{ type: string }>;
    };
    expect(json.code).toBe("not_found");
    expect(json.message).toBe("Target not found (QUERY-hj5oaniyrz)");
    expect(json.details[0]?.type).toBe("zitadel.v1.ErrorDetail");
  });

  it("tries extra HTTP handlers before the RPC adapter", async () => {
    const emulator = await start({
      httpHandlers: [
        (req, res) => {
          if (req.url !== "/hello") return false;
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("hi");
          return true;
        },
      ],
    });
    expect(await (await fetch(`${emulator.baseUrl}/hello`)).text()).toBe("hi");
    expect((await fetch(`${emulator.baseUrl}/nothing`, { method: "POST" })).status).toBe(404);
  });
});

function transportsFor(emulator: Emulator): Array<[string, Transport]> {
  return [
    ["grpc", createGrpcTransport({ baseUrl: emulator.baseUrl })],
    ["grpc-web", createGrpcWebTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" })],
  ];
}

describe("authentication", () => {
  it("answers Unauthenticated without the bearer token, served and in memory", async () => {
    const emulator = await start({ token: "s3cret-token" });
    const memory = createEmulatorTransport({ token: "s3cret-token" });
    for (const transport of [...transportsFor(emulator).map(([, t]) => t), memory]) {
      const client = createClient(ActionService, transport);
      const missing = await client
        .listExecutionFunctions({})
        .catch((e: unknown) => ConnectError.from(e));
      expect(missing).toBeInstanceOf(ConnectError);
      expect((missing as ConnectError).code).toBe(Code.Unauthenticated);
      const wrong = await client
        .listExecutionFunctions({}, { headers: { authorization: "Bearer not-the-token" } })
        .catch((e: unknown) => ConnectError.from(e));
      expect((wrong as ConnectError).code).toBe(Code.Unauthenticated);
      expect((wrong as ConnectError).message).not.toContain("not-the-token");
      const ok = await client.listExecutionFunctions(
        {},
        { headers: { authorization: "Bearer s3cret-token" } },
      );
      expect(ok.functions).toHaveLength(3);
    }
  });

  it("accepts tokens of extra validators", async () => {
    const emulator = await start({ token: "static", tokenValidators: [(t) => t === "issued-1"] });
    const client = createClient(ActionService, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    const ok = await client.listExecutionServices(
      {},
      { headers: { authorization: "Bearer issued-1" } },
    );
    expect(ok.services.length).toBeGreaterThan(5);
  });

  it("requires a token with requireAuth even without a static token", async () => {
    const emulator = await start({ requireAuth: true, tokenValidators: [(t) => t === "issued-2"] });
    const client = createClient(
      ActionService,
      createGrpcWebTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" }),
    );
    await expect(client.listExecutionServices({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
    await expect(
      client.listExecutionServices({}, { headers: { authorization: "Bearer static" } }),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
    const ok = await client.listExecutionServices(
      {},
      { headers: { authorization: "bearer issued-2" } },
    );
    expect(ok.services.length).toBeGreaterThan(5);
  });
});

describe("options", () => {
  const seed: EmulatorSeed = {
    targets: [
      {
        id: "111111111111111111",
        name: "audit",
        endpoint: "https://example.com/a",
        signingKey: "k".repeat(36),
      },
      {
        name: "enrich",
        endpoint: "https://example.com/e",
        type: "call",
        interruptOnError: true,
        timeout: 2500,
      },
    ],
    executions: [
      {
        condition: { request: { service: "zitadel.user.v2.UserService" } },
        targets: ["audit", "enrich"],
      },
      { condition: { function: { name: "preaccesstoken" } }, targets: ["111111111111111111"] },
    ],
    actions: [
      { name: "claims", script: "function claims(ctx, api) {}", timeout: "5s" },
      { name: "off", script: "function off() {}", active: false, orgId: "300000000000000003" },
    ],
    flows: [{ flowType: "2", triggerType: "5", actions: ["claims"] }],
  };

  it("loads a seed and restores it on reset", async () => {
    const emulator = await start({ seed });
    const transport = createGrpcTransport({ baseUrl: emulator.baseUrl });
    const action = createClient(ActionService, transport);
    const management = createClient(ManagementService, transport);
    const check = async () => {
      const targets = await action.listTargets({ pagination: { asc: true } });
      expect(targets.targets.map((t) => t.name)).toEqual(["audit", "enrich"]);
      expect(targets.targets[0]).toMatchObject({
        id: "111111111111111111",
        signingKey: "k".repeat(36),
      });
      expect(targets.targets[1]!.timeout).toMatchObject({ seconds: 2n, nanos: 500_000_000 });
      const executions = await action.listExecutions({});
      expect(executions.pagination?.totalResult).toBe(2n);
      const flow = (await management.getFlow({ type: "2" })).flow!;
      expect(flow.triggerActions[0]!.actions.map((a) => a.name)).toEqual(["claims"]);
      const other = await management.listActions(
        {},
        { headers: { "x-zitadel-orgid": "300000000000000003" } },
      );
      expect(other.result.map((a) => [a.name, a.state])).toEqual([["off", 1]]);
    };
    await check();
    await makeTarget({ action, management }, { name: "extra" });
    await action.deleteTarget({ id: "111111111111111111" });
    emulator.reset();
    await check();
  });

  it("rejects an invalid seed with the same errors as the API", () => {
    expect(() =>
      createEmulatorTransport({ seed: { targets: [{ name: "x", endpoint: "http://exa mple" }] } }),
    ).toThrow(/COMMAND-1r2k6qo6wg/);
  });

  it("reads a seed's payload type in any case and refuses unknown types instead of defaulting", async () => {
    const targets = (extra: object) => [
      { name: "x", endpoint: "https://example.com", timeout: "1s", ...extra },
    ];
    const client = createClient(
      ActionService,
      createEmulatorTransport({ seed: { targets: targets({ payloadType: "jwt", type: "call" }) } }),
    );
    const [target] = (await client.listTargets({})).targets;
    expect(target?.payloadType).toBe(PayloadType.JWT);
    expect(target?.targetType.case).toBe("restCall");
    expect(() =>
      createEmulatorTransport({
        seed: { targets: targets({ payloadType: "XML" }) } as EmulatorSeed,
      }),
    ).toThrow(/targets\[0\]\.payloadType/);
    expect(() =>
      createEmulatorTransport({ seed: { targets: targets({ type: "hook" }) } as EmulatorSeed }),
    ).toThrow(/targets\[0\]\.type: must be "webhook", "call" or "async"/);
  });

  it("extends the catalog of services, event types and functions", async () => {
    const transport = createEmulatorTransport({
      catalog: {
        services: { "acme.billing.v1.BillingService": ["Charge"] },
        eventTypes: ["acme.invoice.paid"],
        functions: ["prebilling"],
      },
    });
    const client = createClient(ActionService, transport);
    expect((await client.listExecutionMethods({})).methods).toContain(
      "/acme.billing.v1.BillingService/Charge",
    );
    expect((await client.listExecutionServices({})).services).toContain(
      "acme.billing.v1.BillingService",
    );
    expect((await client.listExecutionFunctions({})).functions).toContain("prebilling");
    const targetId = await makeTarget({
      action: client,
      management: createClient(ManagementService, transport),
    });
    for (const condition of [
      {
        conditionType: {
          case: "request" as const,
          value: {
            condition: { case: "method" as const, value: "/acme.billing.v1.BillingService/Charge" },
          },
        },
      },
      {
        conditionType: {
          case: "event" as const,
          value: { condition: { case: "group" as const, value: "acme.invoice" } },
        },
      },
      { conditionType: { case: "function" as const, value: { name: "prebilling" } } },
    ]) {
      await client.setExecution({ condition, targets: [targetId] });
    }
    expect((await client.listExecutions({})).pagination?.totalResult).toBe(3n);
  });

  it("refuses unknown organizations when orgIds is set", async () => {
    const transport = createEmulatorTransport({ orgIds: ["500000000000000005"] });
    const management = createClient(ManagementService, transport);
    await management.listActions({}, { headers: { "x-zitadel-orgid": "500000000000000005" } });
    await management.listActions({});
    const err = await management
      .listActions({}, { headers: { "x-zitadel-orgid": "999" } })
      .catch((e: unknown) => ConnectError.from(e));
    expectFailure(err as ConnectError, { code: Code.PermissionDenied, id: "AUTH-Bs7Ds" });
  });

  it("delays calls by latencyMs, so a short deadline expires", async () => {
    const emulator = await start({ latencyMs: 400 });
    const client = createClient(ActionService, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    const err = await client
      .listExecutionFunctions({}, { timeoutMs: 20 })
      .catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
    emulator.setLatency(0);
    expect((await client.listExecutionFunctions({}, { timeoutMs: 5000 })).functions).toHaveLength(
      3,
    );
  });
});

describe("fault injection", () => {
  const newTarget = {
    name: "once",
    endpoint: "https://example.com",
    timeout: { seconds: 5n },
    targetType: { case: "restAsync" as const, value: {} },
  };

  it("fails the next N calls of a method with a code and counts server-side calls", async () => {
    const emulator = await start({
      faults: [{ method: "ListExecutionFunctions", code: Code.Unavailable, times: 2 }],
    });
    const client = createClient(ActionService, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    for (let i = 0; i < 2; i++) {
      const err = await client
        .listExecutionFunctions({})
        .catch((e: unknown) => ConnectError.from(e));
      expect((err as ConnectError).code).toBe(Code.Unavailable);
    }
    expect((await client.listExecutionFunctions({})).functions).toHaveLength(3);
    expect(emulator.callCount("ListExecutionFunctions")).toBe(3);
    expect(emulator.callCount("GetTarget")).toBe(0);
    emulator.injectFault({
      method: "/zitadel.action.v2.ActionService/ListExecutionServices",
      code: Code.ResourceExhausted,
    });
    const err = await client.listExecutionServices({}).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    emulator.injectFault({
      method: "ListExecutionServices",
      code: Code.Internal,
      times: Number.POSITIVE_INFINITY,
    });
    emulator.clearFaults();
    expect((await client.listExecutionServices({})).services.length).toBeGreaterThan(0);
    expect(emulator.callCount()).toBe(5);
  });

  it("adds latency to one call only", async () => {
    const emulator = await start();
    const client = createClient(ActionService, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    emulator.injectFault({ method: "ListExecutionFunctions", latencyMs: 400 });
    const err = await client
      .listExecutionFunctions({}, { timeoutMs: 20 })
      .catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
    expect((await client.listExecutionFunctions({}, { timeoutMs: 5000 })).functions).toHaveLength(
      3,
    );
  });

  for (const protocol of ["grpc", "grpc-web"]) {
    it(`drops the connection after a CreateTarget ran (${protocol}): exactly one target exists`, async () => {
      const emulator = await start();
      const transport = transportsFor(emulator).find(([p]) => p === protocol)![1];
      const client = createClient(ActionService, transport);
      emulator.injectFault({ method: "CreateTarget", drop: true });
      const err = await client.createTarget(newTarget).catch((e: unknown) => ConnectError.from(e));
      expect(err).toBeInstanceOf(ConnectError);
      expect([
        Code.Unavailable,
        Code.Canceled,
        Code.Aborted,
        Code.Internal,
        Code.Unknown,
      ]).toContain((err as ConnectError).code);
      const fresh = createClient(
        ActionService,
        transportsFor(emulator).find(([p]) => p === protocol)![1],
      );
      const list = await fresh.listTargets({});
      expect(list.targets.map((t) => t.name)).toEqual(["once"]);
      expect(emulator.callCount("CreateTarget")).toBe(1);
    });

    it(`answers a corrupt frame as a ConnectError and keeps serving (${protocol})`, async () => {
      const emulator = await start();
      const transport = transportsFor(emulator).find(([p]) => p === protocol)![1];
      const client = createClient(ActionService, transport);
      emulator.injectFault({ method: "ListExecutionFunctions", corrupt: true });
      const err = await client.listExecutionFunctions({}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).findDetails(ErrorDetailSchema)).toEqual([]);
      expect((await client.listExecutionFunctions({})).functions).toHaveLength(3);
    });
  }

  it("corrupts Connect responses too", async () => {
    const emulator = await start();
    const client = createClient(
      ActionService,
      createConnectTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" }),
    );
    emulator.injectFault({ method: "ListExecutionFunctions", corrupt: true });
    await expect(client.listExecutionFunctions({})).rejects.toBeInstanceOf(ConnectError);
  });

  it("emulates drop and corrupt in memory after the call ran", async () => {
    const transport = createEmulatorTransport({ faults: [{ method: "CreateTarget", drop: true }] });
    const client = createClient(ActionService, transport);
    const dropped = await client
      .createTarget(newTarget)
      .catch((e: unknown) => ConnectError.from(e));
    expect((dropped as ConnectError).code).toBe(Code.Unavailable);
    expect((await client.listTargets({})).targets.map((t) => t.name)).toEqual(["once"]);
    transport.injectFault({ method: "ListTargets", corrupt: true });
    const corrupt = await client.listTargets({}).catch((e: unknown) => ConnectError.from(e));
    expect((corrupt as ConnectError).code).toBe(Code.Internal);
    expect(transport.callCount("ListTargets")).toBe(2);
    transport.reset();
    expect(transport.callCount()).toBe(0);
    expect((await client.listTargets({})).targets).toEqual([]);
  });

  it("rejects a fault spec without a method", () => {
    const transport = createEmulatorTransport();
    expect(() => transport.injectFault({ method: "" })).toThrow(TypeError);
    expect(() => transport.injectFault({ method: "GetTarget", times: 0 })).toThrow(TypeError);
  });
});
