import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { createEmulatorTransport, type Emulator, startEmulator } from "../src/emulator/index.js";
import { behaviourCases } from "./helpers/emulator-cases.js";
import { createClients } from "./helpers/emulator-fixtures.js";

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

describe("behaviour table", () => {
  it("has at least 60 cases and covers every RPC of both services", () => {
    expect(behaviourCases.length).toBeGreaterThanOrEqual(60);
    const covered = new Set(behaviourCases.map((c) => c.rpc));
    const all = [
      ...ActionService.methods.map((m) => `action.${lowerFirst(m.name)}`),
      ...ManagementService.methods.map((m) => `management.${lowerFirst(m.name)}`),
    ];
    expect(all).toHaveLength(27);
    expect(all.filter((rpc) => !covered.has(rpc))).toEqual([]);
    expect([...covered].filter((rpc) => !all.includes(rpc))).toEqual([]);
  });
});

describe("behaviour table in memory", () => {
  for (const c of behaviourCases) {
    it(`${c.rpc}: ${c.name}`, async () => {
      await c.exec(createClients(createEmulatorTransport()));
    });
  }
});

for (const protocol of ["grpc", "grpc-web"] as const) {
  describe(`behaviour table served over ${protocol}`, () => {
    let emulator: Emulator;
    let transport: Transport;
    beforeAll(async () => {
      emulator = await startEmulator();
      transport =
        protocol === "grpc"
          ? createGrpcTransport({ baseUrl: emulator.baseUrl })
          : createGrpcWebTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" });
    });
    afterAll(() => emulator.close());
    beforeEach(() => emulator.reset());
    for (const c of behaviourCases) {
      it(`${c.rpc}: ${c.name}`, async () => {
        await c.exec(createClients(transport));
      });
    }
  });
}
