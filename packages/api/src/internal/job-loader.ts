/**
 * Loading and evaluating job artifacts, shared by the coordinator (to plan) and workers (to run).
 *
 * Artifact contract (produced by the client's bundler): one ESM file in which every import of
 * `@eddy/api` reads the API from `globalThis[Symbol.for('eddy.api')]`. That way the job always
 * uses the runtime's own API classes, whatever version the job was bundled against.
 */
import { pathToFileURL } from 'node:url';
import { buildJobGraph, streamGraphFingerprint, validateStreamGraph, type JobGraph } from '@eddy/common';
import { StreamExecutionEnvironment, type JobFunction } from '../environment.js';

/** The global slot through which bundled jobs reach the API. */
export const API_GLOBAL = Symbol.for('eddy.api');

/** Thrown when a job cannot be loaded or builds an invalid graph; the message is for the job's author. */
export class InvalidJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidJobError';
  }
}

/**
 * Imports a job artifact file and returns its default export.
 * @throws InvalidJobError when the module fails to evaluate or has no function as default export.
 */
export async function loadJobFunction(artifactFile: string): Promise<JobFunction> {
  const g = globalThis as Record<symbol, unknown>;
  g[API_GLOBAL] ??= await import('../index.js');
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(artifactFile).href)) as { default?: unknown };
  } catch (err) {
    throw new InvalidJobError(`the job module failed to load: ${errorText(err)}`, { cause: err });
  }
  if (typeof mod.default !== 'function')
    throw new InvalidJobError(
      'the job module has no default export function; export `default (env, args) => { ... }`',
    );
  return mod.default as JobFunction;
}

/** Result of building a job's graph. */
export interface BuiltJob {
  readonly env: StreamExecutionEnvironment;
  readonly jobGraph: JobGraph;
  /** Identifies the stream graph; every process must build the same one. */
  readonly fingerprint: string;
}

/**
 * Runs a job function against a fresh environment and chains the result.
 * @param defaultParallelism the submission's parallelism override; 0 or undefined keeps the default.
 * @throws InvalidJobError when the function throws or the graph is invalid (every problem listed).
 */
export function buildJob(jobFn: JobFunction, args: readonly string[], defaultParallelism?: number): BuiltJob {
  const env = new StreamExecutionEnvironment(
    defaultParallelism && defaultParallelism > 0 ? { defaultParallelism } : {},
  );
  try {
    const result: unknown = jobFn(env, [...args]);
    if (result instanceof Promise)
      throw new Error('the job function must build the graph synchronously (it returned a Promise)');
  } catch (err) {
    throw new InvalidJobError(`the job threw while building its graph: ${errorText(err)}`, { cause: err });
  }
  const descriptor = env.describe();
  const problems = validateStreamGraph(descriptor);
  if (problems.length > 0) throw new InvalidJobError(`invalid job graph: ${problems.join('; ')}`);
  return { env, jobGraph: buildJobGraph(descriptor), fingerprint: streamGraphFingerprint(descriptor) };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
