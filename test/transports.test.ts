import { type DescMethodUnary, type DescService, equals, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import { createActionsClient, createActionsTransport } from "../src/node.js";
import { createActionsTransport as createWebTransport } from "../src/web.js";
import { type EchoServer, failHeader, startEchoServer } from "./helpers/echo-server.js";
import { sampleMessage } from "./helpers/sample-message.js";

let server: EchoServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(() => server.close());

const token = "pat-0123456789";
const orgId = "300000000000000001";

type Protocol = "grpc" | "grpc-web" | "connect" | "web grpc-web" | "web connect";
const protocols: { protocol: Protocol; services: DescService[] }[] = [
  { protocol: "grpc", services: [ActionService, ManagementService] },
  { protocol: "grpc-web", services: [ActionService, ManagementService] },
  { protocol: "connect", services: [ActionService] },
  // zitadel-actions/web runs on fetch, which Node has too.
  { protocol: "web grpc-web", services: [ActionService, ManagementService] },
  { protocol: "web connect", services: [ActionService] },
];

function transportFor(protocol: Protocol): Transport {
  if (protocol === "web grpc-web" || protocol === "web connect") {
    return createWebTransport({
      baseUrl: server.h1Url,
      protocol: protocol === "web connect" ? "connect" : "grpc-web",
      token,
      orgId,
    });
  }
  return createActionsTransport({
    baseUrl: protocol === "grpc" ? server.h2Url : server.h1Url,
    protocol,
    token,
    orgId,
  });
}

function rawMethod(
  client: ReturnType<typeof createActionsClient>,
  service: DescService,
  name: string,
) {
  const group = service === ActionService ? client.raw.action : client.raw.management;
  return (group as unknown as Record<string, (req: Message, o?: object) => Promise<Message>>)[
    name
  ]!;
}

describe.each(protocols)("raw clients over $protocol", ({ protocol, services }) => {
  const cases = services.flatMap((service) =>
    service.methods.map((method) => ({ service, method: method as DescMethodUnary })),
  );

  it("covers every RPC of the selected services", () => {
    expect(cases.length).toBe(services.length === 2 ? 27 : 15);
  });

  it.each(cases.map((c) => ({ ...c, name: `${c.service.name}.${c.method.name}` })))(
    "$name: request, response and headers arrive intact",
    async ({ service, method }) => {
      const client = createActionsClient(transportFor(protocol));
      for (const seed of [1, 2, 3]) {
        const request = sampleMessage(method.input, seed);
        const echoed = new Headers();
        const before = server.calls.length;
        const response = await rawMethod(
          client,
          service,
          method.localName,
        )(request, {
          onHeader: (h: Headers) => {
            for (const [k, v] of h) echoed.set(k, v);
          },
        });
        const received = server.calls[before]!;
        expect(received.method).toBe(method.name);
        expect(equals(method.input, received.request, request)).toBe(true);
        expect(
          equals(method.output, response, server.responseFor(method.output, method.name)),
        ).toBe(true);
        expect(received.authorization).toBe(`Bearer ${token}`);
        expect(echoed.get("x-echo-authorization")).toBe(`Bearer ${token}`);
        if (service === ManagementService) {
          expect(received.orgId).toBe(orgId);
          expect(echoed.get("x-echo-orgid")).toBe(orgId);
        } else {
          expect(received.orgId).toBeNull();
        }
      }
    },
  );

  it.each([
    { code: Code.NotFound },
    { code: Code.InvalidArgument },
    { code: Code.FailedPrecondition },
  ])(
    "server error $code arrives as ConnectError with the ZITADEL ErrorDetail",
    async ({ code }) => {
      const client = createActionsClient(transportFor(protocol));
      const err = await client.raw.action
        .getTarget({ id: "1" }, { headers: { [failHeader]: String(code) } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(ConnectError);
      const ce = err as ConnectError;
      expect(ce.code).toBe(code);
      expect(ce.rawMessage).toBe("Target not found (QUERY-hj5oaniyrz)");
      const details = ce.findDetails(ErrorDetailSchema);
      expect(details).toHaveLength(1);
      expect(details[0]).toMatchObject({ id: "QUERY-hj5oaniyrz", message: "Target not found" });
    },
  );
});

describe("org header rules", () => {
  it("is not sent when no orgId is configured", async () => {
    const client = createActionsClient(createActionsTransport({ baseUrl: server.h2Url, token }));
    const before = server.calls.length;
    await client.raw.management.listFlowTypes({});
    expect(server.calls[before]!.orgId).toBeNull();
  });

  it("keeps a per-call x-zitadel-orgid over the transport's", async () => {
    const client = createActionsClient(transportFor("grpc"));
    const before = server.calls.length;
    await client.raw.management.getAction({ id: "1" }, { headers: { "x-zitadel-orgid": "42" } });
    expect(server.calls[before]!.orgId).toBe("42");
  });

  it("calls a token function per request", async () => {
    let n = 0;
    const client = createActionsClient(
      createActionsTransport({ baseUrl: server.h2Url, token: async () => `t${++n}` }),
    );
    await client.raw.action.listExecutionFunctions({});
    await client.raw.action.listExecutionFunctions({});
    expect(server.calls.at(-1)!.authorization).toBe("Bearer t2");
  });
});

describe("transport options", () => {
  it("refuses credentials over plain http to a non-loopback host", () => {
    expect(() => createActionsTransport({ baseUrl: "http://zitadel.example.com", token })).toThrow(
      /baseUrl.*plain http/,
    );
    expect(() =>
      createActionsTransport({ baseUrl: "http://zitadel.example.com", token, allowInsecure: true }),
    ).not.toThrow();
  });

  it("refuses an unknown protocol with InvalidArgument naming the field", () => {
    for (const make of [
      () => createActionsTransport({ baseUrl: server.h2Url, protocol: "grpc+json" as never }),
      () => createWebTransport({ baseUrl: server.h1Url, protocol: "grpc" as never }),
    ]) {
      expect(make).toThrow(/protocol: must be .*got grpc/);
      try {
        make();
      } catch (e) {
        expect((e as ConnectError).code).toBe(Code.InvalidArgument);
      }
    }
  });

  it("refuses an empty orgId instead of silently sending none", () => {
    expect(() => createActionsTransport({ baseUrl: server.h2Url, orgId: "" })).toThrow(
      /orgId: must be a non-empty organization id/,
    );
  });

  it("never puts the token into the refusal message", () => {
    try {
      createActionsTransport({ baseUrl: "http://zitadel.example.com", token });
    } catch (e) {
      expect(String(e)).not.toContain(token);
    }
  });
});
