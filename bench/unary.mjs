// Unary latency and throughput of GetTarget: our facade, our raw Connect client and @grpc/grpc-js.
import { createActionsClient, createActionsTransport } from "../dist/src/node.js";
import { createGrpcJsClient } from "./grpc-js-client.mjs";
import { median, runClosedLoop, startEmulatorProcess } from "./lib.mjs";

/**
 * Measure every client kind at every concurrency against one emulator process.
 *
 * Each concurrency runs `rounds` rounds; a round measures every kind once for `durationMs`, in an
 * order rotated from round to round, so drift (JIT warm-up, other load on the machine) spreads over
 * all kinds alike. Each row reports the median over the rounds.
 */
export async function benchUnary({
  concurrencies = [1, 16, 64],
  durationMs = 1500,
  rounds = 5,
} = {}) {
  const emulator = await startEmulatorProcess();
  try {
    const setup = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl }));
    const { id } = await setup.createTarget({
      name: "bench",
      endpoint: "https://example.com/hook",
      type: "webhook",
      timeout: 10_000,
    });
    // One transport (one HTTP/2 connection) per client kind, as an application would have.
    const grpcClient = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl }));
    const rawGrpc = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl })).raw;
    const webClient = createActionsClient(
      createActionsTransport({ baseUrl: emulator.baseUrl, protocol: "grpc-web" }),
    );
    const rawWeb = createActionsClient(
      createActionsTransport({ baseUrl: emulator.baseUrl, protocol: "grpc-web" }),
    ).raw;
    const grpcJs = createGrpcJsClient(emulator.baseUrl);
    const kinds = [
      { name: "facade", protocol: "gRPC", fn: () => grpcClient.getTarget({ id }) },
      { name: "raw Connect client", protocol: "gRPC", fn: () => rawGrpc.action.getTarget({ id }) },
      { name: "@grpc/grpc-js", protocol: "gRPC", fn: () => grpcJs.getTarget({ id }) },
      { name: "facade", protocol: "gRPC-web", fn: () => webClient.getTarget({ id }) },
      {
        name: "raw Connect client",
        protocol: "gRPC-web",
        fn: () => rawWeb.action.getTarget({ id }),
      },
    ];
    // Warm every path up (JIT, connections) before anything is measured.
    for (const kind of kinds) await runClosedLoop(kind.fn, { concurrency: 16, durationMs: 700 });
    const rows = [];
    for (const concurrency of concurrencies) {
      const samples = kinds.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < kinds.length; k++) {
          const index = (k + round) % kinds.length;
          const r = await runClosedLoop(kinds[index].fn, {
            concurrency,
            durationMs,
            warmupMs: 200,
          });
          samples[index].push(r);
        }
      }
      for (const [index, kind] of kinds.entries()) {
        const s = samples[index];
        const row = {
          client: kind.name,
          protocol: kind.protocol,
          concurrency,
          throughput: median(s.map((r) => r.throughput)),
          p50: median(s.map((r) => r.p50)),
          p99: median(s.map((r) => r.p99)),
          cpuUsPerCall: median(s.map((r) => r.cpuUsPerCall)),
          calls: s.reduce((n, r) => n + r.calls, 0),
        };
        rows.push(row);
        process.stderr.write(
          `  unary ${kind.name} ${kind.protocol} c=${concurrency}: ${row.throughput.toFixed(0)}/s p50 ${row.p50.toFixed(2)} ms, ${row.cpuUsPerCall.toFixed(0)} µs client CPU/call\n`,
        );
      }
    }
    grpcJs.close();
    return rows;
  } finally {
    await emulator.close();
  }
}
