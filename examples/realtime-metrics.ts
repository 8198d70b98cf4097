/**
 * Real-time page metrics: page views (PV) and unique visitors (UV) per page and per minute of
 * event time, from an out-of-order stream, with late data handled the Flink way.
 *
 *   eddy local examples/realtime-metrics.ts --workers 2 --parallelism 2
 *   eddy local examples/realtime-metrics.ts --workers 2 --parallelism 2 -- --count 20000 --seed 3 --users 500
 *
 * The page views `{ page, userId, timestamp }` come from {@link PageViewSource}
 * (examples/support/page-views.ts): a bounded, deterministic generator (`--count`, default
 * 2000; `--seed`, default 7; `--users`, default 40) whose views arrive out of timestamp order.
 * The job keys them by page, groups them into tumbling one-minute event-time windows and
 * aggregates each window incrementally into its PV and UV; a ProcessWindowFunction adds the
 * page and the window's bounds.
 *
 * Time:
 * - Watermarks trail the highest timestamp seen by 5 s ({@link OUT_OF_ORDERNESS_MS}), so views
 *   up to 5 s out of order are on time. A minute is emitted once the watermark passes its end.
 * - Views up to 10 s later than that ({@link ALLOWED_LATENESS_MS}) still count: their minute is
 *   emitted again, with the updated PV and UV (Flink's late firing).
 * - Later views go to the side output {@link LATE_VIEWS} and are printed with the prefix `late`.
 * The source runs at parallelism 1 and emits a watermark as soon as a view raises the highest
 * timestamp (a punctuated generator), so which views are late does not depend on timing: the
 * output of a given input is always the same.
 *
 * Output, one line per emitted window and per late view, e.g.
 *   1> PageStats{page=/home, window=[2024-01-01T09:03:00.000Z, 2024-01-01T09:04:00.000Z), pv=62, uv=28}
 *   late:2> LateView{page=/cart, userId=u37, timestamp=2024-01-01T08:57:09.488Z}
 * `n> ` is the subtask that printed the line; lines of one page always come from the same
 * subtask, in order; the interleaving of different subtasks varies from run to run.
 */
import {
  OutputTag,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type StreamExecutionEnvironment,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WindowContext,
} from '@eddy/api';
import { intArg } from './support/job-args.js';
import { DEFAULT_PAGE_VIEW_OPTIONS, PageViewSource, type PageView } from './support/page-views.js';

/** How far out of order views may arrive and still be on time. */
export const OUT_OF_ORDERNESS_MS = 5_000;
/** How long after the watermark passed a minute a view still updates it. */
export const ALLOWED_LATENESS_MS = 10_000;
/** Window size: one minute. */
export const WINDOW_MS = 60_000;
/** Views too late for their minute. */
export const LATE_VIEWS = new OutputTag<PageView>('late-page-views');

/** PV and UV of one page in one minute. */
export interface PageStats {
  readonly page: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly pv: number;
  readonly uv: number;
}

/**
 * Bounded out-of-orderness watermarks (highest timestamp - bound - 1, as Flink's), but emitted
 * from `onEvent` whenever they rise instead of periodically: a punctuated generator. Records and
 * watermarks then leave the source in a fixed order.
 */
export class PunctuatedBoundedOutOfOrderness<T> implements WatermarkGenerator<T> {
  private maxTimestamp = -Infinity;

  constructor(private readonly outOfOrdernessMs: number) {}

  onEvent(_event: T, timestamp: number, output: WatermarkOutput): void {
    if (timestamp <= this.maxTimestamp) return;
    this.maxTimestamp = timestamp;
    output.emitWatermark(timestamp - this.outOfOrdernessMs - 1);
  }

  onPeriodicEmit(): void {}
}

/** Counts views and collects the distinct users of a window. */
class PvUvAggregate implements AggregateFunction<PageView, { pv: number; users: Set<string> }, { pv: number; uv: number }> {
  createAccumulator(): { pv: number; users: Set<string> } {
    return { pv: 0, users: new Set() };
  }
  add(view: PageView, acc: { pv: number; users: Set<string> }): { pv: number; users: Set<string> } {
    acc.pv++;
    acc.users.add(view.userId);
    return acc;
  }
  getResult(acc: { pv: number; users: Set<string> }): { pv: number; uv: number } {
    return { pv: acc.pv, uv: acc.users.size };
  }
  merge(a: { pv: number; users: Set<string> }, b: { pv: number; users: Set<string> }): { pv: number; users: Set<string> } {
    return { pv: a.pv + b.pv, users: new Set([...a.users, ...b.users]) };
  }
}

/** Adds the page (the key) and the window's bounds to the aggregated counts. */
function withPageAndWindow(page: string, ctx: WindowContext, counts: { pv: number; uv: number }[], out: Collector<PageStats>): void {
  for (const { pv, uv } of counts) out.collect({ page, windowStart: ctx.window.start, windowEnd: ctx.window.end, pv, uv });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `PageStats{page=/home, window=[2024-01-01T09:03:00.000Z, 2024-01-01T09:04:00.000Z), pv=62, uv=28}`. */
export function formatStats(s: PageStats): string {
  return `PageStats{page=${s.page}, window=[${iso(s.windowStart)}, ${iso(s.windowEnd)}), pv=${s.pv}, uv=${s.uv}}`;
}

/** `LateView{page=/cart, userId=u37, timestamp=2024-01-01T08:57:09.488Z}`. */
export function formatLateView(v: PageView): string {
  return `LateView{page=${v.page}, userId=${v.userId}, timestamp=${iso(v.timestamp)}}`;
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const d = DEFAULT_PAGE_VIEW_OPTIONS;
  const options = {
    count: intArg(args, 'count', d.count, 1, 10_000_000),
    seed: intArg(args, 'seed', d.seed, 0, 0xffff_ffff),
    users: intArg(args, 'users', d.users, 1, 1_000_000),
  };
  env.setJobName('realtime-metrics');
  const views = env
    .fromSource(
      new PageViewSource(options),
      'Page Views',
      WatermarkStrategy.forGenerator<PageView>(() => new PunctuatedBoundedOutOfOrderness(OUT_OF_ORDERNESS_MS)).withTimestampAssigner(
        (v) => v.timestamp,
      ),
    )
    .uid('page-views')
    // One ordered stream of views and watermarks, so lateness is the same on every run.
    .setParallelism(1);

  const stats = views
    .keyBy((v) => v.page)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .allowedLateness(ALLOWED_LATENESS_MS)
    .sideOutputLateData(LATE_VIEWS)
    .aggregate(new PvUvAggregate(), withPageAndWindow)
    .name('PV/UV per Page and Minute')
    .uid('pv-uv');

  stats.map(formatStats).name('Format Stats').print();
  stats.getSideOutput(LATE_VIEWS).map(formatLateView).name('Format Late Views').print('late');
};
