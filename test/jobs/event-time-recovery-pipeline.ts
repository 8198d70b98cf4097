/**
 * Event-time windows and timers over {@link StridedRatedSource} (see event-time-recovery-model.ts): the
 * numbers `0..to` with timestamps {@link eventTimeOf}, watermarks bounded by 100 ms of
 * out-of-orderness, and four branches, each into its own exactly-once FileSink under `--out`:
 * - `tumble-agg/`: per key `n % 7` and tumbling 1 s window, `{ k, start, c, s }` (count and sum)
 *   from an AggregateFunction and a ProcessWindowFunction that adds key and window;
 * - `tumble-process/`: per key `n % 5` and tumbling 700 ms window, `{ k, start, ns }` with every
 *   number of the window (kept in window state), sorted;
 * - `session/`: per key `n % 5`, session windows with a 120 ms gap over the numbers
 *   {@link sessionIncludes} lets through, `{ k, start, end, c, s }`;
 * - `timers/`: a KeyedProcessFunction per key `n % 11` that sums each 500 ms bucket of event time
 *   in MapState and emits `{ k, b, c, s }` from an event-time timer 250 ms after the bucket's end
 *   (registered twice by every record of the bucket: it must fire once), and `{ k, b, odd: true }`
 *   from a timer 1 ms earlier that exists exactly while the bucket's count is odd (registered and
 *   deleted record by record, so deletion is exercised across restores too).
 *
 * No record is ever late, whatever the timing: the watermark trails the highest timestamp a
 * source subtask emitted by 101 ms, while every later number of that subtask has a timestamp above
 * that highest one minus {@link MAX_DISORDER_MS}. So every result is a plain function of the input.
 *
 * Args: `--to N` (default 39999), `--rate R` (records per second in total; default 0 = unlimited),
 * `--checkpoint MS` (default 400), `--parallelism P` (default 2), `--out DIR` (required).
 */
import {
  FileSink,
  MapStateDescriptor,
  TumblingEventTimeWindows,
  EventTimeSessionWindows,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type MapState,
  type OnTimerContext,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type WindowContext,
} from '@eddy/api';
import { countAndSum, type CountSum } from './count-and-sum.js';
import { MAX_DISORDER_MS, MODEL, StridedRatedSource, eventTimeOf, sessionIncludes } from './event-time-recovery-model.js';

/** A window's count and sum, with its key and bounds (tumbling windows leave out `end`). */
export interface WindowSum {
  k: number;
  start: number;
  end?: number;
  c: number;
  s: number;
}

/** A tumbling window's numbers, sorted. */
export interface WindowContents {
  k: number;
  start: number;
  ns: number[];
}

/** A timer bucket's count and sum (`odd` absent), or the mark that its count was odd. */
export type BucketResult = { k: number; b: number; c: number; s: number } | { k: number; b: number; odd: true };

/** The watermark bound: larger than the disorder, so no record is late (see the module comment). */
const OUT_OF_ORDERNESS_MS = 2 * MAX_DISORDER_MS;

/**
 * Sums each event-time bucket of a key; see the module comment. A bucket is complete when its
 * timer fires: the timer's time lies beyond the bucket's end, and no record is late.
 */
class BucketTimers implements KeyedProcessFunction<number, number, BucketResult> {
  private buckets!: MapState<number, CountSum>;

  open(ctx: RuntimeContext): void {
    this.buckets = ctx.getMapState(new MapStateDescriptor<number, CountSum>('buckets'));
  }

  processElement(n: number, ctx: KeyedProcessContext<number>, _out: Collector<BucketResult>): void {
    const { bucketMs, delayMs } = MODEL.timers;
    const ts = ctx.timestamp!;
    const b = ts - (ts % bucketMs);
    const acc = this.buckets.get(b) ?? { c: 0, s: 0 };
    acc.c++;
    acc.s += n;
    this.buckets.put(b, acc);
    const timers = ctx.timerService();
    const fire = b + bucketMs + delayMs;
    // The same time registered again (and by every record of the bucket) is one timer.
    timers.registerEventTimeTimer(fire);
    timers.registerEventTimeTimer(fire);
    if (acc.c % 2 === 1) timers.registerEventTimeTimer(fire - 1);
    else timers.deleteEventTimeTimer(fire - 1);
  }

  onTimer(time: number, ctx: OnTimerContext<number>, out: Collector<BucketResult>): void {
    const { bucketMs, delayMs } = MODEL.timers;
    const k = ctx.getCurrentKey();
    if ((time - delayMs) % bucketMs === 0) {
      const b = time - bucketMs - delayMs;
      // A timer firing twice, or one without its bucket, shows up as an extra record with c = 0.
      const acc = this.buckets.get(b) ?? { c: 0, s: 0 };
      this.buckets.remove(b);
      out.collect({ k, b, c: acc.c, s: acc.s });
    } else {
      out.collect({ k, b: time + 1 - bucketMs - delayMs, odd: true });
    }
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const to = Number(arg('to', '39999'));
  const out = arg('out', '');
  if (out === '') throw new Error('event-time-recovery-pipeline needs --out DIR');
  env.setParallelism(Number(arg('parallelism', '2')));
  env.enableCheckpointing(Number(arg('checkpoint', '400')));
  const numbers = env.fromSource(
    new StridedRatedSource(to, Number(arg('rate', '0'))),
    'Strided Sequence',
    WatermarkStrategy.forBoundedOutOfOrderness<number>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((n) => eventTimeOf(n)),
  );
  const sink = <T>(dir: string) => new FileSink<T>({ path: `${out}/${dir}` });

  numbers
    .keyBy((n) => n % MODEL.tumbleAgg.keys)
    .window(TumblingEventTimeWindows.of<number>(MODEL.tumbleAgg.sizeMs))
    .aggregate(countAndSum, (k: number, ctx: WindowContext, [acc]: CountSum[], o: Collector<WindowSum>) =>
      o.collect({ k, start: ctx.window.start, c: acc!.c, s: acc!.s }),
    )
    .uid('tumble-agg')
    .name('tumble-agg')
    .sinkTo(sink<WindowSum>('tumble-agg'))
    .uid('tumble-agg-sink');

  numbers
    .keyBy((n) => n % MODEL.tumbleProcess.keys)
    .window(TumblingEventTimeWindows.of<number>(MODEL.tumbleProcess.sizeMs))
    .process((k: number, ctx: WindowContext, ns: number[], o: Collector<WindowContents>) =>
      o.collect({ k, start: ctx.window.start, ns: [...ns].sort((a, b) => a - b) }),
    )
    .uid('tumble-process')
    .name('tumble-process')
    .sinkTo(sink<WindowContents>('tumble-process'))
    .uid('tumble-process-sink');

  numbers
    .filter(sessionIncludes)
    .name('session-blocks')
    .keyBy((n) => n % MODEL.session.keys)
    .window(EventTimeSessionWindows.withGap<number>(MODEL.session.gapMs))
    .aggregate(countAndSum, (k: number, ctx: WindowContext, [acc]: CountSum[], o: Collector<WindowSum>) =>
      o.collect({ k, start: ctx.window.start, end: ctx.window.end, c: acc!.c, s: acc!.s }),
    )
    .uid('session')
    .name('session')
    .sinkTo(sink<WindowSum>('session'))
    .uid('session-sink');

  numbers
    .keyBy((n) => n % MODEL.timers.keys)
    .process(new BucketTimers())
    .uid('timers')
    .name('timers')
    .sinkTo(sink<BucketResult>('timers'))
    .uid('timers-sink');
};
