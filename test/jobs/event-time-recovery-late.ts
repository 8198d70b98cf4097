/**
 * Late records dropped by a window, counted exactly: `0..to` from one source subtask with the
 * timestamps {@link lateEventTimeOf} (every tenth record, `n % 10 === 7`, lags by up to 468 ms), a
 * punctuated watermark (after every record, the highest timestamp seen minus 1 ms; nothing
 * periodic), and tumbling 100 ms windows per key `n % 4` that count and sum, into a FileSink under
 * `--out` as `{ k, start, c, s }`. Late records have no side output, so the window operator drops
 * and counts them.
 *
 * Which records are late is a plain function of the input: the single source subtask sends every
 * watermark in band, right after the record it was generated for, on each window subtask's only input
 * channel, and the generator never asks the clock.
 *
 * Args: `--to N` (default 1999), `--out DIR` (required).
 */
import {
  FileSink,
  NumberSequenceSource,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
  type StreamExecutionEnvironment,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WindowContext,
} from '@eddy/api';
import { countAndSum, type CountSum } from './count-and-sum.js';

/** Keys of the windows. */
export const LATE_KEYS = 4;
/** Size of the tumbling windows in ms. */
export const LATE_WINDOW_MS = 100;

/** Record `n`'s event time: `10 n`, except that every tenth record lags by 0..468 ms. */
export function lateEventTimeOf(n: number): number {
  return n % 10 === 7 ? n * 10 - 13 * (n % 37) : n * 10;
}

/** Emits a watermark for every event: the highest timestamp seen so far, minus 1 ms. */
export class MaxSeenPunctuated implements WatermarkGenerator<number> {
  private max = Number.NEGATIVE_INFINITY;

  onEvent(_n: number, timestamp: number, output: WatermarkOutput): void {
    if (timestamp > this.max) this.max = timestamp;
    output.emitWatermark(this.max - 1);
  }

  onPeriodicEmit(): void {}
}

/** One window's result. */
export interface LateWindowSum {
  k: number;
  start: number;
  c: number;
  s: number;
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const out = arg('out', '');
  if (out === '') throw new Error('event-time-recovery-late needs --out DIR');
  env.setParallelism(2);
  env
    .fromSource(
      new NumberSequenceSource(0, Number(arg('to', '1999'))),
      'Sequence',
      WatermarkStrategy.forGenerator(() => new MaxSeenPunctuated()).withTimestampAssigner((n) => lateEventTimeOf(n)),
    )
    .setParallelism(1)
    .keyBy((n) => n % LATE_KEYS)
    .window(TumblingEventTimeWindows.of<number>(LATE_WINDOW_MS))
    .aggregate(countAndSum, (k: number, ctx: WindowContext, [acc]: CountSum[], o: Collector<LateWindowSum>) =>
      o.collect({ k, start: ctx.window.start, c: acc!.c, s: acc!.s }),
    )
    .uid('late-window')
    .name('late-window')
    .sinkTo(new FileSink<LateWindowSum>({ path: out }))
    .name('late-files');
};
