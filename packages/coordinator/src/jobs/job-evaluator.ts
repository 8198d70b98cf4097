/**
 * Evaluates a job artifact in a worker thread with a wall-clock limit, so that a job that throws,
 * loops or allocates without bound never takes the coordinator down.
 */
import { Worker } from 'node:worker_threads';
import { invalidArgument, type JobGraph } from '@eddy/common';

/** Options of {@link evaluateJob}. */
export interface EvaluateOptions {
  readonly artifactFile: string;
  readonly args: readonly string[];
  /** Submission parallelism override; 0 = the job's own. */
  readonly parallelism: number;
  readonly timeoutMs: number;
}

/**
 * Builds the job's JobGraph.
 * @throws EddyError(INVALID_ARGUMENT) with the cause when the job fails to load, throws, builds an
 *   invalid graph, or exceeds the time or memory limit.
 */
export function evaluateJob(opts: EvaluateOptions): Promise<JobGraph> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL('./job-evaluator-thread.js', import.meta.url), {
      workerData: { artifactFile: opts.artifactFile, args: [...opts.args], parallelism: opts.parallelism },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void thread.terminate();
    };
    const timer = setTimeout(
      () => settle(() => reject(invalidArgument(`the job did not finish building its graph within ${opts.timeoutMs} ms`))),
      opts.timeoutMs,
    );
    thread.on('message', (m: { ok: boolean; jobGraph?: JobGraph; message?: string }) => {
      if (m.ok && m.jobGraph) settle(() => resolve(m.jobGraph!));
      else settle(() => reject(invalidArgument(m.message ?? 'the job is invalid')));
    });
    thread.on('error', (err) => settle(() => reject(invalidArgument(`the job crashed while building its graph: ${err.message}`))));
    thread.on('exit', (code) =>
      settle(() => reject(invalidArgument(`the job evaluation exited (code ${code}) before building a graph`))),
    );
  });
}
