/**
 * Submitting benchmark jobs and timing them from the outside: the bench polls GetJobStatus and
 * notes when every subtask reported RUNNING and when the job became terminal.
 */
import * as path from 'node:path';
import { bundleJob, isTerminalState, type JobClient, type JobStatus__Output } from '@eddy/client';
import type { Cluster } from './cluster.js';
import { pollUntil } from './polling.js';

/**
 * Bundles the job file, uploads it and submits it.
 * @returns the job id.
 */
export async function submitJob(
  client: JobClient,
  file: string,
  opts: { readonly args?: readonly string[]; readonly parallelism: number },
): Promise<string> {
  const artifact = await bundleJob(file);
  const ref = await client.uploadArtifact(artifact.code, artifact.sha256);
  return client.submit({
    artifactSha256: ref.sha256,
    args: opts.args ?? [],
    parallelism: opts.parallelism,
    name: `bench-${path.basename(file, path.extname(file))}`,
  });
}

/** A status observed at a moment of the bench's monotonic clock. */
export interface Observation {
  /** `performance.now()` of the bench process when the answer arrived. */
  readonly at: number;
  readonly status: JobStatus__Output;
}

/** Options of the waits below. */
export interface WaitJobOptions {
  /** Poll interval in ms. Default 20. */
  readonly pollMs?: number;
  readonly timeoutMs: number;
}

function allTasksRunning(s: JobStatus__Output): boolean {
  const tasks = s.tasks ?? [];
  return tasks.length > 0 && tasks.every((t) => t.state === 'RUNNING' || t.state === 'FINISHED');
}

/**
 * Polls until every subtask of the job reported RUNNING (or already FINISHED).
 * @throws Error when the job becomes terminal first, a cluster process dies, or on timeout.
 */
export function waitUntilRunning(cluster: Cluster, jobId: string, opts: WaitJobOptions): Promise<Observation> {
  return pollUntil(
    async () => {
      cluster.checkAlive();
      const status = await cluster.client.getJobStatus(jobId);
      const at = performance.now();
      if (status.state === 'RUNNING' && allTasksRunning(status)) return { at, status };
      if (status.state === 'FINISHED') return { at, status };
      if (isTerminalState(status.state)) throw new Error(`job ended in ${status.state} before running: ${status.failure}`);
      return undefined;
    },
    { timeoutMs: opts.timeoutMs, intervalMs: opts.pollMs ?? 20, what: `job ${jobId} to run` },
  );
}

/**
 * Polls until the job is terminal (FINISHED, FAILED or CANCELED).
 * @throws Error when a cluster process dies or on timeout.
 */
export function waitUntilTerminal(cluster: Cluster, jobId: string, opts: WaitJobOptions): Promise<Observation> {
  return pollUntil(
    async () => {
      cluster.checkAlive();
      const status = await cluster.client.getJobStatus(jobId);
      const at = performance.now();
      return isTerminalState(status.state) ? { at, status } : undefined;
    },
    { timeoutMs: opts.timeoutMs, intervalMs: opts.pollMs ?? 20, what: `job ${jobId} to end` },
  );
}

/**
 * One line per vertex: its chained operators and the worker of each subtask, to show how the
 * scheduler placed the job, e.g. `Source: Sequence Source → Map → Filter: #0 worker-1a2b, #1 worker-3c4d`.
 */
export function describePlacement(status: JobStatus__Output): string[] {
  const chains = new Map<string, string[]>();
  for (const o of status.operators ?? []) {
    const chain = chains.get(o.vertexId) ?? [];
    chain.push(o.name);
    chains.set(o.vertexId, chain);
  }
  return [...chains].map(([vertexId, chain]) => {
    const subtasks = (status.tasks ?? [])
      .filter((t) => t.vertexId === vertexId)
      .sort((a, b) => a.subtask - b.subtask)
      .map((t) => `#${t.subtask} ${t.workerId}`);
    return `${chain.join(' → ')}: ${subtasks.join(', ')}`;
  });
}

/** Sum of `recordsIn` over the operators named `name` (one entry per operator, summed over subtasks). */
export function recordsIn(status: JobStatus__Output, name: string): number {
  return (status.operators ?? []).filter((o) => o.name === name).reduce((n, o) => n + Number(o.recordsIn), 0);
}
