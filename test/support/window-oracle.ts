/**
 * A brute-force model of Flink's event-time window semantics (WindowOperator with the
 * EventTimeTrigger), for the job test/jobs/event-windows.ts: it replays the events in input order
 * with the punctuated watermark the job generates and says exactly what every sink must hold.
 *
 * The rules, plainly:
 * - The watermark after an event is `max timestamp so far - bound - 1`; it rises only, and is
 *   processed after the event it follows. At the end of the input it becomes MAX_WATERMARK.
 * - A window is late when `maxTimestamp + allowedLateness <= watermark` (Flink's isWindowLate,
 *   cleanup time ≤ watermark). A record is added to each of its windows that is not late (for
 *   sessions: to the window it merged into); a record added to no window is a late record when
 *   `timestamp + allowedLateness <= watermark` (then side output or dropped and counted).
 * - A window fires when the watermark reaches its maxTimestamp (once), and again right away for
 *   every record added after that. It is removed once the watermark reaches its cleanup time.
 * - Session windows `[ts, ts + gap)` merge with every window they overlap or touch.
 * Results carry the window's maxTimestamp; late records keep their own.
 */
import { MAX_WATERMARK, MIN_WATERMARK, subtaskForKey } from '@eddy/common';
import {
  WINDOW_FUNCTIONS,
  type AggregateResult,
  type AssignerSpec,
  type ProcessResult,
  type Stamped,
  type WindowConfig,
  type WindowEvent,
  type WindowsInput,
} from '../jobs/event-windows.js';

/** Max parallelism of the job (the default). */
const MAX_PARALLELISM = 128;

/** What one window operator's sinks must hold, per key in emission order. */
export interface ExpectedOperator {
  readonly results: Map<string, Stamped<unknown>[]>;
  /** Whether the operator sends late records to a side output (else it drops and counts them). */
  readonly sideOutput: boolean;
  /** Late records of the side output. */
  readonly late: Map<string, Stamped<WindowEvent>[]>;
  /** Late records the operator drops and counts (those of an operator without side output). */
  readonly dropped: number;
  /** Records that were late (side output or dropped). */
  readonly lateCount: number;
  /** Firings of windows the watermark had already passed (late-but-allowed records). */
  readonly lateFirings: number;
  /** Session windows that a record bridged: it merged two or more existing sessions. */
  readonly bridges: number;
}

interface Window {
  readonly start: number;
  readonly end: number;
  /** Events in content order. */
  readonly events: WindowEvent[];
  /** The trigger's timer at maxTimestamp is registered and has not fired. */
  timerPending: boolean;
}

const maxTimestamp = (w: { end: number }): number => w.end - 1;

/** Flink's TimeWindow.getWindowStartWithOffset. */
function startOf(ts: number, offset: number, size: number): number {
  const remainder = (ts - offset) % size;
  return remainder < 0 ? ts - (remainder + size) : ts - remainder;
}

/** The windows of `ts`, in the order the assigner returns them (sliding: latest start first). */
function assign(spec: AssignerSpec, ts: number): { start: number; end: number }[] {
  if (spec.kind === 'tumbling') {
    const start = startOf(ts, spec.offset, spec.size);
    return [{ start, end: start + spec.size }];
  }
  if (spec.kind === 'sliding') {
    const out: { start: number; end: number }[] = [];
    for (let start = startOf(ts, spec.offset, spec.slide); start > ts - spec.size; start -= spec.slide) out.push({ start, end: start + spec.size });
    return out;
  }
  return [{ start: ts, end: ts + spec.gap }];
}

const intersects = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start <= b.end && a.end >= b.start;

/** One operator's model: the windows of every key and what it emitted. */
class OperatorModel {
  private readonly windows = new Map<string, Window[]>();
  readonly results = new Map<string, Stamped<unknown>[]>();
  readonly late = new Map<string, Stamped<WindowEvent>[]>();
  dropped = 0;
  lateCount = 0;
  lateFirings = 0;
  bridges = 0;

  constructor(
    private readonly config: WindowConfig,
    private readonly fn: (typeof WINDOW_FUNCTIONS)[number],
    readonly sideOutput: boolean,
    private readonly parallelism: number,
  ) {}

  private isLate(w: { end: number }, watermark: number): boolean {
    return maxTimestamp(w) + this.config.allowedLateness <= watermark;
  }

  record(e: WindowEvent, watermark: number): void {
    const ws = this.windows.get(e.k) ?? [];
    this.windows.set(e.k, ws);
    let skipped = true;
    for (const assigned of assign(this.config.assigner, e.ts)) {
      let w: Window;
      if (this.config.assigner.kind === 'session') {
        // Existing sessions never touch each other, so the new one joins a contiguous run of them.
        const group = ws.filter((x) => intersects(x, assigned)).sort((a, b) => a.start - b.start);
        if (group.length === 0) {
          if (this.isLate(assigned, watermark)) continue;
          w = { ...assigned, events: [], timerPending: false };
          ws.push(w);
        } else {
          if (group.length > 1) this.bridges++;
          const start = Math.min(assigned.start, group[0]!.start);
          const end = Math.max(assigned.end, ...group.map((x) => x.end));
          w = { start, end, events: group.flatMap((x) => x.events), timerPending: false };
          for (const x of group) ws.splice(ws.indexOf(x), 1);
          ws.push(w);
        }
      } else {
        if (this.isLate(assigned, watermark)) continue;
        const found = ws.find((x) => x.start === assigned.start);
        w = found ?? { ...assigned, events: [], timerPending: false };
        if (!found) ws.push(w);
      }
      skipped = false;
      w.events.push(e);
      if (maxTimestamp(w) <= watermark) {
        this.lateFirings++;
        this.emit(e.k, w, watermark);
      } else {
        w.timerPending = true;
      }
    }
    if (skipped && e.ts + this.config.allowedLateness <= watermark) {
      this.lateCount++;
      if (this.sideOutput) push(this.late, e.k, { x: e, t: e.ts });
      else this.dropped++;
    }
  }

  /** The watermark rose to `watermark`: due windows fire in time order, expired ones go. */
  advance(watermark: number): void {
    for (const [key, ws] of this.windows) {
      for (const w of [...ws].sort((a, b) => a.end - b.end)) {
        if (w.timerPending && maxTimestamp(w) <= watermark) {
          w.timerPending = false;
          this.emit(key, w, watermark);
        }
      }
      this.windows.set(
        key,
        ws.filter((w) => !this.isLate(w, watermark)),
      );
    }
  }

  private emit(key: string, w: Window, watermark: number): void {
    const t = maxTimestamp(w);
    const sub = subtaskForKey(key, MAX_PARALLELISM, this.parallelism);
    const ids = w.events.map((e) => e.id);
    let x: unknown;
    if (this.fn === 'reduce') {
      x = w.events.slice(1).reduce<WindowEvent>(
        (a, b) => ({ k: a.k, ts: Math.max(a.ts, b.ts), v: a.v + b.v, id: Math.min(a.id, b.id), n: a.n + b.n }),
        w.events[0]!,
      );
    } else if (this.fn === 'aggregate') {
      const r: AggregateResult = {
        k: key,
        s: w.start,
        e: w.end,
        n: w.events.length,
        v: w.events.reduce((s, e) => s + e.v, 0),
        ids: ascending(ids),
        wm: watermark,
        sub,
      };
      x = r;
    } else {
      const r: ProcessResult = {
        k: key,
        s: w.start,
        e: w.end,
        ids: this.config.assigner.kind === 'session' ? ascending(ids) : ids,
        wm: watermark,
        sub,
      };
      x = r;
    }
    push(this.results, key, { x, t });
  }
}

const ascending = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);

function push<T>(m: Map<string, T[]>, key: string, v: T): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}

/**
 * What every window operator of the job must emit for `input`, by operator name
 * (`<config id>-<fn>`, as the job names its sinks).
 */
export function expectedWindows(input: WindowsInput): Map<string, ExpectedOperator> {
  const models = new Map<string, OperatorModel>();
  for (const config of input.configs)
    for (const fn of WINDOW_FUNCTIONS)
      models.set(`${config.id}-${fn}`, new OperatorModel(config, fn, !(config.dropLate && fn === 'process'), input.parallelism));
  let watermark = MIN_WATERMARK;
  let max = Number.NEGATIVE_INFINITY;
  const advance = (to: number): void => {
    if (to <= watermark) return;
    watermark = to;
    for (const m of models.values()) m.advance(watermark);
  };
  for (const e of input.events) {
    for (const m of models.values()) m.record(e, watermark);
    max = Math.max(max, e.ts);
    advance(max - input.bound - 1);
  }
  advance(MAX_WATERMARK);
  const out = new Map<string, ExpectedOperator>();
  for (const [name, m] of models)
    out.set(name, { results: m.results, sideOutput: m.sideOutput, late: m.late, dropped: m.dropped, lateCount: m.lateCount, lateFirings: m.lateFirings, bridges: m.bridges });
  return out;
}
