// `npm run bench`: every benchmark in one run; prints the tables and writes bench/RESULTS.md.
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { benchBundles } from "./bundle.mjs";
import { benchImportTime } from "./import-time.mjs";
import { fmt, root } from "./lib.mjs";
import { benchListing } from "./listing.mjs";
import { benchUnary } from "./unary.mjs";

const quick = process.argv.includes("--quick");
if (!existsSync(`${root}dist/src/node.js`)) {
  execSync("npm run build", { cwd: root, stdio: "inherit" });
}

const version = (name) =>
  JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;

const started = performance.now();
process.stderr.write("unary…\n");
const unary = await benchUnary(quick ? { durationMs: 600 } : {});
process.stderr.write("listing…\n");
const listing = await benchListing(quick ? { runs: 1 } : {});
process.stderr.write("bundles…\n");
const bundles = await benchBundles();
process.stderr.write("import time…\n");
const imports = benchImportTime(quick ? { runs: 3 } : {});

const kb = (n) => (n / 1024).toFixed(1);
const lines = [];
lines.push("# Benchmark results", "");
lines.push(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}.`,
  `Versions: zitadel-actions ${JSON.parse(readFileSync(`${root}package.json`, "utf8")).version}, @connectrpc/connect-node ${version("@connectrpc/connect-node")}, @bufbuild/protobuf ${version("@bufbuild/protobuf")}, @grpc/grpc-js ${version("@grpc/grpc-js")}, @zitadel/client ${version("@zitadel/client")}, @zitadel/proto ${version("@zitadel/proto")}, esbuild ${version("esbuild")}.`,
  `Reproduce: \`npm run bench\` (${quick ? "quick mode" : "full run"}, ${((performance.now() - started) / 1000).toFixed(0)} s). The emulator runs in a separate process on 127.0.0.1.`,
  "",
);
lines.push("## 1. Unary GetTarget against the emulator (separate process)", "");
lines.push(
  "| client | protocol | concurrency | calls/s | p50 ms | p99 ms |",
  "|---|---|---:|---:|---:|---:|",
);
for (const r of unary) {
  lines.push(
    `| ${r.client} | ${r.protocol} | ${r.concurrency} | ${fmt(r.throughput, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} |`,
  );
}
const raw = (c, p) =>
  unary.find((r) => r.client === "raw Connect client" && r.concurrency === c && r.protocol === p);
const facade = (c, p) =>
  unary.find((r) => r.client === "facade" && r.concurrency === c && r.protocol === p);
const grpcjs = (c) => unary.find((r) => r.client === "@grpc/grpc-js" && r.concurrency === c);
lines.push(
  "",
  "| concurrency | facade overhead vs raw (throughput) | facade overhead vs raw (p50) | ours raw ÷ grpc-js (throughput) |",
  "|---:|---:|---:|---:|",
);
for (const c of [...new Set(unary.map((r) => r.concurrency))]) {
  const f = facade(c, "gRPC");
  const r = raw(c, "gRPC");
  const g = grpcjs(c);
  lines.push(
    `| ${c} | ${fmt((1 - f.throughput / r.throughput) * 100, 1)} % | ${fmt((f.p50 / r.p50 - 1) * 100, 1)} % | ${fmt(r.throughput / g.throughput)}× |`,
  );
}
lines.push("", "## 2. Listing 10,000 targets (page size 100, emulator latency 5 ms per call)", "");
lines.push(
  "| concurrency | wall time ms | speed-up | peak heap growth MiB |",
  "|---:|---:|---:|---:|",
);
const seq = listing.find((r) => r.concurrency === 1);
for (const r of listing) {
  lines.push(
    `| ${r.concurrency === 1 ? "1 (sequential)" : r.concurrency} | ${fmt(r.ms, 0)} | ${fmt(seq.ms / r.ms, 1)}× | ${fmt(r.peakHeapMb, 1)} |`,
  );
}
lines.push("", "## 3. Browser bundle (esbuild, minified, gzip level 9)", "");
lines.push(
  "| app | minified kB | gzip kB | runtime kB | v2 schemas kB | v1 schemas kB | facade kB |",
  "|---|---:|---:|---:|---:|---:|---:|",
);
for (const r of bundles) {
  const g = r.groups;
  lines.push(
    `| ${r.app} | ${kb(r.minified)} | ${kb(r.gzip)} | ${kb(g.runtime)} | ${kb(g["v2 schemas"])} | ${kb(g["v1 schemas"])} | ${kb(g.facade)} |`,
  );
}
lines.push("", "Per-part columns are minified bytes before gzip, as esbuild attributes them.", "");
lines.push("## 4. Cold import time (median of fresh processes)", "");
lines.push("| entry | ms |", "|---|---:|");
for (const r of imports) lines.push(`| \`${r.entry}\` | ${fmt(r.ms, 1)} |`);
lines.push("");

const text = lines.join("\n");
console.log(text);
if (!quick) writeFileSync(`${root}bench/RESULTS.md`, text);
