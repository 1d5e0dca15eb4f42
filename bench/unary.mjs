// Unary latency and throughput of GetTarget: our facade, our raw Connect client and @grpc/grpc-js.
import { createActionsClient, createActionsTransport } from "../dist/src/node.js";
import { createGrpcJsClient } from "./grpc-js-client.mjs";
import { runClosedLoop, startEmulatorProcess } from "./lib.mjs";

/** Measure every client kind at every concurrency against one emulator process. */
export async function benchUnary({ concurrencies = [1, 16, 64], durationMs = 2500 } = {}) {
  const emulator = await startEmulatorProcess();
  try {
    const setup = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl }));
    const { id } = await setup.createTarget({
      name: "bench",
      endpoint: "https://example.com/hook",
      type: "webhook",
      timeout: 10_000,
    });
    const grpcClient = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl }));
    const webClient = createActionsClient(
      createActionsTransport({ baseUrl: emulator.baseUrl, protocol: "grpc-web" }),
    );
    const grpcJs = createGrpcJsClient(emulator.baseUrl);
    const kinds = [
      { name: "facade", protocol: "gRPC", fn: () => grpcClient.getTarget({ id }) },
      {
        name: "raw Connect client",
        protocol: "gRPC",
        fn: () => grpcClient.raw.action.getTarget({ id }),
      },
      { name: "@grpc/grpc-js", protocol: "gRPC", fn: () => grpcJs.getTarget({ id }) },
      { name: "facade", protocol: "gRPC-web", fn: () => webClient.getTarget({ id }) },
      {
        name: "raw Connect client",
        protocol: "gRPC-web",
        fn: () => webClient.raw.action.getTarget({ id }),
      },
    ];
    const rows = [];
    for (const concurrency of concurrencies) {
      for (const kind of kinds) {
        const r = await runClosedLoop(kind.fn, { concurrency, durationMs });
        rows.push({ client: kind.name, protocol: kind.protocol, concurrency, ...r });
        process.stderr.write(
          `  unary ${kind.name} ${kind.protocol} c=${concurrency}: ${r.throughput.toFixed(0)}/s p50 ${r.p50.toFixed(2)}ms\n`,
        );
      }
    }
    grpcJs.close();
    return rows;
  } finally {
    await emulator.close();
  }
}
