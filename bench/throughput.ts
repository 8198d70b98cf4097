/**
 * Throughput benchmark: `fromSequence(0, N-1) → map → filter → keyBy → map → DiscardingSink` at
 * parallelism 2 on 2 worker processes (2 slots each; slot sharing puts one source chain and one
 * sink chain on each worker, so half of the keyed records cross workers as encoded buffers and
 * half stay local by reference), measured against two single-core baselines that compute the
 * same thing in one plain loop: without and with the network buffer codec.
 *
 * `N` is `EDDY_BENCH_EVENTS` (default 25 000 000). Run alone: `node bench/dist/throughput.js`.
 */
import { RUNTIME_DEFAULTS, RecordBufferBuilder, decodeBuffer, subtaskForKey, type BufferVisitor } from '@eddy/common';
import { enrich, keep, keptCount, keyOf, toEvent, type BenchEvent } from './jobs/pipeline.js';
import { startCluster } from './support/cluster.js';
import { describePlacement, recordsIn, submitJob, waitUntilRunning } from './support/jobs.js';
import { jobFile } from './support/paths.js';
import { envInt, fixed, int, isMain, row, verdict } from './support/report.js';
import { timeRun } from './support/timed-run.js';

/** Events per second the Eddy pipeline should reach (both workers together). */
export const THROUGHPUT_TARGET = 1_200_000;
/** Parallelism of the job, and worker processes of the cluster. */
export const PARALLELISM = 2;
const SLOTS_PER_WORKER = 2;
/** Events of a run unless `EDDY_BENCH_EVENTS` says otherwise. */
export const DEFAULT_EVENTS = 25_000_000;
/** Baseline loops run in calls of this many events, so V8 optimizes a function rather than OSR one loop. */
const CHUNK = 1 << 20;

/** Result of the Eddy run. */
export interface EddyThroughput {
  readonly events: number;
  /** Seconds from "every subtask RUNNING" (as the bench saw it) to the coordinator's end time of the job. */
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Seconds from the coordinator's job startTime (at submission) to its endTime, deployment included. */
  readonly coordinatorSeconds: number;
  /** Records the sink received, summed over subtasks, and how many it should have received. */
  readonly sinkRecords: number;
  readonly expectedSinkRecords: number;
  /** Where the subtasks ran. */
  readonly placement: readonly string[];
}

/** Result of a baseline loop. */
export interface LoopThroughput {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Derived from the loop's results so that the work cannot be optimized away. */
  readonly checksum: number;
}

/** Everything the throughput benchmark measured. */
export interface ThroughputResult {
  readonly eddy: EddyThroughput;
  readonly plainLoop: LoopThroughput;
  readonly codecLoop: LoopThroughput;
}

/** Runs the job on a fresh cluster and times it. @throws Error when the job does not finish. */
export async function measureEddy(events: number): Promise<EddyThroughput> {
  const cluster = await startCluster({ workers: PARALLELISM, slots: SLOTS_PER_WORKER });
  try {
    const jobId = await submitJob(cluster.client, jobFile('throughput-job.ts'), {
      args: ['--events', String(events)],
      parallelism: PARALLELISM,
    });
    const running = await waitUntilRunning(cluster, jobId, { timeoutMs: 60_000 });
    const run = await timeRun(cluster, jobId, {
      running,
      // Generous: even at 1/20 of the target rate the job ends before this.
      capMs: 60_000 + (events / THROUGHPUT_TARGET) * 20_000,
      counted: (status) => recordsIn(status, 'Discarding Sink'),
      events: keptCount(events),
    });
    const s = run.status;
    if (run.capped) throw new Error(`throughput job still ${s.state} after ${fixed(run.seconds, 0)} s`);
    if (s.state !== 'FINISHED') throw new Error(`throughput job ended in ${s.state}: ${s.failure}`);
    const seconds = run.seconds;
    return {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      coordinatorSeconds: (Number(s.endTime) - Number(s.startTime)) / 1000,
      sinkRecords: recordsIn(s, 'Discarding Sink'),
      expectedSinkRecords: keptCount(events),
      placement: describePlacement(s),
    };
  } finally {
    await cluster.stop();
  }
}

/** Where the baselines put results: one slot per subtask, so the work stays observable. */
const sinkSlots: Array<BenchEvent | undefined> = new Array<BenchEvent | undefined>(PARALLELISM).fill(undefined);

/** The pipeline as one plain loop over `[from, to)`: same functions, same key-group routing. */
function plainChunk(from: number, to: number): number {
  const maxParallelism = RUNTIME_DEFAULTS.maxParallelism;
  let checksum = 0;
  for (let n = from; n < to; n++) {
    const e = toEvent(n);
    if (!keep(e)) continue;
    const sub = subtaskForKey(keyOf(e), maxParallelism, PARALLELISM);
    const out = enrich(e);
    sinkSlots[sub] = out;
    checksum += sub;
  }
  return checksum;
}

/**
 * The pipeline as one loop that also encodes every keyed record into the network buffer of its
 * target subtask and, whenever a buffer is full, decodes it and applies the downstream map, as a
 * remote exchange does (minus gRPC and the event loop).
 */
class CodecLoop {
  private readonly builders = Array.from({ length: PARALLELISM }, () => new RecordBufferBuilder(RUNTIME_DEFAULTS.bufferSizeBytes));
  /** The downstream side: applies the second map to each decoded record of subtask `sub`. */
  private readonly downstream = new (class implements BufferVisitor {
    sub = 0;
    checksum = 0;
    record(value: unknown): void {
      sinkSlots[this.sub] = enrich(value as BenchEvent);
      this.checksum += this.sub;
    }
    event(): void {}
  })();

  get checksum(): number {
    return this.downstream.checksum;
  }

  private deliver(sub: number): void {
    const buf = this.builders[sub]!.take();
    if (!buf) return;
    this.downstream.sub = sub;
    decodeBuffer(buf, this.downstream);
  }

  chunk(from: number, to: number): void {
    const maxParallelism = RUNTIME_DEFAULTS.maxParallelism;
    const builders = this.builders;
    for (let n = from; n < to; n++) {
      const e = toEvent(n);
      if (!keep(e)) continue;
      const sub = subtaskForKey(keyOf(e), maxParallelism, PARALLELISM);
      if (builders[sub]!.add(e, undefined)) this.deliver(sub);
    }
  }

  finish(): void {
    for (let sub = 0; sub < PARALLELISM; sub++) this.deliver(sub);
  }
}

function timeLoop(events: number, chunk: (from: number, to: number) => number): LoopThroughput {
  const t0 = performance.now();
  let checksum = 0;
  for (let from = 0; from < events; from += CHUNK) checksum += chunk(from, Math.min(events, from + CHUNK));
  const seconds = (performance.now() - t0) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds, checksum };
}

/** Times the plain single-loop baseline over `events` events on this process's one core. */
export function measurePlainLoop(events: number): LoopThroughput {
  return timeLoop(events, plainChunk);
}

/** Times the single-loop baseline with buffer encoding and decoding of every keyed record. */
export function measureCodecLoop(events: number): LoopThroughput {
  const loop = new CodecLoop();
  const r = timeLoop(events, (from, to) => {
    loop.chunk(from, to);
    if (to === events) loop.finish();
    return 0;
  });
  return { ...r, checksum: loop.checksum };
}

/**
 * Runs the baselines (in this process, before any cluster exists, so nothing competes for the
 * CPU), then the Eddy job on a fresh cluster.
 */
export async function runThroughputBenchmark(events = envInt('EDDY_BENCH_EVENTS', DEFAULT_EVENTS)): Promise<ThroughputResult> {
  // A short warm-up so the timed loops run optimized code from the start.
  measurePlainLoop(Math.min(events, 2 * CHUNK));
  measureCodecLoop(Math.min(events, 2 * CHUNK));
  const plainLoop = measurePlainLoop(events);
  const codecLoop = measureCodecLoop(events);
  const eddy = await measureEddy(events);
  return { eddy, plainLoop, codecLoop };
}

/** The report lines of a throughput result. */
export function formatThroughput(r: ThroughputResult): string[] {
  const e = r.eddy;
  const sinkOk = e.sinkRecords === e.expectedSinkRecords;
  return [
    `Throughput: fromSequence(0, N-1) → map → filter → keyBy → map → DiscardingSink, N = ${int(e.events)}`,
    `  parallelism ${PARALLELISM} on ${PARALLELISM} worker processes (${SLOTS_PER_WORKER} slots each); placement:`,
    ...e.placement.map((p) => `    ${p}`),
    row('Eddy, 2 workers', `${int(e.eventsPerSecond)} ev/s`, `target ≥ ${int(THROUGHPUT_TARGET)} ev/s  ${verdict(e.eventsPerSecond >= THROUGHPUT_TARGET)}`),
    row('  per core (÷ 2)', `${int(e.eventsPerSecond / PARALLELISM)} ev/s`),
    row('  RUNNING → FINISHED', `${fixed(e.seconds, 2)} s`, `coordinator start → end ${fixed(e.coordinatorSeconds, 2)} s`),
    row('  records at sink', int(e.sinkRecords), `expected ${int(e.expectedSinkRecords)}  ${sinkOk ? 'ok' : 'WRONG'}`),
    row('Plain loop, 1 core', `${int(r.plainLoop.eventsPerSecond)} ev/s`, `${fixed(r.plainLoop.seconds, 2)} s`),
    row('Plain loop + buffer codec, 1 core', `${int(r.codecLoop.eventsPerSecond)} ev/s`, `${fixed(r.codecLoop.seconds, 2)} s`),
    row('Eddy / plain loop', fixed(e.eventsPerSecond / r.plainLoop.eventsPerSecond, 3), `per core ${fixed(e.eventsPerSecond / PARALLELISM / r.plainLoop.eventsPerSecond, 3)}`),
    row('Eddy / loop + codec', fixed(e.eventsPerSecond / r.codecLoop.eventsPerSecond, 3), `per core ${fixed(e.eventsPerSecond / PARALLELISM / r.codecLoop.eventsPerSecond, 3)}`),
  ];
}

if (isMain(import.meta.url)) {
  const result = await runThroughputBenchmark();
  console.log(formatThroughput(result).join('\n'));
}
