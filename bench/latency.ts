/**
 * Latency benchmark: `rate-limited source → map → keyBy → map → sink` at parallelism 2 on 2
 * worker processes, fed at a fixed rate (by default half the maximum throughput measured by the
 * throughput benchmark). The sink measures source-to-sink latency per record, wall clock against
 * wall clock (every process runs on this machine, so their clocks agree), and hands histograms to
 * the bench every ~500 ms. After a warm-up the bench merges the histograms of a measurement
 * window, then cancels the job.
 *
 * Run alone: `EDDY_BENCH_LATENCY_RATE=600000 node bench/dist/latency.js`.
 */
import { LATENCY_COLLECT_NAME, PERIOD_MS, type LatencyPeriod } from './jobs/latency-job.js';
import { startCluster } from './support/cluster.js';
import { LatencyHistogram } from './support/histogram.js';
import { describePlacement, submitJob, waitUntilRunning, waitUntilTerminal } from './support/jobs.js';
import { jobFile } from './support/paths.js';
import { sleep } from './support/polling.js';
import { envInt, fixed, int, isMain, row, verdict } from './support/report.js';

/** p99 latency the pipeline should stay under, in milliseconds. */
export const P99_TARGET_MS = 20;
const PARALLELISM = 2;
const SLOTS_PER_WORKER = 2;
/** Rate used when run alone without `EDDY_BENCH_LATENCY_RATE`. */
export const DEFAULT_RATE = 600_000;

/** Options of {@link runLatencyBenchmark}. */
export interface LatencyOptions {
  /** Records per second, all source subtasks together. */
  readonly rate: number;
  /** Time after all subtasks run before measuring. Default 3000 ms. */
  readonly warmupMs?: number;
  /** Length of the measurement window. Default 15 000 ms. */
  readonly measureMs?: number;
}

/** What the latency benchmark measured. */
export interface LatencyResult {
  readonly targetRate: number;
  /** Records per second that reached the sinks during the window. */
  readonly achievedRate: number;
  /** Seconds covered by the merged periods. */
  readonly windowSeconds: number;
  /** Histogram of every record of the window. */
  readonly histogram: LatencyHistogram;
  /** p99 of the worst single period of one subtask, in ms. */
  readonly worstPeriodP99: number;
  readonly placement: readonly string[];
}

/**
 * Runs the latency job on a fresh cluster and measures it.
 * @throws Error when the job fails, a process dies, or no histogram arrives for the window.
 */
export async function runLatencyBenchmark(opts: LatencyOptions): Promise<LatencyResult> {
  const warmupMs = opts.warmupMs ?? 3000;
  const measureMs = opts.measureMs ?? 15_000;
  const rate = Math.max(1, Math.round(opts.rate));
  const cluster = await startCluster({ workers: PARALLELISM, slots: SLOTS_PER_WORKER });
  try {
    const client = cluster.client;
    const jobId = await submitJob(client, jobFile('latency-job.ts'), { args: ['--rate', String(rate)], parallelism: PARALLELISM });
    const running = await waitUntilRunning(cluster, jobId, { timeoutMs: 60_000 });
    const windowStart = performance.timeOrigin + running.at + warmupMs;
    const windowEnd = windowStart + measureMs;
    // Wait for the window to pass, plus two periods so that the last one has been handed over.
    const waitUntil = windowEnd + 2 * PERIOD_MS + 200;
    for (;;) {
      const left = waitUntil - (performance.timeOrigin + performance.now());
      if (left <= 0) break;
      await sleep(Math.min(left, 500));
      cluster.checkAlive();
      const s = await client.getJobStatus(jobId);
      if (s.state !== 'RUNNING') throw new Error(`latency job left RUNNING: ${s.state} ${s.failure}`);
    }
    const lines = await client.fetchCollected(jobId, LATENCY_COLLECT_NAME);
    const placement = describePlacement(await client.getJobStatus(jobId));
    await client.cancelJob(jobId);
    await waitUntilTerminal(cluster, jobId, { timeoutMs: 30_000 });
    const periods = lines
      .map((l) => JSON.parse(l) as LatencyPeriod)
      // A period belongs to the window when its midpoint does: the window is covered without gaps.
      .filter((p) => (p.start + p.end) / 2 >= windowStart && (p.start + p.end) / 2 < windowEnd);
    if (periods.length === 0) throw new Error(`no latency histograms for the window (got ${lines.length} in total)`);
    const histogram = new LatencyHistogram();
    let worstPeriodP99 = 0;
    const covered = new Map<number, number>();
    for (const p of periods) {
      const h = LatencyHistogram.fromJSON(p.histogram);
      histogram.merge(h);
      if (h.count > 0) worstPeriodP99 = Math.max(worstPeriodP99, h.quantile(0.99));
      covered.set(p.subtask, (covered.get(p.subtask) ?? 0) + (p.end - p.start));
    }
    // Every subtask received about the same share, so the rate is the count over the mean covered time.
    const windowSeconds = [...covered.values()].reduce((a, b) => a + b, 0) / covered.size / 1000;
    return {
      targetRate: rate,
      achievedRate: histogram.count / windowSeconds,
      windowSeconds,
      histogram,
      worstPeriodP99,
      placement,
    };
  } finally {
    await cluster.stop();
  }
}

/** The report lines of a latency result. */
export function formatLatency(r: LatencyResult): string[] {
  const h = r.histogram;
  const p99 = h.quantile(0.99);
  return [
    `Latency: rate-limited source → map → keyBy → map → sink, ${int(r.targetRate)} ev/s`,
    `  parallelism ${PARALLELISM} on ${PARALLELISM} worker processes; measured over ${fixed(r.windowSeconds, 1)} s after warm-up; placement:`,
    ...r.placement.map((p) => `    ${p}`),
    row('rate reaching the sinks', `${int(r.achievedRate)} ev/s`, `target ${int(r.targetRate)} ev/s (${fixed((100 * r.achievedRate) / r.targetRate, 1)} %)`),
    row('records measured', int(h.count)),
    row('p50', `${fixed(h.quantile(0.5), 1)} ms`),
    row('p99', `${fixed(p99, 1)} ms`, `target ≤ ${P99_TARGET_MS} ms  ${verdict(p99 <= P99_TARGET_MS)}`),
    row('p99.9', `${fixed(h.quantile(0.999), 1)} ms`),
    row('max', `${fixed(h.max, 1)} ms`, `mean ${fixed(h.mean(), 2)} ms`),
    row('worst 0.5 s period p99 (one subtask)', `${fixed(r.worstPeriodP99, 1)} ms`),
    ...(h.negative > 0 ? [row('negative latencies (clock skew)', int(h.negative))] : []),
  ];
}

if (isMain(import.meta.url)) {
  const result = await runLatencyBenchmark({ rate: envInt('EDDY_BENCH_LATENCY_RATE', DEFAULT_RATE) });
  console.log(formatLatency(result).join('\n'));
}
