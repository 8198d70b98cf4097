/**
 * A bounded job whose input ends only after a first checkpoint, so that it needs a second, final
 * checkpoint to commit its last records: for the final-checkpoint tests. Source subtask i emits
 * the first half of i·N … i·N + N − 1 at once, waits until it has taken its first checkpoint,
 * emits the second half, and ends its input `--stagger MS` × i later. A keyed pass-through feeds
 * an exactly-once FileSink. Args: `--records N` per subtask (default 1000), `--parallelism P`
 * (default 2), `--stagger MS` (default 1000), `--checkpoint MS` (default 10 000), `--out DIR`.
 *
 * `--hold DIR` holds the first checkpoint in flight until every source ended: when a source ends
 * its input it creates `DIR/ended-<i>`, and the pass-through, at the last record before the
 * first barrier of each source, waits until every such file exists. The barrier cannot pass, so
 * the sources end while checkpoint 1 is in flight. The job never restarts, so a failure ends it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FileSink,
  RestartStrategies,
  type Collector,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type Source,
  type SourceReader,
  type SourceSplit,
  type StreamExecutionEnvironment,
} from '@eddy/api';
import { jobArg } from './job-args.js';

interface RangeSplit extends SourceSplit {
  readonly subtask: number;
  readonly from: number;
  readonly to: number;
  /** Next value to emit; `to` when done. */
  next: number;
}

/** Records emitted per pollNext, as the reader contract asks (at most ~1000). */
const BATCH = 500;

class EndsAfterFirstCheckpointSource implements Source<number, RangeSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(
    private readonly records: number,
    private readonly staggerMs: number,
    private readonly holdDir: string | undefined,
  ) {}

  createSplits(parallelism: number): RangeSplit[] {
    const n = this.records;
    return Array.from({ length: parallelism }, (_v, i) => ({ splitId: String(i), subtask: i, from: i * n, to: (i + 1) * n, next: i * n }));
  }

  createReader(): SourceReader<number, RangeSplit> {
    const { staggerMs, holdDir } = this;
    let split: RangeSplit | undefined;
    /** When the reader took its first snapshot (checkpoint), undefined before. */
    let firstSnapshotAt: number | undefined;
    return {
      addSplits(s) {
        split = s[0] ? { ...s[0] } : undefined;
      },
      pollNext(out) {
        if (!split) return 'END_OF_INPUT';
        const half = split.from + Math.floor((split.to - split.from) / 2);
        // The second half only after the first checkpoint, so that checkpoint cannot be the final one.
        if (firstSnapshotAt === undefined) {
          const end = Math.min(half, split.next + BATCH);
          while (split.next < end) out.collect(split.next++);
          return split.next < half ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
        }
        const end = Math.min(split.to, split.next + BATCH);
        while (split.next < end) out.collect(split.next++);
        if (split.next < split.to) return 'MORE_AVAILABLE';
        if (Date.now() < firstSnapshotAt + staggerMs * split.subtask) return 'NOTHING_AVAILABLE';
        if (holdDir !== undefined) writeFileSync(join(holdDir, `ended-${split.subtask}`), '');
        return 'END_OF_INPUT';
      },
      isAvailable: () => new Promise((resolve) => setTimeout(resolve, 5)),
      snapshotState: () => {
        firstSnapshotAt ??= Date.now();
        return split ? [{ ...split }] : [];
      },
    };
  }
}

/** Passes records on; with a hold directory, holds the last record before each source's first barrier. */
class PassThrough implements KeyedProcessFunction<number, number, number> {
  constructor(
    private readonly records: number,
    private readonly parallelism: number,
    private readonly holdDir: string | undefined,
  ) {}

  async processElement(value: number, _ctx: KeyedProcessContext<number>, out: Collector<number>): Promise<void> {
    const n = this.records;
    const holdDir = this.holdDir;
    if (holdDir !== undefined && value % n === Math.floor(n / 2) - 1) {
      const markers = Array.from({ length: this.parallelism }, (_v, i) => join(holdDir, `ended-${i}`));
      const ended = (): boolean => markers.every((f) => existsSync(f));
      while (!ended()) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    out.collect(value);
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string): string | undefined => jobArg(args, name);
  const out = arg('out');
  if (out === undefined) throw new Error('--out DIR is required');
  const records = Number(arg('records') ?? '1000');
  const parallelism = Number(arg('parallelism') ?? '2');
  const hold = arg('hold');
  env.setParallelism(parallelism);
  env.enableCheckpointing(Number(arg('checkpoint') ?? '10000'));
  env.setRestartStrategy(RestartStrategies.noRestart());
  env
    .fromSource(new EndsAfterFirstCheckpointSource(records, Number(arg('stagger') ?? '1000'), hold), 'ends-after-first-checkpoint')
    .keyBy((v) => v)
    .process(new PassThrough(records, parallelism, hold))
    .name('pass-through')
    .sinkTo(new FileSink<number>({ path: out }));
};
