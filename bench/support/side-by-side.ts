/**
 * Rating two running jobs side by side: each on its own cluster, started together, and rated over
 * the time both run. On a shared machine the speed of identical work drifts by tens of percent
 * within seconds (a single-threaded loop took 333 to 667 ms for the same 5M map updates within one
 * minute here), so two runs taken one after the other can differ by more than the thing they
 * compare. Side by side, both see the same machine, each about half of it.
 *
 * Counters reach the coordinator with worker heartbeats (every 500 ms), so a counter value is
 * timed by the poll that first saw it change: its age is then at most one poll interval, and the
 * same at both ends of a window.
 */
import { isTerminalState, type JobStatus__Output } from '@eddy/client';
import type { Cluster } from './cluster.js';
import { sleep } from './polling.js';

/** One of the two jobs. */
export interface SideBySideJob {
  readonly cluster: Cluster;
  readonly jobId: string;
  /** The counter that rates the job, e.g. the records its sink took in. */
  readonly counted: (status: JobStatus__Output) => number;
  /** The counter's final value: once a job reaches it (or finishes), the shared time is over. */
  readonly events: number;
}

/** Options of {@link rateSideBySide}. */
export interface SideBySideOptions {
  /** Poll interval in ms. */
  readonly pollMs: number;
  /** Changes seen within this many ms of the start are not rated: both jobs warm up first. */
  readonly warmupMs: number;
  /** A shared window shorter than this many ms is an error (the jobs are too short to rate). */
  readonly minWindowMs: number;
  /** Rating stops after this many ms even when both jobs still run. */
  readonly capMs: number;
}

/** A job's rate over the shared time. */
export interface SideRate {
  readonly eventsPerSecond: number;
  /** Counted records within the window. */
  readonly records: number;
  /** The window, in seconds: from the first to the last change of the counter rated. */
  readonly seconds: number;
}

/** A counter value and when the bench first saw it. */
interface ChangePoint {
  readonly at: number;
  readonly count: number;
}

/**
 * Polls both jobs until one of them has counted all its records, finished, or the cap passed,
 * and rates each over the changes of its counter seen after the warm-up and before that poll.
 * Both jobs must be running when it is called.
 * @throws Error when a job fails or is canceled, a cluster process dies, or the shared window is
 *   shorter than `minWindowMs`.
 */
export async function rateSideBySide(
  jobs: readonly [SideBySideJob, SideBySideJob],
  opts: SideBySideOptions,
): Promise<[SideRate, SideRate]> {
  const start = performance.now();
  const points: [ChangePoint[], ChangePoint[]] = [[], []];
  // The value each counter had when first polled: its change times are unknown, so it is not rated.
  const seen: [number | undefined, number | undefined] = [undefined, undefined];
  for (;;) {
    for (const j of jobs) j.cluster.checkAlive();
    const statuses = await Promise.all(jobs.map((j) => j.cluster.client.getJobStatus(j.jobId)));
    const at = performance.now();
    let over = at - start > opts.capMs;
    for (const i of [0, 1] as const) {
      const s = statuses[i]!;
      const job = jobs[i];
      if (s.state === 'FINISHED') over = true;
      else if (isTerminalState(s.state)) throw new Error(`side-by-side job ${job.jobId} ended in ${s.state}: ${s.failure}`);
      if (job.counted(s) >= job.events) over = true;
    }
    // The poll that sees the end is not rated: the other job may have had the machine to itself.
    if (over) break;
    for (const i of [0, 1] as const) {
      const count = jobs[i].counted(statuses[i]!);
      const last = seen[i];
      seen[i] = count;
      if (last === undefined || count === last || at - start < opts.warmupMs) continue;
      points[i].push({ at, count });
    }
    await sleep(opts.pollMs);
  }
  const rate = (p: ChangePoint[], i: number): SideRate => {
    const first = p[0];
    const last = p[p.length - 1];
    const ms = first !== undefined && last !== undefined ? last.at - first.at : 0;
    if (ms < opts.minWindowMs)
      throw new Error(
        `side-by-side job ${jobs[i]!.jobId} was rated over ${Math.round(ms)} ms, less than ${opts.minWindowMs} ms: give the jobs more records`,
      );
    const records = last!.count - first!.count;
    return { eventsPerSecond: (records / ms) * 1000, records, seconds: ms / 1000 };
  };
  return [rate(points[0], 0), rate(points[1], 1)];
}
