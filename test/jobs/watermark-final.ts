/**
 * The final watermark at the end of a bounded input: records with small timestamps and a
 * bounded-out-of-orderness strategy (periodic watermarks), so nothing below fires before the end
 * of the input, whatever the timing. At parallelism 2, keyed by `k`:
 * - `timers`: per record, event-time timers at `ts + FAR`, MAX_WATERMARK - 1 and MAX_WATERMARK;
 *   a timer below 2 FAR registers another FAR later while it fires.
 * - `tumbling` (size FAR), `sliding` (size 2 FAR, slide FAR), `session` (gap FAR) windows.
 * Every collected record is `{ x: value, t: timestamp }`. Args: `--events JSON` (the records).
 */
import {
  CollectSink,
  EventTimeSessionWindows,
  MAX_WATERMARK,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type DataStream,
  type KeyedProcessFunction,
  type StreamExecutionEnvironment,
  type WindowAssigner,
} from '@eddy/api';
import { requiredArg, showWatermark } from './watermark-scripted-source.js';

/** Far beyond any watermark the records can produce. */
export const FAR = 1_000_000_000_000;

/** An input record. */
export interface FinalEvent {
  readonly k: string;
  readonly ts: number;
}

/** What a timer emits. */
export interface TimerFired {
  readonly k: string;
  /** The timer's time, as onTimer received it. */
  readonly time: number;
  /** ctx.timestamp in onTimer. */
  readonly ts: number | undefined;
  readonly wm: string;
}

/** What a window emits. */
export interface WindowFired {
  readonly k: string;
  readonly s: number;
  readonly e: number;
  readonly n: number;
  readonly wm: string;
}

const timers: KeyedProcessFunction<string, FinalEvent, TimerFired> = {
  processElement(e, ctx) {
    const ts = ctx.timerService();
    ts.registerEventTimeTimer(e.ts + FAR);
    ts.registerEventTimeTimer(MAX_WATERMARK - 1);
    ts.registerEventTimeTimer(MAX_WATERMARK);
  },
  onTimer(time, ctx, out) {
    out.collect({ k: ctx.getCurrentKey(), time, ts: ctx.timestamp, wm: showWatermark(ctx.timerService().currentWatermark()) });
    if (time < 2 * FAR) ctx.timerService().registerEventTimeTimer(time + FAR);
  },
};

function stamped<T>(stream: DataStream<T>, name: string): void {
  stream
    .process<{ x: T; t: number | undefined }>({
      processElement(x, ctx, out) {
        out.collect({ x, t: ctx.timestamp });
      },
    })
    .sinkTo(new CollectSink(name));
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const events = JSON.parse(requiredArg(args, 'events')) as FinalEvent[];
  env.setParallelism(2);
  const keyed = env
    .fromCollection(events)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<FinalEvent>(5).withTimestampAssigner((e) => e.ts))
    .setParallelism(1)
    .keyBy((e) => e.k);
  stamped(keyed.process(timers).name('timers'), 'timers');
  const windows: [string, WindowAssigner<FinalEvent>][] = [
    ['tumbling', TumblingEventTimeWindows.of<FinalEvent>(FAR)],
    ['sliding', SlidingEventTimeWindows.of<FinalEvent>(2 * FAR, FAR)],
    ['session', EventTimeSessionWindows.withGap<FinalEvent>(FAR)],
  ];
  for (const [name, assigner] of windows) {
    const fired = keyed.window(assigner).process<WindowFired>((k, ctx, elements, out) => {
      out.collect({ k, s: ctx.window.start, e: ctx.window.end, n: elements.length, wm: showWatermark(ctx.currentWatermark()) });
    });
    stamped(fired.name(name), name);
  }
};
