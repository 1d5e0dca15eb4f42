// Unary latency and throughput of GetTarget: our facade, our raw Connect client and @grpc/grpc-js.
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { GetTargetResponseSchema } from "../dist/gen/zitadel/action/v2/action_service_pb.js";
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
    const paired = [];
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
      // Facade vs raw client, paired within each round (same minute, same load), then the median.
      const ratios = samples[0].map((f, round) => ({
        throughput: f.throughput / samples[1][round].throughput,
        p50: f.p50 / samples[1][round].p50,
      }));
      paired.push({
        concurrency,
        throughput: median(ratios.map((r) => r.throughput)),
        p50: median(ratios.map((r) => r.p50)),
      });
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
    return { rows, paired, isolated: await facadeInIsolation() };
  } finally {
    await emulator.close();
  }
}

/**
 * Return the facade's own CPU cost per `getTarget`, without network or server: both clients over
 * an in-memory Transport that answers every call with the same response message.
 */
async function facadeInIsolation({ calls = 200_000, rounds = 5 } = {}) {
  const message = create(GetTargetResponseSchema, {
    target: {
      id: "300000000000000001",
      name: "bench",
      endpoint: "https://example.com/hook",
      targetType: { case: "restWebhook", value: { interruptOnError: false } },
      timeout: durationFromMs(10_000),
      creationDate: timestampFromDate(new Date()),
      changeDate: timestampFromDate(new Date()),
      signingKey: "k".repeat(36),
    },
  });
  const transport = {
    async unary(method) {
      return {
        stream: false,
        service: method.parent,
        method,
        header: new Headers(),
        trailer: new Headers(),
        message,
      };
    },
    stream() {
      throw new Error("not used");
    },
  };
  const client = createActionsClient(transport);
  const id = "300000000000000001";
  const measure = async (fn) => {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) await fn();
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / calls;
  };
  const raw = [];
  const facade = [];
  for (let round = 0; round < rounds; round++) {
    raw.push(await measure(() => client.raw.action.getTarget({ id })));
    facade.push(await measure(() => client.getTarget({ id })));
  }
  return { rawUs: median(raw.slice(1)), facadeUs: median(facade.slice(1)) };
}
