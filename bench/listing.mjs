// Listing 10,000 targets page by page against an emulator with 5 ms latency per call.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, root, startEmulatorProcess } from "./lib.mjs";

const total = 10_000;

/** Write a seed file holding `count` targets. */
function writeSeed(count) {
  const targets = Array.from({ length: count }, (_, i) => ({
    name: `target-${String(i).padStart(5, "0")}`,
    endpoint: `https://hooks.example.com/${i}`,
    type: "webhook",
    timeout: 10_000,
  }));
  const file = join(tmpdir(), `zitadel-actions-bench-seed-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ targets }));
  return file;
}

/** Walk all targets in a fresh process (clean heap) and report wall time and peak heap. */
function walk(baseUrl, concurrency) {
  const script = `
    import { createActionsClient, createActionsTransport } from ${JSON.stringify(`${root}dist/src/node.js`)};
    const client = createActionsClient(createActionsTransport({ baseUrl: ${JSON.stringify(baseUrl)} }));
    // Warm up (connection, JIT) with a shorter walk of the same shape, as a long-running service would be.
    for await (const t of client.listTargets({ pageSize: 100, concurrency: ${concurrency}, limit: 3000 })) { if (!t.id) throw new Error("no id"); }
    globalThis.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 2);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    for await (const t of client.listTargets({ pageSize: 100, concurrency: ${concurrency} })) { if (t.id) n++; }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    console.log(JSON.stringify({ n, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakHeapMb: (peak - base) / 2 ** 20 }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
    });
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1))) : reject(new Error(out)),
    );
  });
}

/**
 * Compare sequential listing with parallel page prefetch. Runs go round-robin over the
 * concurrencies (1, 4, 8, 1, 4, 8, …) so a busy spell on the machine hits all of them alike.
 */
export async function benchListing({ concurrencies = [1, 4, 8], runs = 5 } = {}) {
  const seed = writeSeed(total);
  const emulator = await startEmulatorProcess(["--seed", seed, "--latency", "5"]);
  try {
    const results = concurrencies.map(() => []);
    await walk(emulator.baseUrl, 1); // warm the emulator's code paths up
    for (let i = 0; i < runs; i++) {
      for (const [index, concurrency] of concurrencies.entries()) {
        const r = await walk(emulator.baseUrl, concurrency);
        if (r.n !== total) throw new Error(`listing returned ${r.n} of ${total} items`);
        results[index].push(r);
      }
    }
    const rows = [];
    for (const [index, concurrency] of concurrencies.entries()) {
      const row = {
        concurrency,
        ms: median(results[index].map((r) => r.ms)),
        cpuMs: median(results[index].map((r) => r.cpuMs)),
        peakHeapMb: Math.max(...results[index].map((r) => r.peakHeapMb)),
      };
      rows.push(row);
      process.stderr.write(`  listing c=${concurrency}: ${row.ms.toFixed(0)} ms\n`);
    }
    return rows;
  } finally {
    await emulator.close();
  }
}
