/**
 * The deterministic input of test/jobs/event-time-recovery-pipeline.ts, shared with the test's
 * oracle: record `n` of `0..to` carries the event time {@link eventTimeOf}(n), which is out of
 * order by less than {@link MAX_DISORDER_MS}, and {@link StridedRatedSource} emits the numbers at
 * a bounded rate with every subtask advancing through the whole event-time range together (so
 * windows and timers fire while the job runs, not only at the end of input).
 */
import type { ReaderOutput, Source, SourceReader, SourceSplit } from '@eddy/api';

/** Event-time milliseconds between consecutive sequence numbers. */
export const STEP_MS = 10;
/** Timestamps lag `n * STEP_MS` by less than this: the disorder a watermark bound must cover. */
export const MAX_DISORDER_MS = 50;

/** A scrambled but fixed lag in `[0, MAX_DISORDER_MS)`: neighbours get unrelated lags, so they arrive out of order. */
export function jitterOf(n: number): number {
  return (Math.imul(n, 0x9e3779b1) >>> 0) % MAX_DISORDER_MS;
}

/** The event time of record `n`. */
export function eventTimeOf(n: number): number {
  return n * STEP_MS + jitterOf(n);
}

/** The pipeline's branches and their keys, windows and timers (the job and the oracle read the same numbers). */
export const MODEL = {
  /** Tumbling windows with an aggregate (accumulator in state). */
  tumbleAgg: { keys: 7, sizeMs: 1000 },
  /** Tumbling windows with a ProcessWindowFunction (every record in state). */
  tumbleProcess: { keys: 5, sizeMs: 700 },
  /**
   * Session windows. Only blocks of {@link sessionIncludes} reach them, so each key has gaps of
   * ~1 s between sessions; within a block a key's records are < 100 ms apart, but one source
   * subtask's records of a key alone are up to ~150 ms apart, so sessions grow by merging
   * windows the other subtask's records bridge.
   */
  session: { keys: 5, gapMs: 120, blockSize: 100, blocksPerCycle: 3 },
  /** KeyedProcessFunction with event-time timers: buckets of `bucketMs`, fired `delayMs` after their end. */
  timers: { keys: 11, bucketMs: 500, delayMs: 250 },
} as const;

/** Whether record `n` reaches the session windows: every third block of 100 numbers is left out. */
export function sessionIncludes(n: number): boolean {
  const s = MODEL.session;
  return Math.floor(n / s.blockSize) % s.blocksPerCycle !== s.blocksPerCycle - 1;
}

/** A split of {@link StridedRatedSource}: the numbers `next, next + stride, …` up to `to`. */
export interface StridedSplit extends SourceSplit {
  readonly to: number;
  readonly stride: number;
  /** Next number to emit; above `to` when done. */
  next: number;
}

/**
 * The numbers `0..to`, split by residue: split `i` of `p` holds `i, i + p, i + 2p, …`. Each reader
 * emits at most `perSecond / parallelism` numbers per second (unlimited for `perSecond` 0), so
 * every subtask moves through event time at the same pace. Splits carry their position, so a
 * restored reader resumes exactly at the checkpointed number.
 */
export class StridedRatedSource implements Source<number, StridedSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(
    private readonly to: number,
    private readonly perSecond: number,
  ) {}

  createSplits(parallelism: number): StridedSplit[] {
    return Array.from({ length: parallelism }, (_, i) => ({ splitId: String(i), to: this.to, stride: parallelism, next: i }));
  }

  createReader(ctx: { parallelism: number }): SourceReader<number, StridedSplit> {
    const rate = this.perSecond / ctx.parallelism;
    const splits: StridedSplit[] = [];
    let start: number | undefined;
    let emitted = 0;
    return {
      addSplits(s) {
        for (const x of s) if (x.next <= x.to) splits.push({ ...x });
      },
      pollNext(out: ReaderOutput<number>) {
        const split = splits[0];
        if (!split) return 'END_OF_INPUT';
        start ??= Date.now();
        const budget = rate > 0 ? Math.min(1000, Math.floor(((Date.now() - start) * rate) / 1000) - emitted) : 1000;
        if (budget <= 0) return 'NOTHING_AVAILABLE';
        let n = split.next;
        for (let i = 0; i < budget && n <= split.to; i++, n += split.stride) out.collect(n);
        emitted += (n - split.next) / split.stride;
        split.next = n;
        if (split.next > split.to) splits.shift();
        return splits.length > 0 ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
      },
      isAvailable: () => new Promise((resolve) => setTimeout(resolve, 5)),
      snapshotState: () => splits.map((x) => ({ ...x })),
    };
  }
}
