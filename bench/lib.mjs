// Shared helpers of the benchmarks: child processes, timing and statistics.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Start the emulator CLI in its own process and resolve once it prints its URL. */
export function startEmulatorProcess(args = []) {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      `${root}dist/src/cli/bin.js`,
      "emulator",
      "--port",
      "0",
      ...args,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /(http:\/\/[^\s]+)/.exec(out);
      if (m) {
        resolve({
          baseUrl: m[1].replace(/\/$/, ""),
          close: () =>
            new Promise((r) => {
              child.removeAllListeners("exit");
              child.once("exit", r);
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/** Return the p-th percentile (0..100) of sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Run `fn` from `concurrency` workers for `durationMs`; return latencies (ms) and throughput (calls/s). */
export async function runClosedLoop(fn, { concurrency, durationMs, warmupMs = 500 }) {
  const warmEnd = performance.now() + warmupMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < warmEnd) await fn();
    }),
  );
  const latencies = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await fn();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    cpuUsPerCall: (cpu.user + cpu.system) / latencies.length,
    throughput: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Return the median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Format a number with a fixed count of decimals. */
export const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "–");
