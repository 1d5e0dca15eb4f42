// `npm run bench`: every benchmark in one run; prints the tables and writes bench/RESULTS.md.
// `--quick` runs shorter measurements and does not write RESULTS.md (for trying changes).
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { benchBundles } from "./bundle.mjs";
import { benchImportTime } from "./import-time.mjs";
import { fmt, root } from "./lib.mjs";
import { benchListing } from "./listing.mjs";
import { benchUnary } from "./unary.mjs";

const quick = process.argv.includes("--quick");
const started = performance.now();
const loadBefore = os.loadavg();

// Always rebuild: a stale dist/ would measure old code (the build takes a few seconds).
process.stderr.write("build…\n");
execSync("npm run build", { cwd: root, stdio: ["ignore", "ignore", "inherit"] });

const version = (name) =>
  JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;

process.stderr.write("unary…\n");
const {
  rows: unary,
  paired,
  isolated,
} = await benchUnary(quick ? { durationMs: 500, rounds: 1 } : {});
process.stderr.write("listing…\n");
const listing = await benchListing(quick ? { runs: 1 } : {});
process.stderr.write("bundles…\n");
const bundles = await benchBundles();
process.stderr.write("import time…\n");
const imports = benchImportTime(quick ? { runs: 3 } : {});
const loadAfter = os.loadavg();
const seconds = (performance.now() - started) / 1000;

const kb = (n) => (n / 1000).toFixed(1);
const pct = (n) => `${n >= 0 ? "+" : ""}${fmt(n, 1)} %`;
const row = (client, protocol, concurrency) =>
  unary.find(
    (r) => r.client === client && r.protocol === protocol && r.concurrency === concurrency,
  );
const concurrencies = [...new Set(unary.map((r) => r.concurrency))];

const lines = [];
lines.push("# Benchmark results", "");
lines.push(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}; Node ${process.version}.`,
  `Load average (1 min) before / after the run: ${fmt(loadBefore[0], 1)} / ${fmt(loadAfter[0], 1)} — other work on the machine competes for its ${os.cpus().length} cores.`,
  "",
  `Versions: zitadel-actions ${JSON.parse(readFileSync(`${root}package.json`, "utf8")).version}, @connectrpc/connect-node ${version("@connectrpc/connect-node")}, @connectrpc/connect-web ${version("@connectrpc/connect-web")}, @bufbuild/protobuf ${version("@bufbuild/protobuf")}, @grpc/grpc-js ${version("@grpc/grpc-js")}, @zitadel/client ${version("@zitadel/client")}, @zitadel/proto ${version("@zitadel/proto")}, esbuild ${version("esbuild")}.`,
  "",
  `Reproduce: \`npm run bench\` (${quick ? "quick mode" : "full run"}: ${fmt(seconds, 0)} s including the build). The emulator runs in its own process on 127.0.0.1; on a 2-core machine it competes with the client for CPU, so absolute numbers are lower than against a remote ZITADEL, and ratios between clients measured in the same run are the meaningful part.`,
  "",
);

lines.push("## 1. Unary `GetTarget` against the emulator (separate process)", "");
lines.push(
  "Closed loop: `concurrency` callers each await one call after another. Each row is the median of 5 rounds of 1.5 s; in every round each client runs once, in rotated order. Client CPU is the benchmark process's CPU time per call (the server's is not included).",
  "",
  "| client | protocol | concurrency | calls/s | p50 ms | p99 ms | client CPU µs/call |",
  "|---|---|---:|---:|---:|---:|---:|",
);
for (const r of unary) {
  lines.push(
    `| ${r.client} | ${r.protocol} | ${r.concurrency} | ${fmt(r.throughput, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.cpuUsPerCall, 0)} |`,
  );
}
lines.push(
  "",
  "Facade vs raw client over gRPC, as the median over the rounds of each round's ratio (both measured in the same round), and ours vs grpc-js:",
  "",
  "| concurrency | facade vs raw: throughput | facade vs raw: p50 | facade vs raw: client CPU | facade ÷ grpc-js throughput | raw ÷ grpc-js throughput |",
  "|---:|---:|---:|---:|---:|---:|",
);
for (const c of concurrencies) {
  const f = row("facade", "gRPC", c);
  const r = row("raw Connect client", "gRPC", c);
  const g = row("@grpc/grpc-js", "gRPC", c);
  const p = paired.find((x) => x.concurrency === c);
  lines.push(
    `| ${c} | ${pct((p.throughput - 1) * 100)} | ${pct((p.p50 - 1) * 100)} | ${pct((f.cpuUsPerCall / r.cpuUsPerCall - 1) * 100)} | ${fmt(f.throughput / g.throughput)}× | ${fmt(r.throughput / g.throughput)}× |`,
  );
}
lines.push(
  "",
  `The facade's own cost, without network or server (both clients over an in-memory transport that returns the same \`GetTargetResponse\`; median CPU per call): raw client ${fmt(isolated.rawUs)} µs, facade ${fmt(isolated.facadeUs)} µs, so the facade adds ${fmt(isolated.facadeUs - isolated.rawUs)} µs per call.`,
);

lines.push("", "## 2. Listing 10,000 targets (page size 100, emulator latency 5 ms per call)", "");
lines.push(
  "`for await (const t of client.listTargets({ pageSize: 100, concurrency }))` over gRPC, each walk in a fresh process after a warm-up walk of 3,000 targets. Wall time is the median of the runs; peak heap is the largest growth of `heapUsed` over the walk (sampled every 2 ms) in any run.",
  "",
  "| concurrency | wall time ms | speed-up | client CPU ms | peak heap growth MiB |",
  "|---:|---:|---:|---:|---:|",
);
const seq = listing.find((r) => r.concurrency === 1);
for (const r of listing) {
  lines.push(
    `| ${r.concurrency === 1 ? "1 (sequential)" : r.concurrency} | ${fmt(r.ms, 0)} | ${fmt(seq.ms / r.ms, 1)}× | ${fmt(r.cpuMs, 0)} | ${fmt(r.peakHeapMb, 1)} |`,
  );
}

lines.push("", "## 3. Browser bundle (esbuild, minified, ESM, browser; gzip level 9)", "");
lines.push(
  "kB = 1000 bytes. The parts are the gzip size of each part's code on its own (see `bench/bundle-size.mjs`), so they add up to a little more than the total.",
  "",
  "| app | minified kB | gzip kB | runtime | v2 schemas | v1 schemas | facade |",
  "|---|---:|---:|---:|---:|---:|---:|",
);
for (const r of bundles) {
  const g = r.groups;
  lines.push(
    `| ${r.app} | ${kb(r.minified)} | **${kb(r.gzip)}** | ${kb(g.runtime)} | ${kb(g.v2Schemas)} | ${kb(g.v1Schemas)} | ${kb(g.facade)} |`,
  );
}

lines.push("", "## 4. Cold import time (median of fresh Node processes)", "");
lines.push("| entry | ms |", "|---|---:|");
for (const r of imports) lines.push(`| \`${r.entry}\` | ${fmt(r.ms, 1)} |`);

// Targets of issue 9, judged from this run's numbers.
const targets = [];
const met = (ok) => (ok ? "met" : "**not met**");
for (const c of concurrencies) {
  const p = paired.find((x) => x.concurrency === c);
  const thr = (1 - p.throughput) * 100;
  const lat = (p.p50 - 1) * 100;
  targets.push([
    `Facade overhead ≤ 5 % over the raw Connect client, c=${c}`,
    `throughput ${pct(-thr)}, p50 ${pct(lat)}`,
    met(thr <= 5 && lat <= 5),
  ]);
}
for (const c of concurrencies.filter((c) => c >= 16)) {
  const f = row("facade", "gRPC", c);
  const r = row("raw Connect client", "gRPC", c);
  const g = row("@grpc/grpc-js", "gRPC", c);
  targets.push([
    `gRPC throughput ≥ @grpc/grpc-js, c=${c}`,
    `facade ${fmt(f.throughput, 0)}/s, raw ${fmt(r.throughput, 0)}/s vs grpc-js ${fmt(g.throughput, 0)}/s (${fmt(f.throughput / g.throughput)}×)`,
    met(f.throughput >= g.throughput && r.throughput >= g.throughput),
  ]);
}
const c8 = listing.find((r) => r.concurrency === 8);
if (c8 !== undefined) {
  const heaps = listing.map((r) => r.peakHeapMb);
  targets.push([
    "10,000 targets with `concurrency: 8` ≥ 5× faster than sequential",
    `${fmt(seq.ms / c8.ms, 1)}× (${fmt(seq.ms, 0)} → ${fmt(c8.ms, 0)} ms)`,
    met(seq.ms / c8.ms >= 5),
  ]);
  targets.push([
    "…with flat peak heap",
    `${fmt(Math.min(...heaps), 1)}–${fmt(Math.max(...heaps), 1)} MiB across concurrencies`,
    met(c8.peakHeapMb <= seq.peakHeapMb * 1.5 + 2),
  ]);
}
const whole = bundles.find((r) => r.kind === "ours-whole");
const peersV2 = bundles.filter((r) => r.kind === "peer-v2");
const smallestPeer = Math.min(...peersV2.map((r) => r.gzip));
targets.push([
  "Whole client (v2 + v1 facade, gRPC-web) ≤ 45 kB gzip",
  `${kb(whole.gzip)} kB`,
  met(whole.gzip <= 45_000),
]);
targets.push([
  "…and below every peer's v2-only bundle",
  `${kb(whole.gzip)} kB vs ${peersV2.map((r) => `${kb(r.gzip)} kB`).join(", ")}`,
  met(whole.gzip < smallestPeer),
]);
const oursV1 = bundles.find((r) => r.kind === "ours-v1");
const peerV1 = bundles.find((r) => r.kind === "peer-v1");
targets.push([
  "v1 search app ≤ 1/4 of `@zitadel/client/v1`'s",
  `${kb(oursV1.gzip)} kB vs ${kb(peerV1.gzip)} kB (1/${fmt(peerV1.gzip / oursV1.gzip, 1)})`,
  met(oursV1.gzip * 4 <= peerV1.gzip),
]);

const table = [
  "| target | measured | status |",
  "|---|---|---|",
  ...targets.map((t) => `| ${t.join(" | ")} |`),
];
const notesFile = `${root}bench/NOTES.md`;
let notes = "";
try {
  notes = readFileSync(notesFile, "utf8").trim();
} catch {}

const text = [
  ...lines,
  "",
  "## Targets",
  "",
  ...table,
  "",
  ...(notes === "" ? [] : [notes, ""]),
].join("\n");
console.log(text);

// The README section: the headline numbers, how to reproduce them, and where they were taken.
const rawRow = (c) => row("raw Connect client", "gRPC", c);
const readme = [
  "## Benchmarks",
  "",
  "Measured side by side with the libraries you would otherwise pick, in one run of `npm run bench`",
  "(full tables, method and the status of each target: [`bench/RESULTS.md`](bench/RESULTS.md)).",
  "",
  "| | zitadel-actions (facade) | raw generated Connect client | peer |",
  "|---|---:|---:|---:|",
  ...concurrencies.map(
    (c) =>
      `| \`getTarget\` over gRPC, concurrency ${c}: calls/s (p50 ms) | ${fmt(row("facade", "gRPC", c).throughput, 0)} (${fmt(row("facade", "gRPC", c).p50)}) | ${fmt(rawRow(c).throughput, 0)} (${fmt(rawRow(c).p50)}) | @grpc/grpc-js: ${fmt(row("@grpc/grpc-js", "gRPC", c).throughput, 0)} (${fmt(row("@grpc/grpc-js", "gRPC", c).p50)}) |`,
  ),
  `| \`getTarget\` client CPU per call, concurrency ${concurrencies.at(-1)} | ${fmt(row("facade", "gRPC", concurrencies.at(-1)).cpuUsPerCall, 0)} µs | ${fmt(rawRow(concurrencies.at(-1)).cpuUsPerCall, 0)} µs | @grpc/grpc-js: ${fmt(row("@grpc/grpc-js", "gRPC", concurrencies.at(-1)).cpuUsPerCall, 0)} µs |`,
  ...listing.map(
    (r) =>
      `| list 10,000 targets, 5 ms latency, \`concurrency: ${r.concurrency}\` | ${fmt(r.ms, 0)} ms, ${fmt(r.peakHeapMb, 1)} MiB peak heap | | |`,
  ),
  `| browser bundle, whole client (v2 + v1, gRPC-web), gzip | ${kb(whole.gzip)} kB | ${kb(bundles.find((r) => r.kind === "ours-raw").gzip)} kB (v2 only) | @zitadel/proto v2beta: ${kb(peersV2[0].gzip)} kB; @zitadel/client: ${kb(peersV2[1].gzip)} kB |`,
  `| browser bundle, v1 search actions, gzip | ${kb(oursV1.gzip)} kB | | @zitadel/client/v1: ${kb(peerV1.gzip)} kB |`,
  ...imports.map((r) => `| cold import of \`${r.entry}\` | ${fmt(r.ms, 0)} ms | | |`),
  "",
  `Taken on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, with the emulator in a separate process on the same machine (it competes with the client for the CPU); @connectrpc/connect-node ${version("@connectrpc/connect-node")}, @grpc/grpc-js ${version("@grpc/grpc-js")}, @zitadel/client and @zitadel/proto ${version("@zitadel/client")}, esbuild ${version("esbuild")}.`,
  "",
  "Reproduce on a clone (no ZITADEL needed: everything runs against the emulator on 127.0.0.1; under 5 minutes on 2 cores):",
  "",
  "```sh",
  "npm ci",
  "npm run bench          # rebuilds dist/, prints the tables, writes bench/RESULTS.md and this README section",
  "npm run bench -- --quick   # shorter, prints only (for trying changes)",
  "```",
  "",
].join("\n");
if (!quick) {
  writeFileSync(`${root}bench/RESULTS.md`, text);
  // The README carries the latest table: replace its section between the two markers.
  const readmePath = `${root}README.md`;
  const current = readFileSync(readmePath, "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  writeFileSync(
    readmePath,
    `${current.slice(0, from + start.length)}\n${readme}${current.slice(to)}`,
  );
}
