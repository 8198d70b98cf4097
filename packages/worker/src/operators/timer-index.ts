/**
 * The registered timers of one domain, indexed by time, then key, then window namespace: the
 * deduplication of {@link InternalTimerService}. Lookups are two numeric/primitive map probes
 * (no string building per record), which matters because a window's trigger re-registers the
 * same timer for every record of the window.
 *
 * The index holds the live timer objects themselves; a heap entry is live exactly when the index
 * maps its coordinates to that same object, so a deleted (or deleted and re-registered) timer's
 * stale heap entry is recognized by identity.
 */
import type { CacheKey } from '../state/key-layout.js';
import type { Timer } from './timer-heap.js';

/** The timers of one key at one time: one timer (the common case) or several namespaces. */
type Cell = Timer | Timer[];

function sameNamespace(a: readonly [number, number] | undefined, b: readonly [number, number] | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1]);
}

/** Live timers of one domain, deduplicated per time, key and namespace. */
export class TimerIndex {
  private readonly byTime = new Map<number, Map<CacheKey, Cell>>();
  private count = 0;

  /** Live timers. */
  get size(): number {
    return this.count;
  }

  /** The live timer with these coordinates, undefined when none. */
  find(time: number, cacheKey: CacheKey, ns: readonly [number, number] | undefined): Timer | undefined {
    const cell = this.byTime.get(time)?.get(cacheKey);
    if (cell === undefined) return undefined;
    if (!Array.isArray(cell)) return sameNamespace(cell.namespace, ns) ? cell : undefined;
    for (const t of cell) if (sameNamespace(t.namespace, ns)) return t;
    return undefined;
  }

  /** Whether `t` is the live timer of its coordinates (not deleted, not replaced). */
  isLive(t: Timer): boolean {
    return this.find(t.time, t.cacheKey, t.namespace) === t;
  }

  /** Adds `t`; the caller has checked with {@link find} that its coordinates are free. */
  add(t: Timer): void {
    let keys = this.byTime.get(t.time);
    if (keys === undefined) this.byTime.set(t.time, (keys = new Map<CacheKey, Cell>()));
    const cell = keys.get(t.cacheKey);
    if (cell === undefined) keys.set(t.cacheKey, t);
    else if (Array.isArray(cell)) cell.push(t);
    else keys.set(t.cacheKey, [cell, t]);
    this.count++;
  }

  /** Removes the live timer with these coordinates. @returns it, undefined when there was none. */
  remove(time: number, cacheKey: CacheKey, ns: readonly [number, number] | undefined): Timer | undefined {
    return this.take(time, cacheKey, (t) => sameNamespace(t.namespace, ns));
  }

  /** Removes `t` when it is the live timer of its coordinates. @returns whether it was. */
  removeTimer(t: Timer): boolean {
    return this.take(t.time, t.cacheKey, (live) => live === t) !== undefined;
  }

  /** Removes the timer of `time` and `cacheKey` that `matches`, in one probe. */
  private take(time: number, cacheKey: CacheKey, matches: (t: Timer) => boolean): Timer | undefined {
    const keys = this.byTime.get(time);
    const cell = keys?.get(cacheKey);
    if (keys === undefined || cell === undefined) return undefined;
    let removed: Timer | undefined;
    if (!Array.isArray(cell)) {
      if (!matches(cell)) return undefined;
      removed = cell;
      keys.delete(cacheKey);
    } else {
      const i = cell.findIndex(matches);
      if (i < 0) return undefined;
      removed = cell[i]!;
      cell.splice(i, 1);
      if (cell.length === 1) keys.set(cacheKey, cell[0]!);
    }
    if (keys.size === 0) this.byTime.delete(time);
    this.count--;
    return removed;
  }
}
