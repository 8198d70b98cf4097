/**
 * Latency benchmark job: `rate-limited source → map → keyBy → map → latency sink`.
 *
 * The source emits `--rate` records per second in total (split evenly over its subtasks), each
 * stamped with its wall-clock creation time in sub-millisecond precision. The sink records
 * `now - createdAt` per record into a {@link LatencyHistogram} and hands one histogram per period
 * (about 500 ms) to the coordinator as a JSON line under the collect name {@link LATENCY_COLLECT_NAME},
 * where the bench fetches them. The job is unbounded: the bench cancels it.
 *
 * Arguments: `--rate <events/s>` (required), `--keys <n>` (default 1000).
 */
import type {
  InputStatus,
  ReaderOutput,
  RuntimeContext,
  Sink,
  SinkContext,
  SinkWriter,
  Source,
  SourceReader,
  SourceSplit,
  StreamExecutionEnvironment,
} from '@eddy/api';
import { LatencyHistogram, type HistogramJson } from '../support/histogram.js';

/** Collect name under which the sink hands over its histograms. */
export const LATENCY_COLLECT_NAME = 'latency';
/** Length of one histogram period in ms (rounded up to the runtime's sink flush tick). */
export const PERIOD_MS = 500;
/** Most records one pollNext emits, as the SourceReader contract asks (~1000). */
const MAX_BATCH = 500;

/** Wall-clock epoch milliseconds with sub-millisecond precision (comparable across processes of one machine). */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A record of the latency pipeline. */
export interface TimedRecord {
  /** Wall-clock creation time, epoch ms. */
  readonly createdAt: number;
  readonly seq: number;
  readonly key: number;
}

/** One period of one sink subtask, as handed to the bench. */
export interface LatencyPeriod {
  readonly subtask: number;
  /** Wall-clock epoch ms of the period's start and end. */
  readonly start: number;
  readonly end: number;
  readonly histogram: HistogramJson;
}

interface RateSplit extends SourceSplit {
  /** Records emitted so far by this split. */
  emitted: number;
}

/**
 * An unbounded source emitting a fixed number of records per second. It emits what is due in
 * small batches and, when nothing is due, returns NOTHING_AVAILABLE with an `isAvailable()` timer
 * set for the next record's slot, so it never busy-spins.
 */
class RateLimitedSource implements Source<TimedRecord, RateSplit> {
  readonly boundedness = 'CONTINUOUS_UNBOUNDED';

  constructor(
    private readonly ratePerSecond: number,
    private readonly keys: number,
  ) {}

  createSplits(parallelism: number): RateSplit[] {
    return Array.from({ length: parallelism }, (_v, i) => ({ splitId: String(i), emitted: 0 }));
  }

  createReader(ctx: RuntimeContext): SourceReader<TimedRecord, RateSplit> {
    return new RateLimitedReader(this.ratePerSecond / ctx.parallelism, this.keys);
  }
}

class RateLimitedReader implements SourceReader<TimedRecord, RateSplit> {
  private split: RateSplit | undefined;
  /** `performance.now()` at the first poll; records are due at `start + seq / ratePerMs`. */
  private start = -1;
  private seq = 0;
  private readonly ratePerMs: number;

  constructor(
    ratePerSecond: number,
    private readonly keys: number,
  ) {
    this.ratePerMs = ratePerSecond / 1000;
  }

  addSplits(splits: RateSplit[]): void {
    if (splits[0]) this.split = { ...splits[0] };
  }

  pollNext(output: ReaderOutput<TimedRecord>): InputStatus {
    const split = this.split;
    if (!split) return 'END_OF_INPUT';
    const now = performance.now();
    if (this.start < 0) this.start = now;
    const due = Math.floor((now - this.start) * this.ratePerMs) + 1 - split.emitted;
    if (due <= 0) return 'NOTHING_AVAILABLE';
    const n = Math.min(due, MAX_BATCH);
    for (let i = 0; i < n; i++) {
      const seq = this.seq++;
      output.collect({ createdAt: wallNow(), seq, key: seq % this.keys });
    }
    split.emitted += n;
    return n < due ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    const emitted = this.split?.emitted ?? 0;
    const nextDue = this.start + emitted / this.ratePerMs;
    const delay = Math.max(0, nextDue - performance.now());
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  snapshotState(): RateSplit[] {
    return this.split ? [{ ...this.split }] : [];
  }
}

/** Measures `now - createdAt` per record and hands a histogram per period to the coordinator. */
class LatencySink implements Sink<TimedRecord> {
  createWriter(ctx: SinkContext): SinkWriter<TimedRecord> {
    const histogram = new LatencyHistogram();
    let periodStart = wallNow();
    const handOver = async (): Promise<void> => {
      const end = wallNow();
      const period: LatencyPeriod = { subtask: ctx.subtaskIndex, start: periodStart, end, histogram: histogram.toJSON() };
      histogram.reset();
      periodStart = end;
      await ctx.pushCollected(LATENCY_COLLECT_NAME, [JSON.stringify(period)]);
    };
    return {
      write(value) {
        histogram.record(wallNow() - value.createdAt);
      },
      // The runtime calls flush on its sink flush tick (every 50 ms) and at the end of input.
      async flush(endOfInput) {
        if (endOfInput || wallNow() - periodStart >= PERIOD_MS) await handOver();
      },
    };
  }
}

function argNumber(args: readonly string[], name: string, fallback?: number): number {
  const i = args.indexOf(`--${name}`);
  const raw = i >= 0 ? args[i + 1] : undefined;
  if (raw === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${raw}'`);
  return n;
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const rate = argNumber(args, 'rate');
  const keys = Math.floor(argNumber(args, 'keys', 1000));
  env.setJobName('bench-latency');
  env
    .fromSource(new RateLimitedSource(rate, keys), 'Rate-Limited Source')
    .map((r: TimedRecord): TimedRecord => ({ createdAt: r.createdAt, seq: r.seq, key: r.seq % keys }))
    .keyBy((r) => r.key)
    .map((r: TimedRecord): TimedRecord => ({ createdAt: r.createdAt, seq: r.seq + 1, key: r.key }))
    .sinkTo(new LatencySink())
    .name('Latency Sink');
};
