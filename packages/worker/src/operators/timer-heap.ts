/**
 * A binary min-heap of timers ordered by time, then by registration order (so timers of equal
 * time fire in the order they were registered, deterministically).
 */

import type { CacheKey } from '../state/key-layout.js';

/** One registered timer of a key (and window namespace, for window operators). */
export interface Timer {
  readonly time: number;
  readonly key: unknown;
  /** `[start, end]` of the window the timer belongs to; undefined for process functions. */
  readonly namespace: readonly [number, number] | undefined;
  /** The key as the state backend identifies it (equal keys, equal cache keys): the index's key. */
  readonly cacheKey: CacheKey;
  /**
   * The timer's user key in the timers' MapState, as written (see timer-service.ts); undefined for
   * a timer that is not stored because its operator's other state implies it.
   */
  readonly stored: string | readonly number[] | undefined;
  readonly seq: number;
}

function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** Min-heap of {@link Timer}s. */
export class TimerHeap {
  private readonly items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  push(t: Timer): void {
    const a = this.items;
    let i = a.push(t) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Timer | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
