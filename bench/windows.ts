/**
 * Event-time windows benchmark: `event source → keyBy(key) → tumbling 1 s event-time windows →
 * count per key → sink`, 100 000 keys, RocksDB keyed state, a checkpoint every second,
 * parallelism 2 on 2 worker processes (2 slots each), each part on a fresh cluster:
 *
 * 1. **Throughput.** A bounded source of `EDDY_BENCH_WINDOW_EVENTS` events (default 5 000 000,
 *    10 s at the target), 500 000 events per 1 s window of event time (event time derived from
 *    each source subtask's sequence, up to 80 ms out of order, watermarks 100 ms behind), timed
 *    from "every subtask RUNNING" to FINISHED. The sink's tallies must add up to every event, and
 *    the window operator's late-records counter must stay 0.
 * 2. **Result latency.** An unbounded source at a fixed rate (`EDDY_BENCH_WINDOW_RATE`, default
 *    half the throughput just measured) whose event time is the wall clock. For every window end
 *    E, each source subtask's watermark generator records the wall-clock time at which it first
 *    emitted a watermark ≥ E - 1; the window operator's watermark (the minimum over its inputs)
 *    cannot pass E - 1 before the later of the two, and that is where a result's latency starts.
 *    It ends when the result reaches the sink. Every process runs on this machine, so the clocks
 *    agree. Measured for the windows ending in a 30 s span after a 5 s warm-up.
 *
 * Each part runs `EDDY_BENCH_WINDOW_RUNS` times (default 3) and reports its median run.
 *
 * Run alone: `node bench/dist/windows.js`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobStatus__Output } from '@eddy/client';
import {
  HANDOVER_MS,
  WINDOW_COLLECT_NAME,
  WINDOW_OPERATOR,
  expectedWindows,
  type TallyPeriod,
} from './jobs/window-count-job.js';
import { CheckpointLister, CheckpointLog, megabytes, nearestRank, type CheckpointSample } from './support/checkpoints.js';
import { startCluster } from './support/cluster.js';
import { LatencyHistogram } from './support/histogram.js';
import { describePlacement, recordsIn, submitJob, waitUntilRunning, waitUntilTerminal } from './support/jobs.js';
import { jobFile } from './support/paths.js';
import { sleep } from './support/polling.js';
import { timeRun } from './support/timed-run.js';
import { envInt, fixed, int, isMain, row, verdict } from './support/report.js';

/** Events per second the windowed count should reach, checkpoints on. */
export const WINDOW_THROUGHPUT_TARGET = 500_000;
/** p99 of watermark-passes-window-end → result at the sink, in ms. */
export const WINDOW_LATENCY_P99_TARGET_MS = 100;
/** Events of the throughput run unless `EDDY_BENCH_WINDOW_EVENTS` says otherwise. */
export const DEFAULT_WINDOW_EVENTS = 5_000_000;
/** Rate of the latency run when no throughput was measured and `EDDY_BENCH_WINDOW_RATE` is unset. */
export const DEFAULT_WINDOW_RATE = 250_000;
/** Runs of each part unless `EDDY_BENCH_WINDOW_RUNS` says otherwise. */
export const DEFAULT_WINDOW_RUNS = 3;

const PARALLELISM = 2;
const SLOTS_PER_WORKER = 2;
const KEYS = 100_000;
const WINDOW_MS = 1000;
const OUT_OF_ORDERNESS_MS = 100;
const DISORDER_MS = 80;
const EVENTS_PER_WINDOW = 500_000;
const CHECKPOINT_INTERVAL_MS = 1000;
/** The runtime's periodic watermark interval (DEFAULT_AUTO_WATERMARK_INTERVAL_MS of @eddy/api). */
const AUTO_WATERMARK_MS = 50;
const LATENCY_WARMUP_MS = 5000;
const LATENCY_MEASURE_MS = 30_000;
/** After the last measured window's end: the bound, the watermark interval, and time for its results. */
const LATENCY_DRAIN_MS = 4000;

function jobArgs(extra: readonly string[]): string[] {
  return [
    ...extra,
    '--keys', String(KEYS),
    '--window-ms', String(WINDOW_MS),
    '--out-of-orderness', String(OUT_OF_ORDERNESS_MS),
    '--disorder', String(DISORDER_MS),
    '--events-per-window', String(EVENTS_PER_WINDOW),
    '--checkpoint-interval', String(CHECKPOINT_INTERVAL_MS),
  ];
}

function lateDropped(s: JobStatus__Output): number {
  return (s.operators ?? []).filter((o) => o.name === WINDOW_OPERATOR).reduce((n, o) => n + Number(o.lateRecordsDropped), 0);
}

/** Per window end, everything the sink subtasks handed over about it. */
interface WindowSummary {
  readonly end: number;
  results: number;
  events: number;
  unmatched: number;
  crossing: number | undefined;
  lastArrival: number;
  readonly latency: LatencyHistogram;
}

function summarize(lines: readonly string[]): Map<number, WindowSummary> {
  const byEnd = new Map<number, WindowSummary>();
  for (const line of lines) {
    const period = JSON.parse(line) as TallyPeriod;
    for (const w of period.windows) {
      let s = byEnd.get(w.end);
      if (s === undefined) {
        s = { end: w.end, results: 0, events: 0, unmatched: 0, crossing: undefined, lastArrival: 0, latency: new LatencyHistogram() };
        byEnd.set(w.end, s);
      }
      s.results += w.results;
      s.events += w.events;
      s.unmatched += w.unmatched ?? 0;
      if (w.crossing !== undefined) s.crossing = w.crossing;
      s.lastArrival = Math.max(s.lastArrival, w.lastArrival);
      if (w.latency !== undefined) s.latency.merge(LatencyHistogram.fromJSON(w.latency));
    }
  }
  return byEnd;
}

// ---------------------------------------------------------------------------------------------
// 1. Throughput
// ---------------------------------------------------------------------------------------------

/** The throughput run. */
export interface WindowThroughput {
  readonly events: number;
  /** RUNNING → FINISHED (final checkpoint included), or to the cap. */
  readonly seconds: number;
  readonly cappedAfterSeconds: number | undefined;
  readonly eventsPerSecond: number;
  /** First poll that showed every event at the window operator → FINISHED (heartbeat counters, approximate). */
  readonly drainSeconds: number | undefined;
  readonly windowRecordsIn: number;
  readonly lateDropped: number;
  /** Distinct windows with results, results, and the sum of their counts, from the sink's tallies. */
  readonly windows: number;
  readonly results: number;
  readonly countedEvents: number;
  /** Windows the source's events fall into, replayed in the bench. */
  readonly windowsExpected: number;
  /** Windows whose results hold exactly their events and one result per distinct key. */
  readonly windowsExact: number;
  /** Windows with fewer events and results than expected, or none (only a capped run may have them). */
  readonly windowsShort: number;
  /** Windows with more events or results than expected, or that should not exist. */
  readonly windowsWrong: number;
  readonly checkpointsCompleted: number;
  readonly lastCheckpointId: number;
  readonly checkpoints: readonly CheckpointSample[];
  readonly placement: readonly string[];
}

/**
 * Runs the bounded windowed count on a fresh cluster. A run not finished after
 * max(120 s, 3 × its duration at the target) is canceled and rated by the records the window
 * operator received (heartbeat counters).
 * @throws Error when the job fails.
 */
export async function measureWindowThroughput(events: number): Promise<WindowThroughput> {
  const expected = expectedWindows({
    events,
    parallelism: PARALLELISM,
    keys: KEYS,
    disorder: DISORDER_MS,
    eventsPerWindow: EVENTS_PER_WINDOW,
    windowMs: WINDOW_MS,
  });
  const cluster = await startCluster({ workers: PARALLELISM, slots: SLOTS_PER_WORKER });
  const lister = new CheckpointLister(cluster.address);
  try {
    const jobId = await submitJob(cluster.client, jobFile('window-count-job.ts'), {
      args: jobArgs(['--events', String(events)]),
      parallelism: PARALLELISM,
    });
    const log = new CheckpointLog(lister, jobId);
    const running = await waitUntilRunning(cluster, jobId, { timeoutMs: 60_000 });
    const run = await timeRun(cluster, jobId, {
      running,
      capMs: Math.max(120_000, 3 * (events / WINDOW_THROUGHPUT_TARGET) * 1000),
      counted: (status) => recordsIn(status, WINDOW_OPERATOR),
      events,
      onPoll: () => log.poll(),
    });
    const { status: s, capped, seconds } = run;
    if (capped) {
      await log.poll();
      await cluster.client.cancelJob(jobId);
      await waitUntilTerminal(cluster, jobId, { timeoutMs: 30_000 });
    } else if (s.state !== 'FINISHED') throw new Error(`window count job ended in ${s.state}: ${s.failure}`);
    const byEnd = summarize(await cluster.client.fetchCollected(jobId, WINDOW_COLLECT_NAME));
    let results = 0;
    let countedEvents = 0;
    for (const w of byEnd.values()) {
      results += w.results;
      countedEvents += w.events;
    }
    let windowsExact = 0;
    let windowsShort = 0;
    for (const e of expected) {
      const w = byEnd.get(e.end);
      if (w === undefined) windowsShort++;
      else if (w.events === e.events && w.results === e.keys) windowsExact++;
      else if (w.events < e.events && w.results <= e.keys) windowsShort++;
    }
    const windowsWrong = expected.length - windowsExact - windowsShort + [...byEnd.keys()].filter((end) => !expected.some((e) => e.end === end)).length;
    const seen = log.all();
    const lastCheckpointId = Number(s.lastCheckpointId);
    const finalMissed = lastCheckpointId > 0 && !seen.some((c) => c.id === lastCheckpointId);
    const windowRecordsIn = recordsIn(s, WINDOW_OPERATOR);
    return {
      events,
      seconds,
      cappedAfterSeconds: capped ? seconds : undefined,
      eventsPerSecond: (capped ? windowRecordsIn : events) / seconds,
      drainSeconds: run.drainSeconds,
      windowRecordsIn,
      lateDropped: lateDropped(s),
      windows: byEnd.size,
      results,
      countedEvents,
      windowsExpected: expected.length,
      windowsExact,
      windowsShort,
      windowsWrong,
      checkpointsCompleted: seen.length + (finalMissed ? 1 : 0),
      lastCheckpointId,
      checkpoints: seen,
      placement: describePlacement(s),
    };
  } finally {
    lister.close();
    await cluster.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Result latency
// ---------------------------------------------------------------------------------------------

/** The latency run. */
export interface WindowLatency {
  readonly rate: number;
  /** Events counted in the measured windows per second of their event time. */
  readonly achievedRate: number;
  readonly windows: number;
  /** Every result of the measured windows: watermark crossing → sink arrival. */
  readonly histogram: LatencyHistogram;
  /** Per window, crossing → its first result at the sink, ms: the watermark's transit and the start of firing. */
  readonly firstResult: readonly number[];
  /** Per window, crossing → its last result at the sink, ms. */
  readonly completion: readonly number[];
  /** Per window, crossing - window end, ms: the bound, the watermark interval and the source's delays. */
  readonly crossingLag: readonly number[];
  /** Results of measured windows without a recorded crossing (should be 0), and windows without any. */
  readonly unmatched: number;
  readonly windowsWithoutCrossing: number;
  readonly lateDropped: number;
  readonly checkpointsCompleted: number;
  readonly checkpointDurations: readonly number[];
  readonly placement: readonly string[];
}

/**
 * Runs the rate-limited windowed count on a fresh cluster and measures result latency.
 * @throws Error when the job fails, a process dies, or no measured window has results.
 */
export async function measureWindowLatency(rate: number): Promise<WindowLatency> {
  rate = Math.max(1, Math.round(rate));
  const cluster = await startCluster({ workers: PARALLELISM, slots: SLOTS_PER_WORKER });
  const lister = new CheckpointLister(cluster.address);
  try {
    const marksDir = path.join(cluster.dir, 'watermark-marks');
    fs.mkdirSync(marksDir);
    const client = cluster.client;
    const jobId = await submitJob(client, jobFile('window-count-job.ts'), {
      args: jobArgs(['--rate', String(rate), '--marks-dir', marksDir]),
      parallelism: PARALLELISM,
    });
    const log = new CheckpointLog(lister, jobId);
    const running = await waitUntilRunning(cluster, jobId, { timeoutMs: 60_000 });
    const firstEnd = Math.ceil((performance.timeOrigin + running.at + LATENCY_WARMUP_MS) / WINDOW_MS) * WINDOW_MS;
    const lastEnd = firstEnd + LATENCY_MEASURE_MS - WINDOW_MS;
    const waitUntil = lastEnd + OUT_OF_ORDERNESS_MS + AUTO_WATERMARK_MS + LATENCY_DRAIN_MS + HANDOVER_MS;
    let status: JobStatus__Output | undefined;
    for (;;) {
      const left = waitUntil - (performance.timeOrigin + performance.now());
      if (left <= 0) break;
      await sleep(Math.min(left, 250));
      cluster.checkAlive();
      status = await client.getJobStatus(jobId);
      if (status.state !== 'RUNNING') throw new Error(`window latency job left RUNNING: ${status.state} ${status.failure}`);
      await log.poll();
    }
    const lines = await client.fetchCollected(jobId, WINDOW_COLLECT_NAME);
    status = await client.getJobStatus(jobId);
    await client.cancelJob(jobId);
    await waitUntilTerminal(cluster, jobId, { timeoutMs: 30_000 });
    const measured = [...summarize(lines).values()].filter((w) => w.end >= firstEnd && w.end <= lastEnd).sort((a, b) => a.end - b.end);
    if (measured.length === 0) throw new Error(`no window results for the measured span (got ${lines.length} hand-overs in total)`);
    const histogram = new LatencyHistogram();
    const completion: number[] = [];
    const firstResult: number[] = [];
    const crossingLag: number[] = [];
    let unmatched = 0;
    let windowsWithoutCrossing = 0;
    let events = 0;
    for (const w of measured) {
      histogram.merge(w.latency);
      unmatched += w.unmatched;
      events += w.events;
      if (w.crossing === undefined) {
        windowsWithoutCrossing++;
        continue;
      }
      completion.push(w.lastArrival - w.crossing);
      if (w.latency.count > 0) firstResult.push(w.latency.min);
      crossingLag.push(w.crossing - w.end);
    }
    const checkpoints = log.all();
    return {
      rate,
      achievedRate: events / ((measured.length * WINDOW_MS) / 1000),
      windows: measured.length,
      histogram,
      firstResult,
      completion,
      crossingLag,
      unmatched,
      windowsWithoutCrossing,
      lateDropped: lateDropped(status),
      checkpointsCompleted: checkpoints.length,
      checkpointDurations: checkpoints.map((c) => c.durationMs),
      placement: describePlacement(status),
    };
  } finally {
    lister.close();
    await cluster.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Both, and the report
// ---------------------------------------------------------------------------------------------

/** Everything the windows benchmark measured. */
export interface WindowsResult {
  /** Every throughput run in the order run: its measurement, or why it failed. */
  readonly throughputRuns: ReadonlyArray<WindowThroughput | string>;
  /** The successful throughput run of median events/s; undefined when none succeeded. */
  readonly throughput: WindowThroughput | undefined;
  /** Every latency run in the order run: its measurement, or why it failed. */
  readonly latencyRuns: ReadonlyArray<WindowLatency | string>;
  /** The successful latency run of median p99; undefined when none succeeded. */
  readonly latency: WindowLatency | undefined;
  /** Why the latency runs used their rate. */
  readonly rateReason: string;
}

function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Runs `measure` `runs` times, each failure kept as its description. */
async function repeat<T>(runs: number, measure: () => Promise<T>): Promise<Array<T | string>> {
  const out: Array<T | string> = [];
  for (let i = 0; i < runs; i++) {
    try {
      out.push(await measure());
    } catch (err) {
      out.push(describeError(err));
    }
  }
  return out;
}

/**
 * The successful run at the median of `metric`; with an even count the worse of the two middle
 * ones (`higherIsBetter` says which way is worse). Undefined when no run succeeded.
 */
function medianRun<T extends object>(runs: ReadonlyArray<T | string>, metric: (r: T) => number, higherIsBetter: boolean): T | undefined {
  const ok = runs.filter((r): r is T => typeof r !== 'string').sort((a, b) => metric(a) - metric(b));
  if (ok.length === 0) return undefined;
  return ok[higherIsBetter ? (ok.length - 1) >> 1 : ok.length >> 1];
}

/** p99 of a latency run's results, in ms. */
function p99Of(l: WindowLatency): number {
  return l.histogram.quantile(0.99);
}

/**
 * Runs the throughput part `EDDY_BENCH_WINDOW_RUNS` times (default 3), then the latency part as
 * many times at `EDDY_BENCH_WINDOW_RATE` or half the median measured throughput, each run on a
 * fresh cluster, and reports the run of median throughput and the run of median p99. On a shared
 * machine one run in a few is disturbed (unchanged code measured 390 000 to 720 000 events/s in
 * single runs), and one run alone would report the disturbance; every run is printed. A run that
 * fails is reported, and the others still run.
 */
export async function runWindowsBenchmark(
  events = envInt('EDDY_BENCH_WINDOW_EVENTS', DEFAULT_WINDOW_EVENTS),
  runs = envInt('EDDY_BENCH_WINDOW_RUNS', DEFAULT_WINDOW_RUNS),
): Promise<WindowsResult> {
  const throughputRuns = await repeat(runs, () => measureWindowThroughput(events));
  const throughput = medianRun(throughputRuns, (t) => t.eventsPerSecond, true);
  const override = process.env.EDDY_BENCH_WINDOW_RATE;
  let rate: number;
  let rateReason: string;
  if (override !== undefined && override !== '') {
    rate = envInt('EDDY_BENCH_WINDOW_RATE', DEFAULT_WINDOW_RATE);
    rateReason = 'EDDY_BENCH_WINDOW_RATE';
  } else if (throughput !== undefined) {
    rate = Math.round(throughput.eventsPerSecond / 2);
    rateReason = 'half the median measured windowed throughput';
  } else {
    rate = DEFAULT_WINDOW_RATE;
    rateReason = 'half the throughput target (no measurement)';
  }
  const latencyRuns = await repeat(runs, () => measureWindowLatency(rate));
  const latency = medianRun(latencyRuns, p99Of, false);
  return { throughputRuns, throughput, latencyRuns, latency, rateReason };
}

function formatThroughputPart(t: WindowThroughput, runs: number): string[] {
  const durations = t.checkpoints.map((c) => c.durationMs);
  const state = Math.max(0, ...t.checkpoints.map((c) => c.fullSize));
  const time =
    t.cappedAfterSeconds !== undefined
      ? `stopped at the ${fixed(t.cappedAfterSeconds, 0)} s cap with ${int(t.windowRecordsIn)} of ${int(t.events)} events at the window`
      : `RUNNING → FINISHED ${fixed(t.seconds, 2)} s, final checkpoint included` +
        (t.drainSeconds === undefined ? '' : `; all events at the window ≈ ${fixed(t.drainSeconds, 1)} s before`);
  const capped = t.cappedAfterSeconds !== undefined;
  const countsOk = !capped && t.countedEvents === t.events;
  const windowsOk = t.windowsWrong === 0 && (capped || t.windowsExact === t.windowsExpected);
  return [
    `  throughput: bounded source, N = ${int(t.events)}, ${int(EVENTS_PER_WINDOW)} events per window of event time; placement:`,
    ...t.placement.map((p) => `    ${p}`),
    row(
      'events/s, checkpoints on',
      `${int(t.eventsPerSecond)} ev/s`,
      `target ≥ ${int(WINDOW_THROUGHPUT_TARGET)} ev/s  ${verdict(t.eventsPerSecond >= WINDOW_THROUGHPUT_TARGET)}` +
        (runs > 1 ? `  (median of ${runs} runs, the one here)` : ''),
    ),
    row('', '', time),
    row('windows with results / results', `${int(t.windows)} / ${int(t.results)}`),
    row(
      'events counted in window results',
      int(t.countedEvents),
      capped ? 'run capped: not all windows fired' : `expected ${int(t.events)}  ${countsOk ? 'ok' : 'WRONG'}`,
    ),
    row(
      'windows exact (events and keys)',
      `${int(t.windowsExact)} of ${int(t.windowsExpected)}`,
      (capped ? `${t.windowsShort} short (not fired or in progress at the cap); ` : t.windowsShort > 0 ? `${t.windowsShort} short; ` : '') +
        `${t.windowsWrong} wrong  ${windowsOk ? 'ok' : 'WRONG'}`,
    ),
    row('late records dropped', int(t.lateDropped), t.lateDropped === 0 ? 'ok' : 'WRONG (disorder is within the bound)'),
    row(
      'checkpoints completed',
      int(t.checkpointsCompleted),
      `last id ${t.lastCheckpointId}` +
        (durations.length > 0
          ? `; duration p50 ${int(nearestRank(durations, 0.5))} ms, max ${int(Math.max(...durations))} ms; state up to ${megabytes(state)}`
          : ''),
    ),
  ];
}

function formatLatencyPart(l: WindowLatency, reason: string, runs: number): string[] {
  const h = l.histogram;
  const p99 = p99Of(l);
  const lag = l.crossingLag;
  const meanLag = lag.length > 0 ? lag.reduce((a, b) => a + b, 0) / lag.length : NaN;
  return [
    `  result latency: unbounded source at ${int(l.rate)} ev/s (${reason}), event time = wall clock; placement:`,
    ...l.placement.map((p) => `    ${p}`),
    `    latency of a result = its arrival at the sink − the wall time at which the later source subtask first emitted`,
    `    a watermark ≥ window end − 1 (the window's watermark is the minimum of its inputs, so it cannot pass earlier);`,
    `    it includes the watermark's transit to the window, firing the window for every key, and the path to the sink`,
    row('rate reaching the windows', `${int(l.achievedRate)} ev/s`, `target ${int(l.rate)} ev/s (${fixed((100 * l.achievedRate) / l.rate, 1)} %)`),
    row('windows measured / results', `${int(l.windows)} / ${int(h.count)}`, `${int(h.count / Math.max(1, l.windows))} results per window`),
    row('p50', `${fixed(h.quantile(0.5), 1)} ms`),
    row(
      'p99',
      `${fixed(p99, 1)} ms`,
      `target ≤ ${WINDOW_LATENCY_P99_TARGET_MS} ms  ${verdict(p99 <= WINDOW_LATENCY_P99_TARGET_MS)}` +
        (runs > 1 ? `  (median of ${runs} runs, the one here)` : ''),
    ),
    row('p99.9', `${fixed(h.quantile(0.999), 1)} ms`),
    row('max', `${fixed(h.max, 1)} ms`, `mean ${fixed(h.mean(), 2)} ms`),
    row(
      "window's first result",
      `${fixed(nearestRank(l.firstResult, 0.5), 1)} ms`,
      `p50; max ${fixed(Math.max(...l.firstResult), 1)} ms (the watermark's transit and the start of firing)`,
    ),
    row(
      'window complete (its last result)',
      `${fixed(nearestRank(l.completion, 0.5), 1)} ms`,
      `p50; max ${fixed(Math.max(...l.completion), 1)} ms over ${l.completion.length} windows`,
    ),
    row(
      'watermark crossing − window end',
      `${fixed(meanLag, 1)} ms`,
      `mean; max ${fixed(Math.max(...lag), 1)} ms (bound ${OUT_OF_ORDERNESS_MS} + 1 ms, watermark interval ${AUTO_WATERMARK_MS} ms; not in the latency)`,
    ),
    row('late records dropped', int(l.lateDropped)),
    row(
      'checkpoints completed during the run',
      int(l.checkpointsCompleted),
      l.checkpointDurations.length > 0
        ? `duration p50 ${int(nearestRank(l.checkpointDurations, 0.5))} ms, max ${int(Math.max(...l.checkpointDurations))} ms`
        : '',
    ),
    ...(l.unmatched > 0 || l.windowsWithoutCrossing > 0
      ? [row('results without a watermark crossing', int(l.unmatched), `${l.windowsWithoutCrossing} windows; not in the latency figures`)]
      : []),
    ...(h.negative > 0 ? [row('negative latencies (clock skew)', int(h.negative))] : []),
  ];
}

/** The report lines of the windows benchmark. */
export function formatWindows(r: WindowsResult): string[] {
  return [
    `Event-time windows: source (bounded out-of-orderness ${OUT_OF_ORDERNESS_MS} ms, events ≤ ${DISORDER_MS} ms out of order) → keyBy(key)`,
    `  → tumbling ${WINDOW_MS} ms event-time windows → aggregate (count) → sink; ${int(KEYS)} keys, RocksDB state, checkpoint every ${CHECKPOINT_INTERVAL_MS} ms,`,
    `  parallelism ${PARALLELISM} on ${PARALLELISM} worker processes (${SLOTS_PER_WORKER} slots each), a fresh cluster per part`,
    ...(r.throughput !== undefined ? formatThroughputPart(r.throughput, r.throughputRuns.length) : ['  throughput: every run FAILED']),
    ...(r.throughputRuns.length > 1 || r.throughput === undefined ? r.throughputRuns.map(formatThroughputRun) : []),
    ...(r.latency !== undefined ? formatLatencyPart(r.latency, r.rateReason, r.latencyRuns.length) : ['  result latency: every run FAILED']),
    ...(r.latencyRuns.length > 1 || r.latency === undefined ? r.latencyRuns.map(formatLatencyRun) : []),
  ];
}

/** One line per throughput run: its rate and whether its windows were exact. */
function formatThroughputRun(t: WindowThroughput | string, i: number): string {
  if (typeof t === 'string') return row(`  run ${i + 1}`, 'FAILED', t.split('\n')[0]);
  const capped = t.cappedAfterSeconds !== undefined;
  const exact = t.windowsWrong === 0 && (capped || (t.windowsExact === t.windowsExpected && t.countedEvents === t.events));
  return row(
    `  run ${i + 1}`,
    `${int(t.eventsPerSecond)} ev/s`,
    `${int(t.windowsExact)} of ${int(t.windowsExpected)} windows exact, ${t.windowsWrong} wrong, ${int(t.lateDropped)} late  ` +
      (exact && t.lateDropped === 0 ? 'ok' : 'WRONG') +
      (capped ? '  (capped)' : ''),
  );
}

/** One line per latency run: its p99, rate and when its windows completed. */
function formatLatencyRun(l: WindowLatency | string, i: number): string {
  if (typeof l === 'string') return row(`  run ${i + 1}`, 'FAILED', l.split('\n')[0]);
  return row(
    `  run ${i + 1}`,
    `${fixed(p99Of(l), 1)} ms`,
    `p99 at ${int(l.achievedRate)} ev/s reaching the windows; window complete p50 ${fixed(nearestRank(l.completion, 0.5), 1)} ms, max ${fixed(Math.max(...l.completion), 1)} ms`,
  );
}

/** Whether every run of both parts succeeded. */
export function windowsRanFully(r: WindowsResult): boolean {
  return [...r.throughputRuns, ...r.latencyRuns].every((x) => typeof x !== 'string');
}

if (isMain(import.meta.url)) {
  const result = await runWindowsBenchmark();
  console.log(formatWindows(result).join('\n'));
  if (!windowsRanFully(result)) process.exitCode = 1;
}
