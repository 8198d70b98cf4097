/**
 * Event-time windows benchmark job:
 * `event source (watermarks: bounded out-of-orderness) → keyBy(key) → tumbling event-time
 * window → aggregate (count) + window function {key, end, count} → window-result sink`,
 * checkpointed, with RocksDB keyed state (the runtime's only keyed-state backend).
 *
 * Two modes of the source, both emitting events `{key, ts}` with keys drawn pseudo-randomly from
 * `0..keys-1` and event timestamps up to `--disorder` ms out of order (never more than the
 * watermark bound, so no event is late):
 * - **bounded** (`--events N`): as fast as the pipeline takes them. Event time is derived from
 *   each subtask's sequence number: `--events-per-window` events (all subtasks together) fall
 *   into each window, so windows fire in step with the data.
 * - **rate** (`--rate R`, unbounded): R events per second in total, stamped with the wall clock
 *   (`ts = now - disorder`), so event time follows real time. Each source subtask's watermark
 *   generator appends to `<marks-dir>/source-<subtask>.marks` the wall-clock time (epoch ms,
 *   sub-ms precision) at which it first emitted a watermark ≥ `E - 1` for each window end `E`,
 *   synchronously before handing that watermark on. The window operator's watermark is the
 *   minimum over its inputs, so it passes `E - 1` no earlier than the later of those times:
 *   that is the start of a result's latency.
 *
 * The sink keeps, per window end, the results it received and the sum of their counts (and in
 * rate mode a {@link LatencyHistogram} of `arrival - watermark crossing` per result), and hands
 * the deltas to the coordinator every ~500 ms and at the end of input, as JSON lines under
 * {@link WINDOW_COLLECT_NAME}.
 *
 * Arguments: `--events N` or `--rate R` (one is required), `--keys K` (default 100 000),
 * `--window-ms` (1000), `--out-of-orderness B` (100), `--disorder D` (80, at most B),
 * `--events-per-window` (500 000), `--checkpoint-interval MS` (1000; 0 = off),
 * `--marks-dir PATH` (rate mode, required there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  RestartStrategies,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type InputStatus,
  type ReaderOutput,
  type RuntimeContext,
  type Sink,
  type SinkContext,
  type SinkWriter,
  type Source,
  type SourceReader,
  type SourceSplit,
  type StreamExecutionEnvironment,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WindowContext,
} from '@eddy/api';
import { LatencyHistogram, type HistogramJson } from '../support/histogram.js';
import { intArg } from './job-args.js';

/** Collect name under which the sink hands over its per-window tallies. */
export const WINDOW_COLLECT_NAME = 'window-results';
/** Operator name of the window, to find its counters (records in, late records dropped). */
export const WINDOW_OPERATOR = 'Window Count';
/** Operator name of the sink. */
export const WINDOW_SINK = 'Window Result Sink';
/** Event time of the first event in bounded mode: a whole second, so windows align. */
export const BOUNDED_BASE_TS = 1_700_000_000_000;
/** How often the sink hands its tallies over, in ms (rounded up to the runtime's flush tick). */
export const HANDOVER_MS = 500;
/** Most records one pollNext emits, as the SourceReader contract asks (~1000). */
const MAX_BATCH = 500;

/** An event of the benchmark. */
export interface KeyedEvent {
  readonly key: number;
  /** Event time, epoch ms. */
  readonly ts: number;
}

/** A window result. */
export interface WindowCount {
  readonly key: number;
  /** Exclusive end of the window, epoch ms. */
  readonly end: number;
  readonly count: number;
}

/** What one sink subtask saw of one window during one hand-over period. */
export interface WindowTally {
  readonly end: number;
  readonly results: number;
  /** Sum of the counts of those results: events of the window. */
  readonly events: number;
  /** Rate mode: wall-clock time the watermark crossed `end - 1` at the later source subtask; undefined when unknown. */
  readonly crossing?: number;
  /** Rate mode: `arrival - crossing` of each result with a known crossing, in ms. */
  readonly latency?: HistogramJson;
  /** Rate mode: results whose window had no crossing recorded by every source subtask. */
  readonly unmatched?: number;
  /** Wall-clock arrival of the period's last result of this window, epoch ms. */
  readonly lastArrival: number;
}

/** One hand-over of one sink subtask. */
export interface TallyPeriod {
  readonly subtask: number;
  readonly windows: readonly WindowTally[];
}

/** Wall-clock epoch milliseconds with sub-millisecond precision (comparable across processes of one machine). */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A 32-bit mix of `n` (murmur3's finalizer): spreads consecutive numbers over the key space. */
function mix(n: number): number {
  let h = Math.imul(n ^ (n >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Source
// ---------------------------------------------------------------------------------------------

interface EventSplit extends SourceSplit {
  readonly part: number;
  readonly parts: number;
  /** Events emitted so far by this split. */
  emitted: number;
  /** Bounded mode: events of this split in total; -1 when unbounded. */
  readonly total: number;
}

/** Bounded mode: event-time ms between two events of one split. */
function boundedMsPerEvent(cfg: { readonly windowMs: number; readonly eventsPerWindow: number }, parts: number): number {
  return (cfg.windowMs * parts) / cfg.eventsPerWindow;
}

/** Bounded mode: the timestamp of a split's `j`-th event, whose global index mixes to `h`. */
function boundedTimestamp(j: number, h: number, msPerEvent: number, disorder: number): number {
  return BOUNDED_BASE_TS + Math.floor(j * msPerEvent) - ((h >>> 17) % disorder);
}

/** What every window of a bounded run must hold: its events and its distinct keys. */
export interface ExpectedWindow {
  readonly end: number;
  readonly events: number;
  readonly keys: number;
}

/**
 * Replays the bounded source's events (as `createSplits` and the reader make them) and counts
 * each window's events and distinct keys, for checking the results exactly.
 */
export function expectedWindows(opts: {
  readonly events: number;
  readonly parallelism: number;
  readonly keys: number;
  readonly disorder: number;
  readonly eventsPerWindow: number;
  readonly windowMs: number;
}): ExpectedWindow[] {
  const { events, parallelism: parts, keys, disorder, windowMs } = opts;
  const msPerEvent = boundedMsPerEvent(opts, parts);
  const byEnd = new Map<number, { events: number; seen: Uint8Array; keys: number }>();
  for (let part = 0; part < parts; part++) {
    const total = Math.floor(events / parts) + (part < events % parts ? 1 : 0);
    for (let j = 0; j < total; j++) {
      const h = mix(part + j * parts);
      const key = h % keys;
      const end = Math.floor(boundedTimestamp(j, h, msPerEvent, disorder) / windowMs) * windowMs + windowMs;
      let w = byEnd.get(end);
      if (w === undefined) byEnd.set(end, (w = { events: 0, seen: new Uint8Array(keys), keys: 0 }));
      w.events++;
      if (w.seen[key] === 0) {
        w.seen[key] = 1;
        w.keys++;
      }
    }
  }
  return [...byEnd].map(([end, w]) => ({ end, events: w.events, keys: w.keys })).sort((a, b) => a.end - b.end);
}

interface SourceConfig {
  readonly events: number;
  readonly rate: number;
  readonly keys: number;
  readonly disorder: number;
  readonly eventsPerWindow: number;
  readonly windowMs: number;
}

/**
 * The source subtask whose reader is emitting right now. The runtime creates a split's watermark
 * generator synchronously inside the reader's first `collect`, so the generator reads it from
 * here to learn which marks file is its own (even if two source subtasks share this module).
 */
let emittingSubtask = -1;

class EventSource implements Source<KeyedEvent, EventSplit> {
  readonly boundedness;

  constructor(private readonly cfg: SourceConfig) {
    this.boundedness = cfg.events > 0 ? ('BOUNDED' as const) : ('CONTINUOUS_UNBOUNDED' as const);
  }

  createSplits(parallelism: number): EventSplit[] {
    const n = this.cfg.events;
    return Array.from({ length: parallelism }, (_v, i) => ({
      splitId: String(i),
      part: i,
      parts: parallelism,
      emitted: 0,
      total: n > 0 ? Math.floor(n / parallelism) + (i < n % parallelism ? 1 : 0) : -1,
    }));
  }

  createReader(ctx: RuntimeContext): SourceReader<KeyedEvent, EventSplit> {
    return new EventReader(this.cfg, ctx.subtaskIndex, ctx.parallelism);
  }
}

class EventReader implements SourceReader<KeyedEvent, EventSplit> {
  private split: EventSplit | undefined;
  /** Rate mode: `performance.now()` at the first poll, and `emitted` then. */
  private start = -1;
  private startEmitted = 0;
  private readonly ratePerMs: number;
  /** Bounded mode: event-time ms per event of one split. */
  private msPerEvent = 0;

  constructor(
    private readonly cfg: SourceConfig,
    private readonly subtask: number,
    parallelism: number,
  ) {
    // `--rate` is for all subtasks together.
    this.ratePerMs = cfg.rate / parallelism / 1000;
  }

  addSplits(splits: EventSplit[]): void {
    const s = splits[0];
    if (!s) return;
    this.split = { ...s };
    if (this.cfg.events > 0) this.msPerEvent = boundedMsPerEvent(this.cfg, s.parts);
  }

  pollNext(output: ReaderOutput<KeyedEvent>): InputStatus {
    const split = this.split;
    if (!split) return 'END_OF_INPUT';
    emittingSubtask = this.subtask;
    const { keys, disorder } = this.cfg;
    if (split.total >= 0) {
      const n = Math.min(MAX_BATCH, split.total - split.emitted);
      if (n <= 0) return 'END_OF_INPUT';
      const { part, parts } = split;
      const msPerEvent = this.msPerEvent;
      for (let i = 0; i < n; i++) {
        const h = mix(part + split.emitted * parts);
        output.collect({ key: h % keys, ts: boundedTimestamp(split.emitted++, h, msPerEvent, disorder) });
      }
      return split.emitted < split.total ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
    }
    const now = performance.now();
    if (this.start < 0) {
      this.start = now;
      this.startEmitted = split.emitted;
    }
    const due = Math.floor((now - this.start) * this.ratePerMs) + 1 - (split.emitted - this.startEmitted);
    if (due <= 0) return 'NOTHING_AVAILABLE';
    const n = Math.min(due, MAX_BATCH);
    const ts = Date.now();
    for (let i = 0; i < n; i++) {
      const g = split.part + split.emitted++ * split.parts;
      const h = mix(g);
      output.collect({ key: h % keys, ts: ts - ((h >>> 17) % disorder) });
    }
    return n < due ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    const emitted = this.split?.emitted ?? 0;
    const nextDue = this.start + (emitted - this.startEmitted) / this.ratePerMs;
    const delay = Math.max(0, nextDue - performance.now());
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  snapshotState(): EventSplit[] {
    return this.split ? [{ ...this.split }] : [];
  }
}

// ---------------------------------------------------------------------------------------------
// Watermarks
// ---------------------------------------------------------------------------------------------

/** The marks file of source subtask `subtask`. */
export function marksFile(dir: string, subtask: number): string {
  return path.join(dir, `source-${subtask}.marks`);
}

/**
 * Bounded out-of-orderness watermarks exactly as `WatermarkStrategy.forBoundedOutOfOrderness`
 * makes them (highest timestamp - bound - 1, emitted periodically), which in rate mode also
 * records when each window end is first passed (see the module comment).
 */
class MarkingBoundedOutOfOrderness implements WatermarkGenerator<KeyedEvent> {
  private maxTs = -Infinity;
  /** Window end of the first event; no window before it has records. */
  private firstEnd = -Infinity;
  /** The largest window end recorded so far. */
  private lastMarked = -Infinity;
  private readonly file: string | undefined;

  constructor(
    private readonly bound: number,
    private readonly windowMs: number,
    marksDir: string | undefined,
  ) {
    this.file = marksDir === undefined ? undefined : marksFile(marksDir, emittingSubtask);
  }

  onEvent(_e: KeyedEvent, ts: number): void {
    if (ts > this.maxTs) {
      if (this.maxTs === -Infinity) this.firstEnd = Math.floor(ts / this.windowMs) * this.windowMs + this.windowMs;
      this.maxTs = ts;
    }
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.maxTs === -Infinity) return;
    const wm = this.maxTs - this.bound - 1;
    if (this.file !== undefined) {
      // Window ends E with E - 1 ≤ wm, not recorded yet, from the first event's window on.
      const upTo = Math.floor((wm + 1) / this.windowMs) * this.windowMs;
      if (upTo > this.lastMarked && upTo >= this.firstEnd) {
        const at = wallNow();
        let lines = '';
        for (let e = Math.max(this.firstEnd, this.lastMarked + this.windowMs); e <= upTo; e += this.windowMs) lines += `${e} ${at}\n`;
        fs.appendFileSync(this.file, lines);
        this.lastMarked = upTo;
      }
    }
    output.emitWatermark(wm);
  }
}

// ---------------------------------------------------------------------------------------------
// Window function and sink
// ---------------------------------------------------------------------------------------------

const COUNT: AggregateFunction<KeyedEvent, number, number> = {
  createAccumulator: () => 0,
  add: (_e, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

function toResult(key: number, ctx: WindowContext, counts: number[], out: Collector<WindowCount>): void {
  out.collect({ key, end: ctx.window.end, count: counts[0]! });
}

class OpenTally {
  results = 0;
  events = 0;
  lastArrival = 0;
  unmatched = 0;
  histogram: LatencyHistogram | undefined;
  constructor(readonly crossing: number | undefined) {}
}

/** Tallies window results per window end; see the module comment. */
class WindowResultSink implements Sink<WindowCount> {
  constructor(private readonly marksDir: string | undefined) {}

  createWriter(ctx: SinkContext): SinkWriter<WindowCount> {
    const marksDir = this.marksDir;
    const sources = ctx.parallelism; // the source runs at the job's parallelism too
    const open = new Map<number, OpenTally>();
    /** Crossing times read so far: window end → per source subtask. */
    const crossings = new Map<number, Map<number, number>>();
    let lastHandover = wallNow();
    const readCrossing = (end: number): number | undefined => {
      for (let s = 0; s < sources; s++) {
        let text: string;
        try {
          text = fs.readFileSync(marksFile(marksDir!, s), 'utf8');
        } catch {
          continue;
        }
        for (const line of text.split('\n')) {
          const sp = line.indexOf(' ');
          if (sp < 0) continue;
          const e = Number(line.slice(0, sp));
          let m = crossings.get(e);
          if (m === undefined) crossings.set(e, (m = new Map<number, number>()));
          if (!m.has(s)) m.set(s, Number(line.slice(sp + 1)));
        }
      }
      const m = crossings.get(end);
      if (m === undefined || m.size < sources) return undefined;
      return Math.max(...m.values());
    };
    const handOver = async (): Promise<void> => {
      lastHandover = wallNow();
      if (open.size === 0) return;
      const windows: WindowTally[] = [];
      for (const [end, t] of open) {
        windows.push({
          end,
          results: t.results,
          events: t.events,
          lastArrival: t.lastArrival,
          ...(t.crossing !== undefined ? { crossing: t.crossing } : {}),
          ...(t.histogram !== undefined ? { latency: t.histogram.toJSON() } : {}),
          ...(t.unmatched > 0 ? { unmatched: t.unmatched } : {}),
        });
      }
      // The next result of a window starts a new tally, with the same (cached) crossing.
      open.clear();
      const period: TallyPeriod = { subtask: ctx.subtaskIndex, windows };
      await ctx.pushCollected(WINDOW_COLLECT_NAME, [JSON.stringify(period)]);
    };
    let previous: OpenTally | undefined;
    let previousEnd = NaN;
    return {
      write(value) {
        const now = wallNow();
        let t = value.end === previousEnd ? previous : open.get(value.end);
        if (t === undefined) {
          let crossing: number | undefined;
          if (marksDir !== undefined) {
            const m = crossings.get(value.end);
            crossing = m !== undefined && m.size >= sources ? Math.max(...m.values()) : readCrossing(value.end);
          }
          t = new OpenTally(crossing);
          if (marksDir !== undefined) t.histogram = new LatencyHistogram();
          open.set(value.end, t);
        }
        previous = t;
        previousEnd = value.end;
        t.results++;
        t.events += value.count;
        t.lastArrival = now;
        if (t.histogram !== undefined) {
          if (t.crossing === undefined) t.unmatched++;
          else t.histogram.record(now - t.crossing);
        }
      },
      // The runtime calls flush on its sink flush tick (every 50 ms) and at the end of input.
      async flush(endOfInput) {
        if (endOfInput || wallNow() - lastHandover >= HANDOVER_MS) {
          previous = undefined;
          previousEnd = NaN;
          await handOver();
        }
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The job
// ---------------------------------------------------------------------------------------------

function stringArg(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const events = intArg(args, 'events', 0, 0);
  const rate = intArg(args, 'rate', 0, 0);
  if ((events > 0) === (rate > 0)) throw new Error('give exactly one of --events N and --rate R');
  const keys = intArg(args, 'keys', 100_000);
  const windowMs = intArg(args, 'window-ms', 1000);
  const bound = intArg(args, 'out-of-orderness', 100, 0);
  const disorder = intArg(args, 'disorder', 80);
  if (disorder > bound + 1) throw new Error(`--disorder (${disorder}) must not exceed the out-of-orderness bound + 1 (${bound + 1})`);
  const eventsPerWindow = intArg(args, 'events-per-window', 500_000);
  const interval = intArg(args, 'checkpoint-interval', 1000, 0);
  const marksDir = rate > 0 ? stringArg(args, 'marks-dir') : undefined;
  if (rate > 0 && marksDir === undefined) throw new Error('--rate needs --marks-dir');
  env.setJobName('bench-window-count');
  if (interval > 0) env.enableCheckpointing(interval);
  // A benchmark run that fails must fail the bench, not restart and stretch the measurement.
  env.setRestartStrategy(RestartStrategies.noRestart());
  const strategy = WatermarkStrategy.forGenerator<KeyedEvent>(() => new MarkingBoundedOutOfOrderness(bound, windowMs, marksDir)).withTimestampAssigner(
    (e) => e.ts,
  );
  env
    .fromSource(new EventSource({ events, rate, keys, disorder, eventsPerWindow, windowMs }), 'Event Source', strategy)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of<KeyedEvent>(windowMs))
    .aggregate(COUNT, toResult)
    .name(WINDOW_OPERATOR)
    .uid('window-count')
    .sinkTo(new WindowResultSink(marksDir))
    .name(WINDOW_SINK);
};
