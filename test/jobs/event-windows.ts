/**
 * Event-time windows over a recorded, out-of-order event list, for the property tests of
 * test/windows.test.ts. Args: `--input FILE`, a JSON {@link WindowsInput}.
 *
 * The events come from one non-parallel source in file order, and a punctuated generator emits
 * the watermark `max timestamp so far - bound - 1` after every event, so which records are late
 * depends on the input order only, never on timing. Every window configuration of the input gets
 * three window operators (reduce, aggregate with a ProcessWindowFunction, process) at the job's
 * parallelism; each collects its results (`<id>-<fn>`) and its late records (`late-<id>-<fn>`),
 * except the `process` operator of a configuration with `dropLate`, which drops them (counted in
 * the operator's lateRecordsDropped). Every collected record is `{ x: value, t: timestamp }`.
 */
import { readFileSync } from 'node:fs';
import {
  CollectSink,
  EventTimeSessionWindows,
  OutputTag,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type DataStream,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type WatermarkGenerator,
  type WindowAssigner,
  type WindowContext,
  type Collector,
} from '@eddy/api';

/** One input event. `n` is 1 in the input; the reduce variant sums it into a count. */
export interface WindowEvent {
  readonly k: string;
  readonly ts: number;
  readonly v: number;
  readonly id: number;
  readonly n: number;
}

/** A window assigner, as JSON. */
export type AssignerSpec =
  | { readonly kind: 'tumbling'; readonly size: number; readonly offset: number }
  | { readonly kind: 'sliding'; readonly size: number; readonly slide: number; readonly offset: number }
  | { readonly kind: 'session'; readonly gap: number };

/** One window configuration: its operators are named `window-<id>-<fn>`. */
export interface WindowConfig {
  readonly id: string;
  readonly assigner: AssignerSpec;
  readonly allowedLateness: number;
  /** The `process` operator drops late records instead of sending them to a side output. */
  readonly dropLate: boolean;
}

/** What `--input` holds. */
export interface WindowsInput {
  /** Out-of-orderness bound of the punctuated watermark. */
  readonly bound: number;
  readonly parallelism: number;
  readonly configs: readonly WindowConfig[];
  readonly events: readonly WindowEvent[];
}

/** The window functions each configuration runs. */
export const WINDOW_FUNCTIONS = ['reduce', 'aggregate', 'process'] as const;
/** One of {@link WINDOW_FUNCTIONS}. */
export type WindowFunctionName = (typeof WINDOW_FUNCTIONS)[number];

/** What the aggregate variant emits per firing. */
export interface AggregateResult {
  readonly k: string;
  readonly s: number;
  readonly e: number;
  readonly n: number;
  readonly v: number;
  /** Ids of the window's events, ascending. */
  readonly ids: number[];
  /** The watermark when the window fired. */
  readonly wm: number;
  /** The subtask that evaluated the window. */
  readonly sub: number;
}

/** What the process variant emits per firing. */
export interface ProcessResult {
  readonly k: string;
  readonly s: number;
  readonly e: number;
  /** Ids of the window's events: in arrival order, ascending for (merged) session windows. */
  readonly ids: number[];
  readonly wm: number;
  readonly sub: number;
}

/** A collected record: the value and the timestamp it carried. */
export interface Stamped<T> {
  readonly x: T;
  readonly t: number | undefined;
}

function assignerOf(spec: AssignerSpec): WindowAssigner<WindowEvent> {
  switch (spec.kind) {
    case 'tumbling':
      return TumblingEventTimeWindows.of<WindowEvent>(spec.size, spec.offset);
    case 'sliding':
      return SlidingEventTimeWindows.of<WindowEvent>(spec.size, spec.slide, spec.offset);
    case 'session':
      return EventTimeSessionWindows.withGap<WindowEvent>(spec.gap);
  }
}

/** Emits `max timestamp - bound - 1` after every event: the watermark follows the input order alone. */
function punctuated(bound: number): WatermarkGenerator<WindowEvent> {
  let max = Number.NEGATIVE_INFINITY;
  return {
    onEvent(_e, ts, out) {
      if (ts > max) max = ts;
      out.emitWatermark(max - bound - 1);
    },
    onPeriodicEmit() {},
  };
}

interface Acc {
  k: string;
  n: number;
  v: number;
  ids: number[];
}

const aggregate: AggregateFunction<WindowEvent, Acc, Acc> = {
  createAccumulator: () => ({ k: '', n: 0, v: 0, ids: [] }),
  add: (e, acc) => ({ k: e.k, n: acc.n + 1, v: acc.v + e.v, ids: [...acc.ids, e.id] }),
  getResult: (acc) => acc,
  merge: (a, b) => ({ k: a.k || b.k, n: a.n + b.n, v: a.v + b.v, ids: [...a.ids, ...b.ids] }),
};

const ascending = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);

/** A ProcessWindowFunction that knows its subtask (from `open`). */
function withSubtask<IN, OUT>(
  evaluate: (key: string, ctx: WindowContext, elements: IN[], sub: number) => OUT,
): { open(ctx: RuntimeContext): void; process(key: string, ctx: WindowContext, elements: IN[], out: Collector<OUT>): void } {
  let sub = -1;
  return {
    open(ctx) {
      sub = ctx.subtaskIndex;
    },
    process(key, ctx, elements, out) {
      out.collect(evaluate(key, ctx, elements, sub));
    },
  };
}

function stamp<T>(stream: DataStream<T>): DataStream<Stamped<T>> {
  return stream.process<Stamped<T>>({
    processElement(x, ctx, out) {
      out.collect({ x, t: ctx.timestamp });
    },
  });
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const i = args.indexOf('--input');
  const file = i >= 0 ? args[i + 1] : undefined;
  if (file === undefined) throw new Error('event-windows needs --input FILE');
  const input = JSON.parse(readFileSync(file, 'utf8')) as WindowsInput;
  env.setParallelism(input.parallelism);
  const events = env
    .fromCollection(input.events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forGenerator(() => punctuated(input.bound)).withTimestampAssigner((e) => e.ts),
    )
    .setParallelism(1);
  for (const config of input.configs) {
    const sorted = config.assigner.kind === 'session';
    for (const fn of WINDOW_FUNCTIONS) {
      const name = `${config.id}-${fn}`;
      const tag = new OutputTag<WindowEvent>(`late-${name}`);
      const sideOutput = !(config.dropLate && fn === 'process');
      const windowed = events.keyBy((e) => e.k).window(assignerOf(config.assigner)).allowedLateness(config.allowedLateness);
      if (sideOutput) windowed.sideOutputLateData(tag);
      const collect = <T>(results: DataStream<T>): void => {
        results.name(`window-${name}`);
        stamp(results).sinkTo(new CollectSink(name));
        if (sideOutput) stamp(results.getSideOutput(tag)).sinkTo(new CollectSink(`late-${name}`));
      };
      if (fn === 'reduce') {
        collect(
          windowed.reduce((a, b) => ({ k: a.k, ts: Math.max(a.ts, b.ts), v: a.v + b.v, id: Math.min(a.id, b.id), n: a.n + b.n })),
        );
      } else if (fn === 'aggregate') {
        collect(
          windowed.aggregate(
            aggregate,
            withSubtask<Acc, AggregateResult>((k, ctx, [acc], sub) => ({
              k,
              s: ctx.window.start,
              e: ctx.window.end,
              n: acc!.n,
              v: acc!.v,
              ids: ascending(acc!.ids),
              wm: ctx.currentWatermark(),
              sub,
            })),
          ),
        );
      } else {
        collect(
          windowed.process(
            withSubtask<WindowEvent, ProcessResult>((k, ctx, elements, sub) => {
              const ids = elements.map((e) => e.id);
              return { k, s: ctx.window.start, e: ctx.window.end, ids: sorted ? ascending(ids) : ids, wm: ctx.currentWatermark(), sub };
            }),
          ),
        );
      }
    }
  }
};
