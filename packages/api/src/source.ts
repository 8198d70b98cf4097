/**
 * Sources (modelled on Flink's FLIP-27 `Source`): a source splits its input into splits, and one
 * reader per subtask reads the splits assigned to it. Splits are plain JSON data that carry their
 * own position, so a reader can be restored from a checkpointed split (replay from an offset).
 */
import type { RuntimeContext } from './functions.js';

/** Whether a source ends by itself. */
export type Boundedness = 'BOUNDED' | 'CONTINUOUS_UNBOUNDED';

/** A unit of work of a source. Must be JSON-serializable and carry its current position. */
export interface SourceSplit {
  readonly splitId: string;
}

/** Result of one {@link SourceReader.pollNext} call. */
export type InputStatus =
  /** Call pollNext again right away. */
  | 'MORE_AVAILABLE'
  /** Wait for {@link SourceReader.isAvailable} before calling again. */
  | 'NOTHING_AVAILABLE'
  /** Every assigned split is exhausted; the reader is done. */
  | 'END_OF_INPUT';

/** Where a reader emits records. */
export interface ReaderOutput<T> {
  /** Emits one record, optionally with its event timestamp. */
  collect(value: T, timestamp?: number): void;
  /**
   * The output for the records of one split (Flink: SourceOutput per split). With a watermark
   * strategy on the source, each split then has its own watermark generator and the source's
   * watermark is the minimum over its active splits. Readers that emit through this output
   * should release it when the split is finished. Absent on outputs that do not track splits.
   */
  createOutputForSplit?(splitId: string): ReaderOutput<T>;
  /** The split is finished: its watermark no longer holds the source back. */
  releaseOutputForSplit?(splitId: string): void;
}

/** Reads the splits of one subtask. */
export interface SourceReader<T, S extends SourceSplit> {
  /** Assigns splits (initially, or restored from a checkpoint). */
  addSplits(splits: S[]): void;
  /**
   * Emits a bounded amount of records (at most ~1000, so the task can react to backpressure,
   * barriers and cancellation between calls) and reports whether more are available.
   */
  pollNext(output: ReaderOutput<T>): InputStatus;
  /** Resolves when data may be available again after NOTHING_AVAILABLE. */
  isAvailable(): Promise<void>;
  /** The current state of every assigned, unfinished split, positions included. */
  snapshotState(): S[];
  close?(): void | Promise<void>;
}

/** A source of records. Must be constructible on every process and deterministic in its splits. */
export interface Source<T, S extends SourceSplit = SourceSplit> {
  readonly boundedness: Boundedness;
  /** All splits of the source for the given parallelism, in a deterministic order. */
  createSplits(parallelism: number): S[];
  createReader(ctx: RuntimeContext): SourceReader<T, S>;
}

/** Splits of a number sequence: the range [from, to] and the next number to emit. */
export interface SequenceSplit extends SourceSplit {
  readonly from: number;
  readonly to: number;
  /** Next number to emit; `to + 1` when done. */
  next: number;
}

/**
 * `env.fromSequence(from, to)`: the integers from `from` to `to`, both inclusive, split into one
 * contiguous range per subtask, replayable from any position.
 */
export class NumberSequenceSource implements Source<number, SequenceSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
      throw new Error(`fromSequence needs safe integers, got (${from}, ${to})`);
    if (to < from) throw new Error(`fromSequence: 'to' (${to}) must not be less than 'from' (${from})`);
  }

  createSplits(parallelism: number): SequenceSplit[] {
    const total = this.to - this.from + 1;
    const splits: SequenceSplit[] = [];
    let start = this.from;
    for (let i = 0; i < parallelism; i++) {
      const size = Math.floor(total / parallelism) + (i < total % parallelism ? 1 : 0);
      splits.push({ splitId: String(i), from: start, to: start + size - 1, next: start });
      start += size;
    }
    return splits;
  }

  createReader(): SourceReader<number, SequenceSplit> {
    return new SequenceReader();
  }
}

class SequenceReader implements SourceReader<number, SequenceSplit> {
  private readonly splits: SequenceSplit[] = [];

  addSplits(splits: SequenceSplit[]): void {
    for (const s of splits) this.splits.push({ ...s });
  }

  pollNext(output: ReaderOutput<number>): InputStatus {
    const split = this.splits[0];
    if (!split) return 'END_OF_INPUT';
    const out = output.createOutputForSplit?.(split.splitId) ?? output;
    const end = Math.min(split.to, split.next + 1023);
    let n = split.next;
    while (n <= end) out.collect(n++);
    split.next = n;
    if (n > split.to) {
      this.splits.shift();
      output.releaseOutputForSplit?.(split.splitId);
    }
    return this.splits.length > 0 ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  snapshotState(): SequenceSplit[] {
    return this.splits.map((s) => ({ ...s }));
  }
}

/** Split of a collection: the next index to emit. */
export interface CollectionSplit extends SourceSplit {
  next: number;
}

/**
 * `env.fromCollection(items)`: the given items in order, from a single subtask (parallelism 1,
 * as in Flink), replayable from any index. Items must be the same on every process.
 */
export class CollectionSource<T> implements Source<T, CollectionSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(readonly items: readonly T[]) {}

  createSplits(): CollectionSplit[] {
    return [{ splitId: '0', next: 0 }];
  }

  createReader(): SourceReader<T, CollectionSplit> {
    const items = this.items;
    let split: CollectionSplit | undefined;
    return {
      addSplits(splits) {
        if (splits[0]) split = { ...splits[0] };
      },
      pollNext(output) {
        if (!split) return 'END_OF_INPUT';
        const end = Math.min(items.length, split.next + 1024);
        for (let i = split.next; i < end; i++) output.collect(items[i] as T);
        split.next = end;
        return end < items.length ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => (split ? [{ ...split }] : []),
    };
  }
}
