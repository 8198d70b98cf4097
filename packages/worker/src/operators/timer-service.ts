/**
 * Timers of one keyed operator instance (Flink: InternalTimerService). Every timer is stored as
 * keyed state (a MapState `_timers` of the timer's key), so timers are checkpointed, restored and
 * cut by key group exactly like the rest of the state; two in-memory heaps (event and processing
 * time) order them by time and are rebuilt from the store on restore. Timers are deduplicated per
 * key, namespace and time by a numeric index (timer-index.ts).
 *
 * Implied timers (see {@link InternalTimerService.registerImplied}) are not stored: the operator's
 * own state implies them. They wait in buckets per time (implied-timer-queue.ts) instead of the
 * heaps, deduplicated with the stored ones. Due timers fire in time order across both; at equal
 * times the stored ones come first.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MapStateDescriptor, type MapState } from '@eddy/api';
import type { KeyEntry } from '../state/key-entry.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { cacheKeyOf, type CacheKey } from '../state/key-layout.js';
import { ImpliedTimerQueue, type ImpliedTimerBucket } from './implied-timer-queue.js';
import { TimerHeap, type Timer } from './timer-heap.js';
import { TimerIndex } from './timer-index.js';

/** Which clock a timer follows. */
export const enum TimerDomain {
  EventTime = 0,
  ProcessingTime = 1,
}

/**
 * The stored timer, a user key of the timers' MapState: `domain:time` or
 * `domain:time:windowStart:windowEnd`, numbers in JavaScript's shortest round-trip form. A string,
 * so that the map identifies it without encoding it: a window writes and removes its timer once.
 * Checkpoints of earlier versions hold `[domain, time, windowStart?, windowEnd?]` arrays instead.
 */
type StoredTimer = string | readonly number[];

/** Name of the timers' state (reserved: user state names may not start with `_timers`). */
export const TIMER_STATE = '_timers';

/**
 * Largest batch of due timers whose keys are loaded in one go. Between batches the event loop
 * runs, so firing a window for every key never starves heartbeats, flushes or periodic
 * watermarks (at ~15 µs per timer a batch takes ~15 ms).
 */
const FIRE_BATCH = 1024;

/**
 * Share of the cached keys from which a bucket of implied timers is fired in cache order (see
 * InternalTimerService.fireInCacheOrder): below it, walking the whole cache costs more than it saves.
 */
const CACHE_ORDER_FRACTION = 0.25;

/** Asks {@link InternalTimerService} to build a new timer's stored form. */
const NEW: unique symbol = Symbol('new stored timer');

/** The stored form of a timer (see {@link StoredTimer}). */
export function storedTimer(domain: TimerDomain, time: number, ns: readonly [number, number] | undefined): string {
  return ns === undefined ? `${domain}:${time}` : `${domain}:${time}:${ns[0]}:${ns[1]}`;
}

/**
 * A stored timer's domain, time and namespace; also the array form (`[domain, time, start?, end?]`)
 * that checkpoints written before the string form hold. @throws RangeError for anything else.
 */
export function parseStoredTimer(t: unknown): { domain: TimerDomain; time: number; ns: readonly [number, number] | undefined } {
  const parts = typeof t === 'string' ? t.split(':').map(Number) : Array.isArray(t) ? (t as unknown[]) : undefined;
  if (parts === undefined || (parts.length !== 2 && parts.length !== 4) || !parts.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new RangeError(`not a stored timer: ${JSON.stringify(t)}`);
  const [d, time, start, end] = parts as number[];
  const domain = d === TimerDomain.ProcessingTime ? TimerDomain.ProcessingTime : TimerDomain.EventTime;
  return { domain, time: time!, ns: start === undefined ? undefined : [start, end!] };
}

function checkTime(time: number): void {
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new RangeError(`a timer needs a finite time in ms, got ${String(time)}`);
}

/** Called for each due timer with its key set as the backend's current key. */
export type TimerCallback = (timer: Timer, domain: TimerDomain) => void | Promise<void>;

/**
 * Whether the state of the backend's current key implies an implied timer at `time` for `ns`
 * (see {@link InternalTimerService.setImpliedProbe}).
 */
export type ImpliedTimerProbe = (time: number, ns: readonly [number, number] | undefined) => boolean;

/**
 * Removes the state of the backend's current key that implied a timer at `time` for `ns`, once
 * that timer fired (see {@link InternalTimerService.setImpliedProbe}).
 */
export type ImpliedTimerClear = (time: number, ns: readonly [number, number] | undefined) => void;

/** Event- and processing-time timers of one operator instance. */
export class InternalTimerService {
  private readonly state: MapState<StoredTimer, 1>;
  private readonly live: [TimerIndex, TimerIndex] = [new TimerIndex(), new TimerIndex()];
  private readonly heaps: [TimerHeap, TimerHeap] = [new TimerHeap(), new TimerHeap()];
  private readonly implied: [ImpliedTimerQueue, ImpliedTimerQueue] = [new ImpliedTimerQueue(), new ImpliedTimerQueue()];
  private seq = 0;
  private impliedProbe: ImpliedTimerProbe | undefined;
  private impliedClear: ImpliedTimerClear | undefined;

  constructor(private readonly backend: KeyedStateBackend) {
    this.state = backend.getMapState(new MapStateDescriptor<StoredTimer, 1>(TIMER_STATE));
  }

  /** Rebuilds the heaps from restored state. Call once, right after the backend's restore. */
  async restore(): Promise<void> {
    const pairs = await this.backend.scanMapKeys(new MapStateDescriptor<unknown, unknown>(TIMER_STATE));
    for (const [key, userKey] of pairs) {
      const { domain, time, ns } = parseStoredTimer(userKey);
      // Kept as read, so that firing or deleting the timer removes exactly the stored entry.
      this.index(domain, time, key, cacheKeyOf(key), ns, userKey as StoredTimer);
    }
  }

  /**
   * Indexes an implied timer of `key` while restoring (after {@link restore}): one that the
   * operator's own restored state implies, so it was never stored. Nothing happens when a timer
   * of the same key, namespace and time was restored.
   */
  restoreImplied(domain: TimerDomain, time: number, key: unknown, ns: readonly [number, number] | undefined): void {
    this.queueImplied(domain, time, key, cacheKeyOf(key), ns);
  }

  /** Queues an implied timer unless a timer (stored or implied) of the same coordinates exists. */
  private queueImplied(domain: TimerDomain, time: number, key: unknown, cacheKey: CacheKey, ns: readonly [number, number] | undefined): void {
    if (this.live[domain].find(time, cacheKey, ns) !== undefined) return;
    this.implied[domain].add(time, key, cacheKey, ns);
  }

  /**
   * Indexes a stored timer unless one of the same key, namespace and time exists (stored or
   * implied). `stored` is the timer's stored form as read, or {@link NEW} to build it.
   * @returns the new timer.
   */
  private index(
    domain: TimerDomain,
    time: number,
    key: unknown,
    cacheKey: CacheKey,
    ns: readonly [number, number] | undefined,
    stored: StoredTimer | typeof NEW,
  ): Timer | undefined {
    const index = this.live[domain];
    if (index.find(time, cacheKey, ns) !== undefined || this.implied[domain].has(time, cacheKey, ns)) return undefined;
    // The stored form is built only for a timer that is new.
    const storedAs = stored === NEW ? storedTimer(domain, time, ns) : stored;
    const timer: Timer = { time, key, cacheKey, namespace: ns, stored: storedAs, seq: this.seq++ };
    index.add(timer);
    this.heaps[domain].push(timer);
    return timer;
  }

  /**
   * Registers a timer of the backend's current key; a timer of the same key, namespace and time
   * is kept only once.
   * @throws RangeError for a time that is not a finite number.
   */
  register(domain: TimerDomain, time: number, ns?: readonly [number, number]): void {
    checkTime(time);
    const timer = this.index(domain, time, this.backend.getCurrentKey(), this.backend.getCurrentCacheKey(), ns, NEW);
    if (timer !== undefined) this.state.put(timer.stored!, 1);
  }

  /**
   * Registers an implied timer of the current key: kept in memory only, not in state, because the
   * caller's own keyed state implies it. The caller rebuilds it on restore
   * ({@link restoreImplied}). Deduplicated with stored timers like any other.
   * @throws RangeError for a time that is not a finite number.
   */
  registerImplied(domain: TimerDomain, time: number, ns: readonly [number, number] | undefined): void {
    checkTime(time);
    this.queueImplied(domain, time, this.backend.getCurrentKey(), this.backend.getCurrentCacheKey(), ns);
  }

  /**
   * Lets a walk over the cache (see {@link fireInCacheOrder}) ask `probe` whether a key has an
   * implied timer, instead of its timer's bucket: the walk has the key's state at hand, while the
   * bucket of a window is a hash table of every key, each lookup a stall on memory.
   *
   * The probe must answer true exactly for the keys whose implied timer of that time and
   * namespace is queued and has not fired (a window's contents exist exactly until its timer
   * fires), and callbacks must not register implied timers of the time being fired. Once a timer
   * of a bucket is deleted, the bucket itself is asked again.
   *
   * With `clear`, the callback of an implied timer only reads the state that implied it, and this
   * service removes that state with `clear`: for the timers a walk fires, once the walk has fired
   * all of them, so that a window's last result does not wait for the contents of every other key
   * to be cleared first (about a third of a firing); for timers fired batch by batch, right after
   * each callback. A walk clears what it fired before it returns, and before it goes on once the
   * cache's order changed ({@link KeyedStateBackend.cacheReorders}): no probe sees a fired timer's
   * state.
   */
  setImpliedProbe(probe: ImpliedTimerProbe, clear?: ImpliedTimerClear): void {
    this.impliedProbe = probe;
    this.impliedClear = clear;
  }

  /** Deletes a timer of the current key; nothing happens when there is none. */
  delete(domain: TimerDomain, time: number, ns?: readonly [number, number]): void {
    const cacheKey = this.backend.getCurrentCacheKey();
    const removed = this.live[domain].remove(time, cacheKey, ns);
    if (removed === undefined) {
      this.implied[domain].remove(time, cacheKey, ns);
      return;
    }
    if (removed.stored !== undefined) this.state.remove(removed.stored);
    // The heap entry stays and is skipped when it comes up: deletion is O(1).
  }

  /** Registered timers (both domains). */
  get size(): number {
    return this.live[0].size + this.live[1].size + this.implied[0].size + this.implied[1].size;
  }

  /** The earliest timer time of `domain`, stored or implied; undefined when none. */
  nextTime(domain: TimerDomain): number | undefined {
    const stored = this.nextStoredTime(domain);
    const implied = this.implied[domain].peekTime();
    return stored === undefined || (implied !== undefined && implied < stored) ? implied : stored;
  }

  /** The earliest live stored timer time of `domain` (dropping stale heap entries), undefined when none. */
  private nextStoredTime(domain: TimerDomain): number | undefined {
    const heap = this.heaps[domain];
    const index = this.live[domain];
    for (let t = heap.peek(); t !== undefined; t = heap.peek()) {
      if (index.isLive(t)) return t.time;
      heap.pop();
    }
    return undefined;
  }

  /** Whether a timer of `domain` is due at `time`. */
  hasDue(domain: TimerDomain, time: number): boolean {
    const next = this.nextTime(domain);
    return next !== undefined && next <= time;
  }

  /**
   * Fires every timer of `domain` with time ≤ `upTo`, in time order (stored before implied at equal
   * times), including timers the callbacks register meanwhile. Each timer is removed before its
   * callback runs, with its key current and loaded.
   */
  async advance(domain: TimerDomain, upTo: number, fire: TimerCallback): Promise<void> {
    const implied = this.implied[domain];
    let batches = 0;
    for (;;) {
      const stored = this.nextStoredTime(domain);
      const bucket = implied.first();
      const impliedTime = bucket === undefined ? Infinity : bucket.time;
      if (stored !== undefined && stored <= upTo && stored <= impliedTime) {
        if (batches++ > 0) await yieldToEventLoop();
        await this.fireStored(domain, Math.min(upTo, impliedTime), fire);
      } else if (bucket !== undefined && impliedTime <= upTo) {
        if (batches++ > 0) await yieldToEventLoop();
        await this.fireImplied(domain, bucket, fire);
      } else return;
    }
  }

  /** Fires one batch of due stored timers with time ≤ `upTo`. */
  private async fireStored(domain: TimerDomain, upTo: number, fire: TimerCallback): Promise<void> {
    const heap = this.heaps[domain];
    const index = this.live[domain];
    const due: Timer[] = [];
    for (let t = heap.peek(); t !== undefined && t.time <= upTo && due.length < FIRE_BATCH; t = heap.peek()) {
      heap.pop();
      if (index.isLive(t)) due.push(t);
    }
    let cached = true;
    for (const t of due) if (!this.backend.isCached(t.key)) cached = false;
    if (!cached) await this.backend.prefetch(due.map((t) => t.key));
    for (let i = 0; i < due.length; i++) {
      const t = due[i]!;
      if (!index.removeTimer(t)) continue; // deleted by an earlier callback of this batch
      this.backend.setCurrentKey(t.key);
      this.state.remove(t.stored!);
      const r = fire(t, domain);
      if (r !== undefined) await r;
      const next = due[i + 1];
      if (next !== undefined && this.firesBefore(domain, next.time)) {
        // A callback registered a timer earlier than the rest of this batch: back to the heap.
        for (let j = i + 1; j < due.length; j++) heap.push(due[j]!);
        return;
      }
    }
  }

  /**
   * Fires up to one batch of `bucket`'s timers: in registration order, or, for a bucket that holds
   * a good part of the cached keys, those of cached keys in cache order. Timers stay in the bucket
   * until they fire, so a batch cut short leaves the rest queued.
   */
  private async fireImplied(domain: TimerDomain, bucket: ImpliedTimerBucket, fire: TimerCallback): Promise<void> {
    // A walk that fired by probe left its timers in the bucket: only another walk may go on with it.
    if (!bucket.cacheWalked && (bucket.firedByProbe.length > 0 || bucket.keys.size >= CACHE_ORDER_FRACTION * this.backend.cachedKeyCount)) {
      if (!(await this.fireInCacheOrder(domain, bucket, fire))) return;
      // What is left belongs to keys that were not cached: loaded and fired batch by batch below.
      bucket.cacheWalked = true;
      if (bucket.keys.size === 0) return;
    }
    const implied = this.implied[domain];
    const keys: unknown[] = [];
    const cacheKeys: CacheKey[] = [];
    let cached = true;
    for (const [cacheKey, key] of bucket.keys) {
      keys.push(key);
      cacheKeys.push(cacheKey);
      if (cached && !this.backend.isCached(key)) cached = false;
      if (keys.length === FIRE_BATCH) break;
    }
    if (!cached) await this.backend.prefetch(keys);
    const { time, namespace } = bucket;
    const clear = this.impliedClear;
    for (let i = 0; i < keys.length; i++) {
      if (!implied.take(bucket, cacheKeys[i])) continue; // deleted by an earlier callback of this batch
      const key = keys[i];
      this.backend.setCurrentKey(key);
      const r = fire({ time, key, cacheKey: cacheKeys[i]!, namespace, stored: undefined, seq: -1 }, domain);
      if (r !== undefined) await r;
      if (clear !== undefined) await this.clearKey(key, time, namespace, clear);
      if (this.firesBefore(domain, time)) return; // a callback registered an earlier timer
    }
  }

  /**
   * Fires the timers of `bucket` whose keys are cached, walking the cache in its own order: a
   * bucket holding a good part of the cache (every key of a window) is fired with far fewer
   * memory stalls than in registration order, which is random in memory. The event loop runs
   * every {@link FIRE_BATCH} timers. Timers of keys not cached stay in the bucket.
   * @returns true when the walk went through the whole cache; false when it stopped early (the
   *   bucket emptied, or a callback registered an earlier timer).
   */
  private async fireInCacheOrder(domain: TimerDomain, bucket: ImpliedTimerBucket, fire: TimerCallback): Promise<boolean> {
    const clear = this.impliedClear;
    // Entries whose fired timer's state is still to be cleared (see setImpliedProbe).
    const toClear: KeyEntry[] = [];
    const walkedThrough = await this.walkCache(domain, bucket, fire, toClear);
    if (clear !== undefined) await this.clearWalked(toClear, bucket.time, bucket.namespace, clear);
    // The rest belongs to keys that were not in the cache when the walk came by.
    if (walkedThrough && bucket.firedByProbe.length > 0) this.implied[domain].settle(bucket);
    return walkedThrough;
  }

  /**
   * The walk of {@link fireInCacheOrder}; with an implied timers' clear, the entries it fired and
   * has not cleared yet are left in `toClear`. @returns whether it went through the whole cache.
   */
  private async walkCache(domain: TimerDomain, bucket: ImpliedTimerBucket, fire: TimerCallback, toClear: KeyEntry[]): Promise<boolean> {
    const implied = this.implied[domain];
    const probe = this.impliedProbe;
    const clear = this.impliedClear;
    const { time, namespace } = bucket;
    let fired = 0;
    let reorders = this.backend.cacheReorders;
    for (const entry of this.backend.cachedEntries()) {
      if (clear !== undefined && reorders !== this.backend.cacheReorders) {
        // The walk may meet fired entries again (moved to the back of the cache, or evicted and
        // loaded again): with their state cleared, they do not look pending.
        await this.clearWalked(toClear, time, namespace, clear);
        reorders = this.backend.cacheReorders;
      }
      const { cacheKey, key } = entry;
      if (probe !== undefined && !bucket.removedAny) {
        // The timer stays in the bucket until the walk is through (settled by the caller).
        this.backend.setCurrentEntry(entry);
        if (!probe(time, namespace)) continue;
        bucket.firedByProbe.push(cacheKey);
      } else {
        if (!implied.take(bucket, cacheKey)) continue;
        this.backend.setCurrentEntry(entry);
      }
      const r = fire({ time, key, cacheKey, namespace, stored: undefined, seq: -1 }, domain);
      if (clear !== undefined) toClear.push(entry);
      if (r !== undefined) await r;
      if (this.firesBefore(domain, time)) return false;
      if (bucket.firedByProbe.length === bucket.keys.size && !bucket.removedAny) {
        // Every timer of the bucket has fired: the rest of the cache holds none.
        implied.settle(bucket);
        return false;
      }
      if (bucket.keys.size === 0) return false;
      if (++fired % FIRE_BATCH === 0) await yieldToEventLoop();
    }
    return true;
  }

  /**
   * Clears the state of the implied timers a walk fired, each with its key current, and empties
   * `entries`. A key that left the cache since is loaded again first.
   */
  private async clearWalked(entries: KeyEntry[], time: number, ns: readonly [number, number] | undefined, clear: ImpliedTimerClear): Promise<void> {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.cached) {
        this.backend.setCurrentEntry(entry);
        clear(time, ns);
      } else await this.clearKey(entry.key, time, ns, clear);
      if ((i + 1) % FIRE_BATCH === 0) await yieldToEventLoop();
    }
    entries.length = 0;
  }

  /** Makes `key` current, loading it first when it is not cached, and clears its fired implied timer's state. */
  private clearKey(key: unknown, time: number, ns: readonly [number, number] | undefined, clear: ImpliedTimerClear): void | Promise<void> {
    if (!this.backend.isCached(key)) {
      return this.backend.prefetch([key]).then(() => {
        this.backend.setCurrentKey(key);
        clear(time, ns);
      });
    }
    this.backend.setCurrentKey(key);
    clear(time, ns);
    return undefined;
  }

  /** Whether a timer of `domain` earlier than `time` is pending. */
  private firesBefore(domain: TimerDomain, time: number): boolean {
    const top = this.heaps[domain].peek();
    if (top !== undefined && top.time < time) return true;
    const implied = this.implied[domain].peekTime();
    return implied !== undefined && implied < time;
  }
}
