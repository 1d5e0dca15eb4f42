import type { Metafile } from "esbuild";

/** The parts of a browser bundle that `measureBundle` reports. */
export type BundleGroup = "runtime" | "v2Schemas" | "v1Schemas" | "facade" | "app";

/** Options of `measureBundle`. */
export interface BundleSizeOptions {
  /** Source of the app to bundle (TypeScript); default imports `createActionsTransport` and `createActionsClient` from `zitadel-actions/web`. */
  entry?: string;
  /** Resolve `zitadel-actions` from this directory's `node_modules` instead of this repository's sources. */
  consumerDir?: string;
}

/** The cost of one group. */
export interface GroupSize {
  /** Minified bytes in the bundle (exact). */
  bytes: number;
  /** Gzip size of the group's minified code on its own. */
  gzipBytes: number;
  /** The metafile inputs that contributed bytes. */
  inputs: string[];
}

/** What `measureBundle` returns. */
export interface BundleSize {
  totalBytes: number;
  totalGzipBytes: number;
  groups: Record<BundleGroup, GroupSize>;
  metafile: Metafile;
}

/** Return the group of one esbuild metafile input path. */
export declare function classifyInput(input: string): BundleGroup;

/** Build a browser bundle of an app and return its size per group. */
export declare function measureBundle(options?: BundleSizeOptions): Promise<BundleSize>;

/** The app measured by default. */
export declare const defaultEntry: string;
