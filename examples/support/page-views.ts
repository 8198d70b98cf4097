/**
 * The input of examples/realtime-metrics.ts: a deterministic, out-of-order stream of page views
 * and the source that reads it.
 *
 * {@link generatePageViews} is a pure function of its options: the job's source and the
 * examples test (which computes the expected metrics from it) see exactly the same views, in the
 * same order. Views arrive every 0-600 ms; each carries the time it happened, which lags its
 * arrival by a delay:
 * - 94 %: 0-4 s (within the job's out-of-orderness bound of 5 s, so never late),
 * - 5 %: 5-15 s (stragglers: their minute may already have been emitted, but they are within
 *   the allowed lateness and update it),
 * - 1 %: 90-300 s (far too late: they go to the job's side output).
 */
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceSplit } from '@eddy/api';
import { Random } from './random.js';

/** One page view; `timestamp` is when it happened (event time, ms since the epoch). */
export interface PageView {
  readonly page: string;
  readonly userId: string;
  readonly timestamp: number;
}

/** What {@link generatePageViews} generates. */
export interface PageViewOptions {
  /** Number of page views. */
  readonly count: number;
  /** Seed of the pseudo-random generator. */
  readonly seed: number;
  /** Number of distinct users, `u01`, `u02`, … */
  readonly users: number;
}

/** The job's defaults (and the test's input). */
export const DEFAULT_PAGE_VIEW_OPTIONS: PageViewOptions = { count: 2000, seed: 7, users: 40 };

/** Arrival time of the first view: 2024-01-01 09:00:20 UTC. */
export const PAGE_VIEWS_START = Date.UTC(2024, 0, 1, 9, 0, 20);

/** The pages of the site and how often each is viewed, relatively. */
export const PAGES: readonly string[] = ['/home', '/products', '/product/42', '/cart', '/checkout'];
const PAGE_WEIGHTS: readonly number[] = [35, 25, 20, 12, 8];

/** The page views of `opts`, in arrival order (which is not timestamp order). */
export function generatePageViews(opts: PageViewOptions): PageView[] {
  const r = new Random(opts.seed);
  const width = String(opts.users).length < 2 ? 2 : String(opts.users).length;
  const out: PageView[] = [];
  let arrival = PAGE_VIEWS_START;
  for (let i = 0; i < opts.count; i++) {
    arrival += r.int(0, 600);
    const page = r.weighted(PAGES, PAGE_WEIGHTS);
    const userId = `u${String(r.int(1, opts.users)).padStart(width, '0')}`;
    const x = r.next();
    const delay = x < 0.94 ? r.int(0, 4_000) : x < 0.99 ? r.int(5_000, 15_000) : r.int(90_000, 300_000);
    out.push({ page, userId, timestamp: arrival - delay });
  }
  return out;
}

/** The one split of a {@link PageViewSource}: `next` is the index of the next view to emit. */
export interface PageViewSplit extends SourceSplit {
  next: number;
}

/**
 * The page views as a bounded source with a single split, read in arrival order (like a single
 * partition of a log). The split carries its position, so a restored reader resumes exactly
 * where the checkpoint was taken. Run it at parallelism 1: more subtasks would find no split.
 */
export class PageViewSource implements Source<PageView, PageViewSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(readonly options: PageViewOptions) {}

  createSplits(): PageViewSplit[] {
    return [{ splitId: 'page-views', next: 0 }];
  }

  createReader(): SourceReader<PageView, PageViewSplit> {
    const options = this.options;
    let views: readonly PageView[] = [];
    let split: PageViewSplit | undefined;
    return {
      addSplits(splits) {
        if (splits[0] === undefined) return;
        split = { ...splits[0] };
        views = generatePageViews(options);
      },
      pollNext(output: ReaderOutput<PageView>): InputStatus {
        if (split === undefined) return 'END_OF_INPUT';
        const out = output.createOutputForSplit?.(split.splitId) ?? output;
        const end = Math.min(views.length, split.next + 1000);
        for (let i = split.next; i < end; i++) out.collect(views[i]!, views[i]!.timestamp);
        split.next = end;
        if (end < views.length) return 'MORE_AVAILABLE';
        output.releaseOutputForSplit?.(split.splitId);
        split = undefined;
        return 'END_OF_INPUT';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => (split ? [{ ...split }] : []),
    };
  }
}
