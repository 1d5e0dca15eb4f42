// Cold import time of each entry point, each in a fresh Node process.
import { spawnSync } from "node:child_process";
import { root } from "./lib.mjs";

export const entries = {
  "zitadel-actions": "dist/src/index.js",
  "zitadel-actions/node": "dist/src/node.js",
  "zitadel-actions/web": "dist/src/web.js",
  "zitadel-actions/emulator": "dist/src/emulator/index.js",
  "zitadel-actions/receiver": "dist/src/receiver/index.js",
};

/** Return the median cold import time (ms) of each entry over `runs` fresh processes. */
export function benchImportTime({ runs = 7 } = {}) {
  const rows = [];
  for (const [name, file] of Object.entries(entries)) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const script = `const t0 = performance.now(); await import(${JSON.stringify(`${root}${file}`)}); console.log(performance.now() - t0);`;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(r.stderr);
      times.push(Number(r.stdout.trim()));
    }
    times.sort((a, b) => a - b);
    rows.push({ entry: name, ms: times[Math.floor(runs / 2)] });
  }
  return rows;
}
