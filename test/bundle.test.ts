/**
 * Tree-shaking: a browser app importing `createActionsTransport` from `zitadel-actions/web` and
 * `createActionsClient` bundles without emulator, receiver, auth providers or Node code, from
 * the sources and from the packed tarball; and `measureBundle` reports every part's cost.
 */
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyInput, measureBundle } from "../bench/bundle-size.mjs";
import { bundledInputs, findForbiddenInputs } from "./helpers/bundle-inputs.js";
import { type Consumer, createConsumer } from "./helpers/pack-consumer.js";
import { repoRoot } from "./helpers/pack-exec.js";
import { packLibrary } from "./helpers/pack-tarball.js";

const webApp = `
import { createActionsClient } from "zitadel-actions";
import { createActionsTransport } from "zitadel-actions/web";
export const client = createActionsClient(createActionsTransport({ baseUrl: location.origin }));
`;

describe("a browser bundle built from the sources", () => {
  it("holds the web transport, the client and their schemas, and nothing Node-only", async () => {
    const { metafile, groups, totalBytes, totalGzipBytes } = await measureBundle({ entry: webApp });
    expect(findForbiddenInputs(metafile)).toEqual([]);
    const inputs = bundledInputs(metafile);
    expect(inputs).toEqual(expect.arrayContaining(["src/web.ts", "src/client.ts"]));
    expect(inputs.some((i) => i.includes("node_modules/@connectrpc/connect-web/"))).toBe(true);
    expect(inputs.some((i) => i.includes("node_modules/jose/"))).toBe(false);
    for (const name of ["runtime", "v2Schemas", "v1Schemas", "facade"] as const) {
      expect(groups[name].bytes).toBeGreaterThan(0);
      expect(groups[name].gzipBytes).toBeGreaterThan(0);
      expect(groups[name].gzipBytes).toBeLessThan(groups[name].bytes);
    }
    const sum = Object.values(groups).reduce((total, g) => total + g.bytes, 0);
    expect(sum).toBeLessThanOrEqual(totalBytes);
    expect(totalGzipBytes).toBeLessThan(totalBytes);
  });

  it("holds only v2 schemas for an app that imports one generated schema", async () => {
    const { metafile, groups } = await measureBundle({
      entry: `import { TargetSchema } from "zitadel-actions/gen/zitadel/action/v2/target_pb";
export const name = TargetSchema.typeName;`,
    });
    expect(findForbiddenInputs(metafile)).toEqual([]);
    expect(groups.v2Schemas.inputs).toContain("gen/zitadel/action/v2/target_pb.ts");
    expect(groups.v1Schemas.bytes).toBe(0);
    expect(groups.facade.bytes).toBe(0);
    expect(bundledInputs(metafile).some((i) => i.includes("@connectrpc/"))).toBe(false);
  });

  it("flags Node code when it gets in (the check can fail)", async () => {
    const result = await esbuild.build({
      stdin: {
        contents: `import { createActionsTransport } from "./src/node.ts";
export const t = createActionsTransport;`,
        resolveDir: repoRoot,
        loader: "ts",
      },
      absWorkingDir: repoRoot,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      metafile: true,
      logLevel: "silent",
    });
    const reasons = new Set(findForbiddenInputs(result.metafile).map((f) => f.reason));
    expect(reasons).toEqual(new Set(["Node transport", "Node built-in", "our Node entry"]));
  });

  it("groups metafile inputs from sources and from an installed package alike", () => {
    expect(classifyInput("node_modules/@bufbuild/protobuf/dist/esm/create.js")).toBe("runtime");
    expect(classifyInput("gen/zitadel/filter/v2/filter_pb.ts")).toBe("v2Schemas");
    expect(
      classifyInput("node_modules/zitadel-actions/dist/gen/zitadel/action/v2/target_pb.js"),
    ).toBe("v2Schemas");
    expect(classifyInput("gen/zitadel/management_pb.ts")).toBe("v1Schemas");
    expect(classifyInput("node_modules/zitadel-actions/dist/gen/zitadel/object_pb.js")).toBe(
      "v1Schemas",
    );
    expect(classifyInput("src/client.ts")).toBe("facade");
    expect(classifyInput("node_modules/zitadel-actions/dist/src/web.js")).toBe("facade");
    expect(classifyInput("app.ts")).toBe("app");
  });
});

describe("a browser bundle built from the packed tarball", () => {
  let consumer: Consumer;

  beforeAll(async () => {
    const { tarball } = await packLibrary();
    consumer = await createConsumer({
      name: "bundle",
      packageJson: { type: "module" },
      install: [tarball],
    });
  }, 120_000);

  afterAll(() => consumer?.remove());

  it("tree-shakes the same way (sideEffects: false ships)", async () => {
    const { metafile, groups } = await measureBundle({ entry: webApp, consumerDir: consumer.dir });
    expect(findForbiddenInputs(metafile)).toEqual([]);
    expect(groups.facade.inputs).toEqual(
      expect.arrayContaining([
        "node_modules/zitadel-actions/dist/src/client.js",
        "node_modules/zitadel-actions/dist/src/web.js",
      ]),
    );
    expect(groups.v2Schemas.bytes).toBeGreaterThan(0);
    expect(groups.v1Schemas.bytes).toBeGreaterThan(0);
  });
});
