/**
 * What test/jobs/event-time-recovery-lateness.ts must commit, computed by replaying its input
 * through Flink's window semantics one record at a time: a record whose window's cleanup time
 * (end - 1 + allowed lateness) is at or below the watermark goes to the side output; otherwise it
 * joins its window, which fires at once if the watermark already passed the window's end - 1
 * (EventTimeTrigger.onElement), and otherwise when the watermark gets there; a window's state is
 * cleared at its cleanup time. The final watermark fires what is left.
 */
import { windowStartWithOffset } from '@eddy/api';
import { LATE_KEYS, LATE_WINDOW_MS, lateEventTimeOf, type LateWindowSum } from '../jobs/event-time-recovery-late.js';
import { LATENESS_ALLOWED_MS } from '../jobs/event-time-recovery-lateness.js';

interface OpenWindow {
  readonly k: number;
  readonly start: number;
  c: number;
  s: number;
  /** Fired by its timer or by a record that arrived after the watermark passed its end. */
  fired: boolean;
}

/** The expected output of the lateness job for `0..to`. */
export interface LatenessOutput {
  /** Every firing, in no particular order: on-time ones and one per record within the lateness. */
  readonly windows: LateWindowSum[];
  /** The records the side output receives. */
  readonly late: number[];
  /** Firings caused by records that arrived after their window had fired. */
  readonly lateFirings: number;
}

/** Replays `0..to`. */
export function expectedLateness(to: number): LatenessOutput {
  const open = new Map<string, OpenWindow>();
  const windows: LateWindowSum[] = [];
  const late: number[] = [];
  let lateFirings = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  const fire = (w: OpenWindow): void => {
    windows.push({ k: w.k, start: w.start, c: w.c, s: w.s });
  };
  const advance = (to: number): void => {
    if (to <= watermark) return;
    watermark = to;
    for (const [id, w] of open) {
      const maxTimestamp = w.start + LATE_WINDOW_MS - 1;
      if (!w.fired && maxTimestamp <= watermark) {
        fire(w);
        w.fired = true;
      }
      if (maxTimestamp + LATENESS_ALLOWED_MS <= watermark) open.delete(id);
    }
  };
  let maxSeen = Number.NEGATIVE_INFINITY;
  for (let n = 0; n <= to; n++) {
    const ts = lateEventTimeOf(n);
    const k = n % LATE_KEYS;
    const start = windowStartWithOffset(ts, 0, LATE_WINDOW_MS);
    const maxTimestamp = start + LATE_WINDOW_MS - 1;
    // The record goes out before the watermark its generator makes of it (Flink's order).
    if (maxTimestamp + LATENESS_ALLOWED_MS <= watermark) late.push(n);
    else {
      const id = `${k}/${start}`;
      let w = open.get(id);
      if (w === undefined) {
        w = { k, start, c: 0, s: 0, fired: false };
        open.set(id, w);
      }
      w.c++;
      w.s += n;
      if (maxTimestamp <= watermark) {
        if (w.fired) lateFirings++;
        fire(w);
        w.fired = true;
      }
    }
    maxSeen = Math.max(maxSeen, ts);
    advance(maxSeen - 1);
  }
  advance(Number.POSITIVE_INFINITY);
  return { windows, late, lateFirings };
}
