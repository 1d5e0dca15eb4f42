/**
 * Measure what each part of a browser bundle of zitadel-actions costs, minified and gzipped.
 *
 * The app is bundled with esbuild exactly like a browser app would be (`bundle`, `minify`,
 * `format: "esm"`, `platform: "browser"`). By default `zitadel-actions/*` resolves to this
 * repository's sources through the `exports` map (no build needed); pass `consumerDir` to
 * resolve it from an installed package instead.
 *
 * Groups: `runtime` (@bufbuild/protobuf, @connectrpc/*, any other dependency), `v2Schemas`
 * (generated `zitadel.action.v2` and `zitadel.filter.v2`), `v1Schemas` (the other generated
 * files: management, action v1, object, message), `facade` (our `src/`), `app` (the entry).
 *
 * `bytes` are exact: esbuild's per-input `bytesInOutput` of the minified bundle. `gzipBytes` is
 * the gzip size of that group's code alone (cut out of a bundle built with the same renaming and
 * syntax minification, then whitespace-minified), so the groups' gzip sizes add up to a little
 * more than `totalGzipBytes`, which is the real gzip size of the whole bundle.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The app measured by default: the two imports every browser user needs. */
const defaultEntry = `import { createActionsClient, createActionsTransport } from "zitadel-actions/web";
export const client = createActionsClient(createActionsTransport({ baseUrl: location.origin }));
`;

const groupNames = /** @type {const} */ (["runtime", "v2Schemas", "v1Schemas", "facade", "app"]);

/**
 * Return the group of one esbuild metafile input path.
 *
 * @param {string} input
 * @returns {"runtime" | "v2Schemas" | "v1Schemas" | "facade" | "app"}
 */
function classifyInput(input) {
  const path = input.replace(/\\/g, "/");
  const ownInstalled = path.match(/(?:^|\/)node_modules\/zitadel-actions\/(.*)$/);
  if (ownInstalled === null && /(?:^|\/)node_modules\//.test(path)) {
    return "runtime";
  }
  const own = (ownInstalled?.[1] ?? path).replace(/^dist\//, "");
  if (/^gen\/zitadel\/(action|filter)\/v2\//.test(own)) {
    return "v2Schemas";
  }
  if (own.startsWith("gen/")) {
    return "v1Schemas";
  }
  if (own.startsWith("src/")) {
    return "facade";
  }
  return "app";
}

/**
 * Build a browser bundle of `entry` and return its size per group.
 *
 * @param {import("./bundle-size.d.mts").BundleSizeOptions} [options]
 * @returns {Promise<import("./bundle-size.d.mts").BundleSize>}
 */
async function measureBundle(options = {}) {
  const entry = options.entry ?? defaultEntry;
  const resolveDir = options.consumerDir ?? repoRoot;
  const common = {
    stdin: { contents: entry, resolveDir, loader: "ts", sourcefile: "app.ts" },
    absWorkingDir: resolveDir,
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
    plugins: options.consumerDir === undefined ? [resolveToSources()] : [],
  };
  const minified = await esbuild.build({ ...common, minify: true });
  const output = Object.values(minified.metafile.outputs)[0];
  const code = minified.outputFiles[0].contents;

  const groups = Object.fromEntries(
    groupNames.map((name) => [name, { bytes: 0, gzipBytes: 0, inputs: [] }]),
  );
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput > 0) {
      const group = groups[classifyInput(input)];
      group.bytes += bytesInOutput;
      group.inputs.push(input);
    }
  }

  // Same bundle with the module markers esbuild writes when whitespace is kept.
  const marked = await esbuild.build({ ...common, minifySyntax: true, minifyIdentifiers: true });
  const chunks = Object.fromEntries(groupNames.map((name) => [name, []]));
  let current = "app";
  for (const line of marked.outputFiles[0].text.split("\n")) {
    const marker = line.match(/^\/\/ (\S+)$/);
    if (marker !== null && marker[1] !== undefined && marker[1] in marked.metafile.inputs) {
      current = classifyInput(marker[1]);
      continue;
    }
    chunks[current].push(line);
  }
  for (const name of groupNames) {
    const text = chunks[name].join("\n");
    const compact = await esbuild
      .transform(text, { minifyWhitespace: true, loader: "js", logLevel: "silent" })
      .then((r) => r.code)
      .catch(() => text);
    groups[name].gzipBytes = groups[name].bytes === 0 ? 0 : gzipSync(compact, { level: 9 }).length;
  }

  return {
    totalBytes: code.length,
    totalGzipBytes: gzipSync(code, { level: 9 }).length,
    groups,
    metafile: minified.metafile,
  };
}

/** Resolve `zitadel-actions[/sub]` to `src/` and `gen/` TypeScript through the `exports` map. */
function resolveToSources() {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
  return {
    name: "zitadel-actions-sources",
    /** @param {esbuild.PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: /^zitadel-actions(\/.*)?$/ }, (args) => {
        const subpath = `.${args.path.slice("zitadel-actions".length)}`;
        const target = exportTarget(pkg.exports, subpath);
        if (target === undefined) {
          return { errors: [{ text: `${args.path} is not exported by zitadel-actions` }] };
        }
        return { path: join(repoRoot, target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")) };
      });
    },
  };
}

/**
 * @param {Record<string, unknown>} exportsMap
 * @param {string} subpath
 * @returns {string | undefined}
 */
function exportTarget(exportsMap, subpath) {
  const pick = (/** @type {unknown} */ entry) =>
    typeof entry === "string" ? entry : /** @type {{ default?: string }} */ (entry)?.default;
  if (subpath in exportsMap) {
    return pick(exportsMap[subpath]);
  }
  for (const [key, value] of Object.entries(exportsMap)) {
    const star = key.indexOf("*");
    if (
      star >= 0 &&
      subpath.startsWith(key.slice(0, star)) &&
      subpath.endsWith(key.slice(star + 1))
    ) {
      const middle = subpath.slice(star, subpath.length - (key.length - star - 1));
      return pick(value)?.replace("*", middle);
    }
  }
  return undefined;
}

export { classifyInput, defaultEntry, measureBundle };
