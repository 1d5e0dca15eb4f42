/**
 * Checks on esbuild metafiles of browser bundles: which modules must never reach a browser.
 */
import type { Metafile } from "esbuild";

/**
 * Why an input must not be in a browser bundle, by pattern on its normalised path; `anywhere`
 * rules also apply to modules esbuild only read, the others to modules that contribute bytes.
 */
const forbidden: ReadonlyArray<{ reason: string; pattern: RegExp; anywhere: boolean }> = [
  {
    reason: "Node transport",
    pattern: /(^|\/)node_modules\/@connectrpc\/connect-node\//,
    anywhere: true,
  },
  { reason: "Node built-in", pattern: /(^|:)node:/, anywhere: true },
  { reason: "emulator", pattern: /(^|\/)(dist\/)?src\/emulator\//, anywhere: false },
  { reason: "receiver", pattern: /(^|\/)(dist\/)?src\/receiver\//, anywhere: false },
  { reason: "auth provider", pattern: /(^|\/)(dist\/)?src\/auth[^/]*$/, anywhere: false },
  { reason: "our Node entry", pattern: /(^|\/)(dist\/)?src\/node\.(ts|js)$/, anywhere: false },
];

/** One offending input. */
interface ForbiddenInput {
  input: string;
  reason: string;
}

/**
 * Return the inputs of a browser bundle that must not be there.
 *
 * Node transports and built-ins are refused anywhere in `metafile.inputs` (even parsed-and-dropped
 * modules); the emulator, receiver, auth providers and the Node entry are refused when they
 * contribute bytes to an output (esbuild may still read a module to resolve a re-export).
 */
function findForbiddenInputs(metafile: Metafile): ForbiddenInput[] {
  const found = new Map<string, string>();
  const check = (input: string, anywhereRules: boolean): void => {
    const path = input.replace(/\\/g, "/");
    for (const { reason, pattern, anywhere } of forbidden) {
      if (anywhere === anywhereRules && pattern.test(path)) {
        found.set(input, reason);
      }
    }
  };
  for (const input of Object.keys(metafile.inputs)) {
    check(input, true);
    for (const { path } of metafile.inputs[input]?.imports ?? []) {
      check(path, true);
    }
  }
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      check(input, true);
      if (bytesInOutput > 0) {
        check(input, false);
      }
    }
  }
  return [...found].map(([input, reason]) => ({ input, reason }));
}

/** Return all input paths of a metafile that contributed bytes to an output. */
function bundledInputs(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
}

export type { ForbiddenInput };
export { bundledInputs, findForbiddenInputs };
