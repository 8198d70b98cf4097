/**
 * The implied timers of one domain (see InternalTimerService.registerImplied), in buckets per
 * time and window namespace. A window operator's implied timers come in large groups of one
 * time: every key of a tumbling window fires at the window's maxTimestamp. A bucket per time
 * spares each timer its heap entry (a sift through ~16 levels on push and pop), its index entry
 * and its object: registering is one `Map` insert. Firing walks the bucket in registration order,
 * or, for a bucket of a good part of the cache, the cache (see InternalTimerService.fireImplied).
 * Only the few distinct times in flight are kept sorted.
 */
import type { CacheKey } from '../state/key-layout.js';

/** The implied timers of one time and namespace: cache key → key, in registration order. */
export class ImpliedTimerBucket {
  /** Keys with a timer here, by cache key; a JavaScript `Map` iterates in insertion order. */
  readonly keys = new Map<CacheKey, unknown>();
  /**
   * Set by the timer service once it has fired this bucket's cached keys in one walk over the
   * cache: the rest are fired in registration order, their keys loaded batch by batch.
   */
  cacheWalked = false;
  /**
   * Cache keys of the timers of this bucket fired by cache walks that asked the operator's probe
   * instead of this bucket (see InternalTimerService.setImpliedProbe); they stay in {@link keys}
   * until the walk is through.
   */
  readonly firedByProbe: CacheKey[] = [];
  /** Set once a timer of this bucket is removed other than by firing: the probe no longer tells its timers. */
  removedAny = false;

  constructor(
    readonly time: number,
    readonly namespace: readonly [number, number] | undefined,
  ) {}

  /** Whether this bucket holds the timers of `ns`. */
  holds(ns: readonly [number, number] | undefined): boolean {
    const own = this.namespace;
    return own === ns || (own !== undefined && ns !== undefined && own[0] === ns[0] && own[1] === ns[1]);
  }
}

/** Implied timers of one domain, deduplicated per time, key and namespace. */
export class ImpliedTimerQueue {
  /** Buckets by time; one time usually has one namespace. Empty buckets are dropped. */
  private readonly byTime = new Map<number, ImpliedTimerBucket[]>();
  /** The times of {@link byTime}, ascending. */
  private readonly times: number[] = [];
  private count = 0;

  /** Timers queued. */
  get size(): number {
    return this.count;
  }

  private bucket(time: number, ns: readonly [number, number] | undefined): ImpliedTimerBucket | undefined {
    const buckets = this.byTime.get(time);
    if (buckets === undefined) return undefined;
    for (const b of buckets) if (b.holds(ns)) return b;
    return undefined;
  }

  /** Whether a timer of these coordinates is queued. */
  has(time: number, cacheKey: CacheKey, ns: readonly [number, number] | undefined): boolean {
    return this.bucket(time, ns)?.keys.has(cacheKey) ?? false;
  }

  /**
   * Queues a timer of `key` (whose cache key is `cacheKey`) at `time` for `ns`, behind the ones
   * queued at the same time and namespace. @returns false when one of these coordinates is queued
   * already (nothing changes then).
   */
  add(time: number, key: unknown, cacheKey: CacheKey, ns: readonly [number, number] | undefined): boolean {
    let b = this.bucket(time, ns);
    if (b === undefined) {
      b = new ImpliedTimerBucket(time, ns);
      const buckets = this.byTime.get(time);
      if (buckets !== undefined) buckets.push(b);
      else {
        this.byTime.set(time, [b]);
        this.insertTime(time);
      }
    } else if (b.keys.has(cacheKey)) return false;
    b.keys.set(cacheKey, key);
    this.count++;
    return true;
  }

  /** Removes the timer of these coordinates. @returns whether there was one. */
  remove(time: number, cacheKey: CacheKey, ns: readonly [number, number] | undefined): boolean {
    const b = this.bucket(time, ns);
    if (b === undefined) return false;
    b.removedAny = true;
    return this.take(b, cacheKey);
  }

  /**
   * Removes from bucket `b` (one of this queue's) the timers fired by probe, dropping the bucket
   * once it is empty; in O(1) when they are all of its timers.
   */
  settle(b: ImpliedTimerBucket): void {
    const fired = b.firedByProbe;
    if (!b.removedAny && fired.length === b.keys.size) {
      this.count -= b.keys.size;
      b.keys.clear();
      this.drop(b);
    } else {
      // Some were removed meanwhile (take finds nothing then), or some keys were not in memory.
      for (const cacheKey of fired) this.take(b, cacheKey);
    }
    fired.length = 0;
  }

  /**
   * Removes the timer of `cacheKey` from bucket `b` (one of this queue's), dropping the bucket once
   * it is empty. @returns whether it was queued there.
   */
  take(b: ImpliedTimerBucket, cacheKey: CacheKey): boolean {
    if (!b.keys.delete(cacheKey)) return false;
    this.count--;
    if (b.keys.size === 0) this.drop(b);
    return true;
  }

  /** The earliest time with a queued timer, undefined when none. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  /** A bucket of the earliest time (the one created first), undefined when none is queued. */
  first(): ImpliedTimerBucket | undefined {
    const t = this.times[0];
    return t === undefined ? undefined : this.byTime.get(t)![0];
  }

  private drop(b: ImpliedTimerBucket): void {
    const buckets = this.byTime.get(b.time);
    if (buckets === undefined) return;
    const i = buckets.indexOf(b);
    if (i < 0) return;
    buckets.splice(i, 1);
    if (buckets.length > 0) return;
    this.byTime.delete(b.time);
    this.times.splice(this.times.indexOf(b.time), 1);
  }

  /** Inserts a new time into the ascending {@link times} (few of them: the windows in flight). */
  private insertTime(time: number): void {
    const times = this.times;
    let i = times.length;
    while (i > 0 && times[i - 1]! > time) i--;
    times.splice(i, 0, time);
  }
}
