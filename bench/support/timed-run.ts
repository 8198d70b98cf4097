/**
 * Timing a bounded benchmark job from RUNNING to FINISHED without disturbing it. On a machine
 * whose cores the workers fill, a status poll every 20 ms took about 8 % of a core in the bench
 * and as much again in the coordinator, all of it taken from the workers being measured. So the
 * run is polled slowly, and its end is the coordinator's own `endTime` (the moment it saw the
 * last task finish, to the millisecond), not the poll that noticed it.
 */
import type { JobStatus__Output } from '@eddy/client';
import type { Cluster } from './cluster.js';
import type { Observation } from './jobs.js';
import { sleep } from './polling.js';

/** Status poll interval while a measured job runs. */
export const RUN_POLL_MS = 250;

/** Options of {@link timeRun}. */
export interface TimeRunOptions {
  /** When the bench saw every subtask RUNNING (see waitUntilRunning): the start of the run. */
  readonly running: Observation;
  /** A run still going this many ms after `running` ends the wait; the caller cancels it. */
  readonly capMs: number;
  /** Records counted so far by the operator that sees every record (e.g. the sink). */
  readonly counted: (status: JobStatus__Output) => number;
  /** The number of records the job processes. */
  readonly events: number;
  /** Called after every poll while the job runs (e.g. to list checkpoints). */
  readonly onPoll?: () => Promise<unknown>;
}

/** How a timed run ended. */
export interface TimedRun {
  /** The last status: terminal, or the one that hit the cap. */
  readonly status: JobStatus__Output;
  /** Whether the cap ended the wait (the job is still running then). */
  readonly capped: boolean;
  /** Seconds from RUNNING to the coordinator's endTime, or to the poll that hit the cap. */
  readonly seconds: number;
  /** Seconds from the poll that first saw `events` records counted to the end; undefined when none did. */
  readonly drainSeconds: number | undefined;
}

/** Wall-clock ms of a bench-clock observation (the coordinator's endTime is wall-clock ms on the same machine). */
function wallMs(at: number): number {
  return performance.timeOrigin + at;
}

/**
 * Polls the job every {@link RUN_POLL_MS} until it is terminal or `capMs` passed.
 * @throws Error when a cluster process dies.
 */
export async function timeRun(cluster: Cluster, jobId: string, opts: TimeRunOptions): Promise<TimedRun> {
  const start = wallMs(opts.running.at);
  let allInAt: number | undefined;
  for (;;) {
    cluster.checkAlive();
    const status = await cluster.client.getJobStatus(jobId);
    const at = performance.now();
    if (allInAt === undefined && opts.counted(status) >= opts.events) allInAt = wallMs(at);
    const terminal = status.state === 'FINISHED' || status.state === 'FAILED' || status.state === 'CANCELED';
    const capped = !terminal && at - opts.running.at > opts.capMs;
    if (terminal || capped) {
      const endTime = Number(status.endTime);
      const end = terminal && endTime > 0 ? endTime : wallMs(at);
      return {
        status,
        capped,
        seconds: (end - start) / 1000,
        drainSeconds: allInAt === undefined || capped ? undefined : Math.max(0, end - allInAt) / 1000,
      };
    }
    await opts.onPoll?.();
    await sleep(RUN_POLL_MS);
  }
}
