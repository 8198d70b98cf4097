/**
 * Where the bench finds its own files. Benchmarks run from `bench/dist/**`, but job files are
 * bundled from their TypeScript sources in `bench/jobs/`, so paths are resolved from the bench root.
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of `bench/` (this file is compiled to `bench/dist/support/paths.js`). */
export const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of the TypeScript source of a benchmark job, e.g. `jobFile('throughput-job.ts')`. */
export function jobFile(name: string): string {
  return fileURLToPath(new URL(`../../jobs/${name}`, import.meta.url));
}

/** Absolute path of the compiled child entry point that runs a coordinator or a worker. */
export const CLUSTER_NODE_MAIN = fileURLToPath(new URL('./cluster-node.js', import.meta.url));
