/**
 * Allowed lateness and a late-data side output across failures: `0..to` from one source subtask
 * at a bounded rate, with the timestamps and the punctuated watermark of
 * event-time-recovery-late.ts, keyed by `n % 4` into tumbling 100 ms windows with
 * {@link LATENESS_ALLOWED_MS} of allowed lateness that count and sum. A window fires when the
 * watermark passes its end and again for every record that arrives after that but within the
 * lateness; records later than that go to a side output. Results `{ k, start, c, s }` go to a
 * FileSink under `<out>/windows`, late records (the numbers) to one under `<out>/late`.
 *
 * Everything the job emits is a plain function of the input, also across restores: the single
 * source sends each watermark in band right after its record, and it emits whole blocks of
 * {@link BLOCK} numbers per `pollNext`, so a checkpoint (taken between two calls) always resumes
 * at a block's first number, whose timestamp is the highest so far. The first watermark after a
 * restore is then the one the undisturbed run emitted at that point, and the record before it is
 * never late, whatever watermark the restarted window sees first.
 *
 * Args: `--to N` (default 19999), `--rate R` records per second (default 0: unlimited),
 * `--parallelism P` of the windows (default 2), `--checkpoint MS` (default 400), `--out DIR` (required).
 */
import {
  FileSink,
  OutputTag,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceSplit,
  type StreamExecutionEnvironment,
  type WindowContext,
} from '@eddy/api';
import { countAndSum, type CountSum } from './count-and-sum.js';
import { LATE_KEYS, LATE_WINDOW_MS, MaxSeenPunctuated, lateEventTimeOf, type LateWindowSum } from './event-time-recovery-late.js';

/** Allowed lateness of the windows in ms: some lagging records fall within it, the others beyond. */
export const LATENESS_ALLOWED_MS = 200;
/** Numbers per block: a restore resumes at a multiple of it. */
export const BLOCK = 10;

/** The split of {@link BlockRatedSource}: the numbers `next..to`. */
interface BlockSplit extends SourceSplit {
  readonly to: number;
  next: number;
}

/** `0..to` in whole blocks of {@link BLOCK}, at most `perSecond` numbers per second (0: unlimited). */
class BlockRatedSource implements Source<number, BlockSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(
    private readonly to: number,
    private readonly perSecond: number,
  ) {}

  createSplits(): BlockSplit[] {
    return [{ splitId: '0', to: this.to, next: 0 }];
  }

  createReader(): SourceReader<number, BlockSplit> {
    const rate = this.perSecond;
    let split: BlockSplit | undefined;
    let start: number | undefined;
    let emitted = 0;
    return {
      addSplits(s) {
        for (const x of s) if (x.next <= x.to) split = { ...x };
      },
      pollNext(out: ReaderOutput<number>) {
        if (split === undefined) return 'END_OF_INPUT';
        start ??= Date.now();
        const due = rate > 0 ? Math.floor(((Date.now() - start) * rate) / 1000) - emitted : 100 * BLOCK;
        const blocks = Math.min(100, Math.floor(due / BLOCK));
        if (blocks <= 0) return 'NOTHING_AVAILABLE';
        const end = Math.min(split.to, split.next + blocks * BLOCK - 1);
        for (let n = split.next; n <= end; n++) out.collect(n);
        emitted += end + 1 - split.next;
        split.next = end + 1;
        if (split.next > split.to) split = undefined;
        return split === undefined ? 'END_OF_INPUT' : 'MORE_AVAILABLE';
      },
      isAvailable: () => new Promise((resolve) => setTimeout(resolve, 5)),
      snapshotState: () => (split === undefined ? [] : [{ ...split }]),
    };
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const out = arg('out', '');
  if (out === '') throw new Error('event-time-recovery-lateness needs --out DIR');
  env.setParallelism(Number(arg('parallelism', '2')));
  env.enableCheckpointing(Number(arg('checkpoint', '400')));
  const tooLate = new OutputTag<number>('too-late');
  const windows = env
    .fromSource(
      new BlockRatedSource(Number(arg('to', '19999')), Number(arg('rate', '0'))),
      'Blocks',
      WatermarkStrategy.forGenerator(() => new MaxSeenPunctuated()).withTimestampAssigner((n) => lateEventTimeOf(n)),
    )
    .setParallelism(1)
    .keyBy((n) => n % LATE_KEYS)
    .window(TumblingEventTimeWindows.of<number>(LATE_WINDOW_MS))
    .allowedLateness(LATENESS_ALLOWED_MS)
    .sideOutputLateData(tooLate)
    .aggregate(countAndSum, (k: number, ctx: WindowContext, [acc]: CountSum[], o: Collector<LateWindowSum>) =>
      o.collect({ k, start: ctx.window.start, c: acc!.c, s: acc!.s }),
    )
    .uid('lateness-window')
    .name('lateness-window');
  windows.sinkTo(new FileSink<LateWindowSum>({ path: `${out}/windows` })).uid('lateness-windows-sink');
  windows
    .getSideOutput(tooLate)
    .sinkTo(new FileSink<number>({ path: `${out}/late` }))
    .uid('lateness-late-sink');
};
