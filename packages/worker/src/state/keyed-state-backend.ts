/**
 * The RocksDB keyed-state backend of one operator instance (Flink's
 * EmbeddedRocksDBStateBackend, reduced to what Eddy needs): keyed state in a local RocksDB
 * database under a write-behind object cache, full asynchronous snapshots, and restore with
 * key-group filtering for rescaling.
 *
 * How the pieces fit:
 * - State accessors are synchronous. {@link KeyedStateBackend.prefetch} loads the state of a batch
 *   of keys (one `getMany` for value and list states, a prefix scan per key for map states) into
 *   the cache before their records are processed; touching a key that is not cached throws.
 *   Invariant: a cached key entry holds that key's complete state for every registered state (a
 *   state registered after the entry was loaded is new, hence empty for it), which is why
 *   {@link KeyedStateBackend.restore} must run before any key is loaded.
 * - Writes change the cache and mark entries dirty. When the cache's estimated size passes
 *   `cacheBytes`, a clock (second-chance) hand evicts entries; evicted dirty entries are written in
 *   one batch and stay readable (an "in flight" overlay) until that batch has landed.
 * - A barrier ({@link KeyedStateBackend.snapshotSync}) costs O(1): it closes the current dirty
 *   generation instead of copying it. The entries of a closed generation are captured (their
 *   barrier-time values referenced) lazily, copy-on-write style: by the first state access after
 *   the barrier, by eviction, or by a loop over them in slices, so the event loop keeps running.
 * - Every store operation (batches, prefetch reads, restore, the snapshot iterator) runs through one
 *   serial queue, so a read never overtakes a write queued before it. Write batches are encoded,
 *   recorded for the delta snapshot and queued synchronously, in capture order (an eviction first
 *   queues what barriers captured before it), so they land in sequence-number order.
 * - A delta snapshot is written from its log once its barrier's entries are captured. Its
 *   captures do not go to the store: a hot key would otherwise be rewritten into RocksDB at every
 *   barrier, which costs more than the checkpoint (RocksDB's own compactions included). Such
 *   entries are *unstored* (the store holds older values) and stay correct in the cache; their
 *   image is written to the store when they are evicted, or by the next barrier that reads the
 *   store.
 * - A full snapshot (or a delta's base) is taken from the cache while the cache holds every key
 *   with state (nothing was evicted, and a restore fitted in the cache): every cached entry is marked at the barrier and
 *   its image captured, copy-on-write again, as the file is written, in cache order. When every
 *   registered state is a single-value one, the cache's values are all in the record arena
 *   (record-arena.ts), and the snapshot is a copy of it instead, which also absorbs the barrier's
 *   generation (see {@link KeyedStateBackend.absorbedGen}).
 *   Otherwise it reads a store iterator; its barrier writes every dirty entry and the image of
 *   every unstored one through one queued task that opens the iterator right after those
 *   batches, so the iterator sees exactly the state at the barrier.
 */

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  KeyedStateStore,
  ListState,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from '@eddy/api';
import { assignToKeyGroup, ValueReader, ValueWriter, type KeyGroupRange } from '@eddy/common';
import { cacheKeyOf, encodeKey, keyGroupAt, prefixEnd, readStateIdAt, storedKey, withStateId, type CacheKey } from './key-layout.js';
import {
  CapturedWrites,
  DISCARDED_WRITES,
  KeyEntry,
  ListSlot,
  MapSlot,
  materialize,
  SingleSlot,
  type Slot,
  type WriteSink,
} from './key-entry.js';
import {
  RocksAggregatingState,
  RocksListState,
  RocksMapState,
  RocksReducingState,
  RocksValueState,
  type StateHost,
} from './keyed-states.js';
import { openRocksDbStore, type KvIterator, type KvStore, type KvWriteOp } from './rocksdb-store.js';
import {
  readSnapshotRecords,
  writeSnapshotFile,
  type EncodedRecords,
  type RecordBatch,
  type SnapshotBatch,
  type SnapshotHeader,
} from './snapshot-file.js';
import { encodeCapturedRecords, RecordEncoder } from './captured-records.js';
import { RecordArena } from './record-arena.js';
import { StateRegistry, type RegisteredState, type StateTableRow } from './state-registry.js';
import { Applied, applyNewerRecord, sweepTombstones } from './restored-record.js';
import { expiredEntryFilter } from './value-format.js';

/** Options of a {@link KeyedStateBackend}. */
export interface KeyedStateBackendOptions {
  /**
   * Working directory of the RocksDB instance, used by this backend alone. Like Flink's instance
   * path it is ephemeral: a leftover of an earlier attempt is deleted when the backend opens (never
   * reused), and {@link KeyedStateBackend.dispose} deletes it. Give each operator instance and
   * attempt its own directory.
   */
  readonly dir: string;
  /** The job's max parallelism (number of key groups), 1..32768. */
  readonly maxParallelism: number;
  /** Key groups this instance owns, inclusive. Records of other key groups are rejected. */
  readonly keyGroupRange: KeyGroupRange;
  /**
   * Bound of the object cache in bytes, estimated from encoded sizes plus per-object overhead.
   * The current key and the keys asked for since the previous {@link KeyedStateBackend.prefetch}
   * call (by it, by the latest one, or through {@link KeyedStateBackend.isCached}) are never
   * evicted, so batches larger than the cache overshoot it while they are processed.
   */
  readonly cacheBytes: number;
  /** TTL clock in epoch ms. Default `Date.now`; tests inject their own. */
  readonly clock?: () => number;
  /** RocksDB block cache bytes. Default 8 MiB. */
  readonly blockCacheBytes?: number;
  /**
   * Record what is written between barriers so that {@link KeyedStateBackend.snapshotSync} can
   * write a delta (only the changes since the previous barrier) instead of the whole state.
   * Default false: without checkpoints nothing needs recording.
   */
  readonly incremental?: boolean;
  /**
   * Entries a barrier captures per slice before the event loop runs again (default 16384).
   * Tests set it low, so that processing interleaves with the capture of a barrier.
   */
  readonly barrierSliceEntries?: number;
}

/**
 * What a snapshot holds: `'full'` every live entry; `'delta'` the writes since the previous
 * barrier, to be applied on top of that barrier's snapshot (a deleted entry is a record with an
 * empty value, which no stored value ever is).
 */
export type SnapshotKind = 'full' | 'delta';

/** A snapshot file to restore from, with the SHA-256 recorded when it was written. */
export interface SnapshotFileRef {
  readonly file: string;
  /** Hex SHA-256 of the file, as returned by {@link KeyedStateSnapshot.writeTo}. */
  readonly sha256: string;
}

/** What {@link KeyedStateSnapshot.writeTo} produced. */
export interface KeyedStateSnapshotResult {
  /** Size of the file in bytes. */
  readonly bytes: number;
  /** Hex SHA-256 of the file; keep it in the checkpoint metadata and pass it to restore. */
  readonly sha256: string;
  /** Key groups the file covers (this backend's range). */
  readonly keyGroups: KeyGroupRange;
  /** Entries written (MapState entries count one each). */
  readonly records: number;
}

/**
 * The asynchronous part of a snapshot, returned by {@link KeyedStateBackend.snapshotSync}. It
 * reads a RocksDB snapshot pinned at the barrier, so processing may go on while it is written.
 * Call exactly one of `writeTo` or `discard`; until then the pinned snapshot holds disk space.
 */
export interface KeyedStateSnapshot {
  readonly checkpointId: number;
  /** What {@link writeTo} writes; `'full'` also when a delta was asked for but cannot be written. */
  readonly kind: SnapshotKind;
  /**
   * Streams every live entry into `file` (see snapshot-file.ts; in stored-key order when read
   * from the store, otherwise unordered), fsyncs it
   * and resolves with its size and checksum. Expired TTL entries are left out.
   * @throws Error when called twice or after discard, or when the store or the file fails (the
   *   partial file is deleted).
   */
  writeTo(file: string): Promise<KeyedStateSnapshotResult>;
  /**
   * Releases the pinned snapshot without writing (and the base, when it was not written).
   * Idempotent.
   */
  discard(): Promise<void>;
  /**
   * With `snapshotSync(id, 'delta', true)`: a full snapshot of the same barrier. Call exactly one
   * of its methods; until then it pins a store snapshot.
   */
  readonly base: FullSnapshotWriter | undefined;
}

/** A full snapshot to write or discard (see {@link KeyedStateSnapshot.base}). */
export interface FullSnapshotWriter {
  writeTo(file: string): Promise<KeyedStateSnapshotResult>;
  discard(): Promise<void>;
}

/** Counters for metrics and tests. */
export interface KeyedStateBackendStats {
  /** Keys in the cache. */
  readonly cachedKeys: number;
  /** Estimated cache size in bytes. */
  readonly cachedBytes: number;
  /** Keys with changes not yet captured for a write (an upper bound while a barrier is being written). */
  readonly dirtyKeys: number;
  /** Evicted keys whose write batch has not landed yet. */
  readonly inFlightKeys: number;
  /** Cached keys whose latest captured state is in a checkpoint but not in the store yet. */
  readonly unstoredKeys: number;
  /** Keys evicted so far. */
  readonly evictions: number;
  /** Keys loaded from the store by prefetch so far. */
  readonly loads: number;
}

/** A delta log's write as a snapshot record: a delete is a record with an empty value. */
function deltaRecord(op: KvWriteOp): [Buffer, Buffer] {
  return op.type === 'put' ? [op.key, op.value] : [op.key, TOMBSTONE];
}

/** Marks a directory as a backend's own, safe to delete when a new backend opens it. */
const DIR_MARKER = '.eddy-keyed-state';
/** Fraction of `cacheBytes` the eviction hand frees down to, so evictions come in batches. */
const EVICT_TO = 0.9;
/** Keys per `getMany` call; several run in parallel on libuv's thread pool. */
const GET_CHUNK = 256;
/** Map-state prefix scans run at once during a prefetch. */
const SCAN_CONCURRENCY = 16;
/** Restore writes a batch once it holds this many bytes. */
const RESTORE_BATCH_BYTES = 4 << 20;

/** A full snapshot being taken from the cache (see {@link KeyedStateBackend.snapshotSync}). */
interface CacheImage {
  /** Its number: entries whose {@link KeyEntry.imageGen} is lower are pending. */
  readonly gen: number;
  /**
   * The walk over the cache, in cache order (about the order entries were loaded, which walks the
   * heap far better than key-group order does). Live: entries that enter the cache after the
   * barrier come up too, and are not pending; entries that leave it were imaged first.
   */
  readonly walk: IterableIterator<KeyEntry>;
  /** The walk reached the end: the image is complete. */
  done: boolean;
  /** Images captured before the writer reached their entry (copy on write, eviction), for the next batch. */
  early: CapturedWrites;
  /**
   * Set when batches are encoded straight into records (no state has a TTL to clean up): the
   * image's own writer, which every batch reuses (see {@link KeyedStateBackend.nextImageBatch}).
   */
  readonly writer: ValueWriter | undefined;
  /**
   * The barrier of this full snapshot when its captures only mark entries clean: the image's walk
   * captures them as it goes, instead of a walk of its own (see {@link KeyedStateBackend.snapshotSync}).
   */
  barrier?: BarrierCapture;
}

/** Entries whose images a cache snapshot captures per batch, before the event loop runs again. */
const IMAGE_BATCH = 8192;
/** Initial size of a cache image's writer; it grows to its largest batch. */
const IMAGE_WRITER_BYTES = 256 * 1024;

/**
 * Below this many cached keys {@link KeyedStateBackend.fullSnapshotIsCheap} says no: a small
 * state costs little either way, and its deltas are what the tests of delta chains exercise.
 */
const MIN_KEYS_FOR_FULL_BY_CHOICE = 4096;

/** The dirty entries of one barrier, until all of them are captured and queued for writing. */
interface BarrierCapture {
  readonly generation: number;
  /**
   * A barrier whose snapshot reads the store (full, or with a base): its writes go through one
   * queued operation (sequence number {@link seq}) that opens the store iterator right after them,
   * so no later write can come between. An unpinned barrier (a delta) writes to its log only.
   */
  readonly pinned: boolean;
  readonly seq: number;
  /**
   * May also hold entries no longer dirty in this generation, and lacks cached ones when not
   * {@link listed} (see {@link KeyedStateBackend.dirty}).
   */
  readonly entries: KeyEntry[];
  /** Whether {@link entries} holds every entry dirty at the barrier (see KeyedStateBackend.dirtyListed). */
  readonly listed: boolean;
  /** Entries dirty at the barrier. */
  readonly dirtyKeys: number;
  /** Whether some of {@link entries} became dirty outside the cache (see KeyedStateBackend.captureOrder). */
  readonly uncachedDirty: boolean;
  /** Captured and not yet written (pinned) or recorded in the log (unpinned). */
  captured: CapturedWrites;
  /**
   * Where the barrier's writes are recorded for a delta snapshot. An unpinned barrier without one
   * (a full snapshot from the cache) captures only to mark its entries clean and unstored.
   */
  readonly log: DeltaLog | undefined;
  /** Whether captures are recorded encoded straight into records (no state has a TTL to clean up). */
  readonly encoded: boolean;
}

/**
 * The store writes of one generation, kept for its delta snapshot. Bounded: past `limit` bytes it
 * drops what it holds and says so, and the snapshot of that barrier is a full one instead.
 */
class DeltaLog {
  readonly batches: Array<KvWriteOp[] | EncodedRecords> = [];
  bytes = 0;
  overflowed = false;
  /**
   * Set when a barrier has chosen to write this log as its delta: from then on only that
   * barrier's own captures arrive (bounded by the cache), and all of them must be kept.
   */
  sealed = false;

  constructor(private readonly limit: number) {}

  record(ops: KvWriteOp[]): void {
    if (this.sealed) {
      this.batches.push(ops);
      return;
    }
    if (this.overflowed) return;
    for (const op of ops) this.bytes += op.key.length + (op.type === 'put' ? op.value.length : 0) + 32;
    if (this.bytes > this.limit) {
      this.overflowed = true;
      this.batches.length = 0;
      return;
    }
    this.batches.push(ops);
  }

  /** Records a barrier's own captures, encoded; only a sealed log receives them. */
  recordEncoded(records: EncodedRecords): void {
    if (!this.sealed) throw new Error('internal: encoded records for a log no barrier has chosen');
    this.batches.push(records);
  }
}

const TOMBSTONE = Buffer.alloc(0);

/** `pendingSeq` of an entry whose captured writes are not queued yet: it stays in flight. */
const UNQUEUED = Number.MAX_SAFE_INTEGER;

/** Dirty share of the cache from which a barrier's capture walks the whole cache (see captureOrder). */
const CACHE_ORDER_DIRTY_FRACTION = 0.25;

/** Entries captured per slice of a barrier's write; the event loop runs between slices. */
const BARRIER_SLICE = 16384;

interface PendingKey {
  readonly key: unknown;
  readonly cacheKey: CacheKey;
  readonly keyGroup: number;
  readonly keyBytes: Buffer;
}

/** Bytes of an arena copy per batch of its file: each is hashed and written before the event loop runs again. */
const ARENA_BATCH_BYTES = 1 << 20;

/** The batches of a snapshot file of an arena copy: slices of its bytes, the record count with the last one. */
function arenaBatches(records: EncodedRecords): () => Promise<SnapshotBatch | undefined> {
  let at = 0;
  return () => {
    const { bytes } = records;
    if (at >= bytes.length) return Promise.resolve(undefined);
    const end = Math.min(bytes.length, at + ARENA_BATCH_BYTES);
    const batch: EncodedRecords = { bytes: bytes.subarray(at, end), count: end === bytes.length ? records.count : 0 };
    at = end;
    return Promise.resolve(batch);
  };
}

function describeKey(key: unknown): string {
  try {
    const s = typeof key === 'bigint' ? `${key}n` : JSON.stringify(key);
    return s === undefined ? String(key) : s.length > 100 ? `${s.slice(0, 100)}…` : s;
  } catch {
    return String(key);
  }
}

function checkOptions(o: KeyedStateBackendOptions): void {
  if (!Number.isInteger(o.maxParallelism) || o.maxParallelism < 1 || o.maxParallelism > 32768)
    throw new RangeError(`maxParallelism must be an integer in [1, 32768], got ${o.maxParallelism}`);
  const { start, end } = o.keyGroupRange;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end >= o.maxParallelism)
    throw new RangeError(`keyGroupRange [${start}, ${end}] is not a non-empty range within [0, ${o.maxParallelism - 1}]`);
  if (!(o.cacheBytes > 0)) throw new RangeError(`cacheBytes must be positive, got ${o.cacheBytes}`);
  const slice = o.barrierSliceEntries;
  if (slice !== undefined && !(Number.isInteger(slice) && slice >= 1))
    throw new RangeError(`barrierSliceEntries must be a positive integer, got ${slice}`);
}

/**
 * Keyed state of one operator instance, stored in RocksDB. Not safe for concurrent use by two
 * operators; calls from one operator may overlap (prefetch of the next batch while processing).
 */
export class KeyedStateBackend implements KeyedStateStore {
  private readonly registry = new StateRegistry();
  private readonly cache = new Map<CacheKey, KeyEntry>();
  /** Evicted entries whose data is in a batch that has not landed: still the truth for their key. */
  private readonly inFlight = new Map<CacheKey, KeyEntry>();
  /**
   * Dirty entries of the current generation, in the order they became dirty. An array rather
   * than a set (an insert per first write of a key per checkpoint interval is hot): an entry that
   * stopped being dirty stays in it, and may appear again once dirty again, so readers skip
   * entries that are not dirty in this generation. {@link dirtyCount} keeps it compact.
   */
  private dirty: KeyEntry[] = [];
  /**
   * Whether {@link dirty} lists every dirty entry of the current generation. It stops taking
   * cached entries once it holds {@link CACHE_ORDER_DIRTY_FRACTION} of the cache: its barrier
   * then walks the cache instead (see captureOrder), and a push per changed key per checkpoint
   * interval into a list nobody walks cost as much as the change itself. Entries outside the
   * cache, which that walk misses, are always listed.
   */
  private dirtyListed = true;
  /** Dirty entries of the current generation (whether {@link dirty} lists them or not). */
  private dirtyCount = 0;
  /** Whether an entry outside the cache became dirty in the current generation (see captureOrder). */
  private uncachedDirty = false;
  /**
   * Cached entries that are {@link KeyEntry.unstored}, for the next barrier that reads the store;
   * like {@link dirty}, it may also hold entries that were stored since (they are skipped).
   */
  private unstored: KeyEntry[] = [];
  /** Entries of {@link unstored} that are still unstored. */
  private unstoredCount = 0;
  /** Set by {@link restore}, which runs at most once. */
  private restoreCalled = false;
  /** Set by the first prefetch or isCached call: from then on, state may have changed. */
  private accessed = false;
  /** The full snapshot being taken from the cache, at most one. */
  private image: CacheImage | undefined;
  /** The number of the latest cache snapshot begun (see {@link KeyEntry.imageGen}). */
  private imageGen = 0;
  /** Generation of dirty entries; every barrier closes one. */
  private generation = 1;
  /** Closed generations whose entries are not all captured yet. */
  private readonly barriers = new Map<number, BarrierCapture>();
  private cachedBytes = 0;
  private current: KeyEntry | undefined;
  private currentKey: unknown;
  private currentCacheKey: CacheKey;
  private hasCurrentKey = false;
  /** Incremented per prefetch call; entries of the latest two are protected from eviction. */
  private epoch = 0;
  /** Epoch at which the hand found nothing more to evict (don't rescan until the next prefetch). */
  private evictionStuckAt = -1;
  private seq = 0;
  private landedSeq = 0;
  /**
   * False while every key with data in the store is also in the cache (nothing was evicted or
   * restored yet): a key that is not cached then has no state, and prefetch needs no reads.
   */
  private storeHasUncachedKeys = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Writes of the current generation, for the next delta snapshot; undefined unless incremental. */
  private deltaLog: DeltaLog | undefined;
  private failure: unknown;
  private closed = false;
  private evictions = 0;
  /** Eviction passes so far (see {@link cacheReorders}). */
  private evictionPasses = 0;
  private loads = 0;
  private readonly clock: () => number;
  private readonly range: KeyGroupRange;
  private readonly barrierSlice: number;

  /**
   * The latest generation closed by a full snapshot of the arena (-1: none). Such a snapshot
   * holds every entry whole, so the dirty entries of the generations it closed are not captured:
   * they count as clean and unstored, and are marked so when next met (copy on write, eviction),
   * or all at once before a snapshot reads the store ({@link settleAbsorbed}). Until then they
   * still look dirty, in a generation with no pending barrier.
   */
  private absorbedGen = -1;
  /** Some entries of absorbed generations may still look dirty. */
  private unsettled = false;
  /** The values of single-value states in cached entries, as snapshot records (see record-arena.ts). */
  private readonly arena = new RecordArena();

  private readonly host: StateHost = {
    entry: () => this.currentEntry(),
    now: () => this.clock(),
    changed: (entry, delta) => this.changed(entry, delta),
    arena: this.arena,
  };

  /**
   * Wraps an open store; most callers want {@link KeyedStateBackend.open}.
   * @throws RangeError for invalid options.
   */
  constructor(
    private readonly options: KeyedStateBackendOptions,
    private readonly store: KvStore,
  ) {
    checkOptions(options);
    this.clock = options.clock ?? Date.now;
    this.barrierSlice = options.barrierSliceEntries ?? BARRIER_SLICE;
    this.range = { start: options.keyGroupRange.start, end: options.keyGroupRange.end };
    this.deltaLog = options.incremental ? this.newDeltaLog() : undefined;
  }

  private newDeltaLog(): DeltaLog {
    // As much memory as the cache itself at most: beyond that a full snapshot is cheaper anyway.
    return new DeltaLog(Math.max(1 << 20, this.options.cacheBytes));
  }

  /**
   * Opens a backend on a fresh RocksDB database in `options.dir`. A directory left by an earlier
   * backend (it holds the marker file this method writes) is deleted first; any other non-empty
   * directory is refused, so a misconfigured path never loses unrelated files.
   * @throws RangeError for invalid options; Error for a non-empty foreign directory; the
   *   binding's error if RocksDB cannot open.
   */
  static async open(options: KeyedStateBackendOptions): Promise<KeyedStateBackend> {
    checkOptions(options);
    const dir = path.resolve(options.dir);
    const existing: string[] = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    if (existing.length > 0) {
      if (!existing.includes(DIR_MARKER))
        throw new Error(`state directory '${dir}' is not empty and was not created by a state backend; refusing to delete it`);
      await rm(dir, { recursive: true, force: true });
    }
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, DIR_MARKER), 'working directory of an Eddy keyed-state backend; deleted on dispose\n');
    const store = await openRocksDbStore(dir, { blockCacheBytes: options.blockCacheBytes });
    return new KeyedStateBackend(options, store);
  }

  /** The key groups this backend owns. */
  get keyGroupRange(): KeyGroupRange {
    return this.range;
  }

  // ---- current key and state objects --------------------------------------------------------

  /**
   * Makes `key` the key that state objects read and write. Cheap: one map lookup. The key's state
   * must be cached ({@link prefetch}) before a state object is used.
   */
  setCurrentKey(key: unknown): void {
    this.currentKey = key;
    this.hasCurrentKey = true;
    const cacheKey = cacheKeyOf(key);
    this.currentCacheKey = cacheKey;
    const entry = this.cache.get(cacheKey) ?? this.reinstate(cacheKey);
    if (entry !== undefined) entry.referenced = true;
    this.current = entry;
  }

  /**
   * {@link setCurrentKey} for the key of `entry`, from {@link cachedEntries} or
   * {@link cachedEntryOf}, without looking its state up again. An entry no longer cached is looked
   * up like any key.
   */
  setCurrentEntry(entry: KeyEntry): void {
    if (!entry.cached) {
      this.setCurrentKey(entry.key);
      return;
    }
    this.currentKey = entry.key;
    this.hasCurrentKey = true;
    this.currentCacheKey = entry.cacheKey;
    entry.referenced = true;
    this.current = entry;
  }

  /** The key set by {@link setCurrentKey}, `undefined` before. */
  getCurrentKey(): unknown {
    return this.currentKey;
  }

  /** `cacheKeyOf` of the current key (computed once, by {@link setCurrentKey}); `undefined` before. */
  getCurrentCacheKey(): CacheKey {
    return this.currentCacheKey;
  }

  /**
   * True when `key`'s state is in memory, so accessing it needs no {@link prefetch}. A key
   * reported cached is protected like a prefetched one: it stays cached until the next-but-one
   * prefetch call, so a caller may check a whole batch and skip the await when all are hot.
   */
  isCached(key: unknown): boolean {
    return this.cachedEntryOf(key) !== undefined;
  }

  /**
   * {@link isCached}, returning the key's cached entry (undefined when it is not cached): a caller
   * that checks a batch keeps the entries and makes them current with {@link setCurrentEntry},
   * without looking each key up a second time.
   */
  cachedEntryOf(key: unknown): KeyEntry | undefined {
    this.accessed = true;
    const cacheKey = cacheKeyOf(key);
    const entry = this.cache.get(cacheKey) ?? this.reinstate(cacheKey);
    if (entry === undefined) return undefined;
    entry.epoch = this.epoch;
    entry.referenced = true;
    return entry;
  }

  /** Keys in the cache. */
  get cachedKeyCount(): number {
    return this.cache.size;
  }

  /**
   * The cached entries in the cache's own order, about the order they were allocated: a walk
   * over many of them in this order stalls on memory far less than one in any other order. Live:
   * entries added while walking are visited, evicted ones are not.
   */
  cachedEntries(): IterableIterator<KeyEntry> {
    return this.cache.values();
  }

  /**
   * Changes whenever entries may have left the cache or moved within its order (an eviction pass:
   * second chance moves an entry to the back). Until it changes, a walk over {@link cachedEntries}
   * meets every entry at most once; after a change, it may meet an entry it met before.
   */
  get cacheReorders(): number {
    return this.evictionPasses;
  }

  /** The current key's entry, called by every state access before it reads or changes a slot. */
  private currentEntry(): KeyEntry {
    let entry = this.current;
    if (entry === undefined) {
      if (!this.hasCurrentKey) throw new Error('no current key: call setCurrentKey before using keyed state');
      // The key may have been loaded since setCurrentKey.
      this.setCurrentKey(this.currentKey);
      entry = this.current;
      if (entry === undefined)
        throw new Error(
          `keyed state of key ${describeKey(this.currentKey)} is not loaded: await prefetch([key]) before accessing it`,
        );
    }
    // Copy-on-write: the entry still holds a barrier's state; capture it before it changes.
    if (this.pendingImage(entry)) this.imageEarly(entry);
    if (entry.dirty && entry.dirtyGen !== this.generation) this.captureForBarrier(entry);
    return entry;
  }

  /** Whether a cache snapshot being written still needs the entry's image. */
  private pendingImage(entry: KeyEntry): boolean {
    const image = this.image;
    return image !== undefined && entry.imageGen < image.gen;
  }

  /** Captures the image of an entry the cache snapshot's writer has not reached yet. */
  private imageEarly(entry: KeyEntry): void {
    this.imageOf(entry, this.image!.early);
  }

  private imageOf(entry: KeyEntry, out: WriteSink): void {
    const { keyGroup, key } = entry;
    const end = entry.slotEnd;
    for (let id = 0; id < end; id++) entry.slot(id)?.image(out, keyGroup, this.registry.byId(id)!.idBytes, key);
    entry.imageGen = this.imageGen;
  }

  /**
   * {@link imageOf} straight into a snapshot's encoder. A single-value slot, the state of a
   * running reduce or aggregate and most often an entry's only one, is encoded by a call that
   * is the same for every entry; the other kinds go through their own `image`.
   */
  private imageInto(entry: KeyEntry, encoder: RecordEncoder): void {
    const { keyGroup, key } = entry;
    const end = entry.slotEnd;
    for (let id = 0; id < end; id++) {
      const slot = entry.slot(id);
      if (slot === undefined) continue;
      const stateId = this.registry.byId(id)!.idBytes;
      if (slot.type !== 'single') slot.image(encoder, keyGroup, stateId, key);
      else if (!slot.present) continue;
      else if (slot.rec >= 0) encoder.pushRecord(slot.arena!, slot.rec);
      else encoder.pushSingle(keyGroup, stateId, key, slot.bytes, slot.value, slot.writeTime);
    }
    entry.imageGen = this.imageGen;
  }

  /**
   * The next batch of records of a cache snapshot, `undefined` at the end. Not in key order:
   * the images captured early come first, then those of the next slice of entries.
   */
  private nextImageBatch(image: CacheImage): SnapshotBatch | undefined {
    if (image.done) return undefined;
    if (this.image !== image) throw new Error('the state backend closed while a snapshot was written');
    const early = image.early;
    image.early = new CapturedWrites();
    // Encoded, every image goes straight into the batch's bytes; otherwise it is captured first,
    // then materialized for the writer's TTL cleanup. The batch is a view of the image's writer,
    // written out before the next batch is asked for: a fresh copy per batch (a cache of a million
    // keys takes over a hundred) cost an allocation of a few hundred KB and its page faults each.
    const encoder = image.writer !== undefined ? new RecordEncoder(image.writer) : undefined;
    encoder?.append(early);
    const out: WriteSink = encoder ?? early;
    const barrier = image.barrier;
    for (let n = 0; n < IMAGE_BATCH; n++) {
      const next = image.walk.next();
      if (next.done === true) {
        image.done = true;
        this.image = undefined;
        // Every entry dirty at the barrier was cached then, so the walk met it: all are captured.
        if (barrier !== undefined) this.barriers.delete(barrier.generation);
        break;
      }
      const entry = next.value;
      if (entry.imageGen < image.gen) {
        if (encoder !== undefined) this.imageInto(entry, encoder);
        else this.imageOf(entry, out);
      }
      if (barrier !== undefined && entry.dirty && entry.dirtyGen === barrier.generation) this.captureInto(barrier, entry);
    }
    if (encoder !== undefined) return encoder.view();
    // An image holds no deletes.
    return materialize(early).map((op): [Buffer, Buffer] => [op.key, (op as { value: Buffer }).value]);
  }

  /** Gives up a cache snapshot that will not be written (its entries are no longer pending). */
  private releaseImage(image: CacheImage): void {
    if (this.image !== image) return;
    // Entries not imaged yet stop being pending with it.
    this.image = undefined;
    // The barrier the image was capturing still needs its entries marked clean.
    const barrier = image.barrier;
    if (barrier !== undefined && this.barriers.has(barrier.generation)) this.finishCapture(barrier);
  }

  /**
   * Captures an entry dirty in a closed generation into that barrier's writes; in a generation
   * a snapshot of the arena absorbed, only marks it clean and unstored.
   */
  private captureForBarrier(entry: KeyEntry): void {
    // No barrier of an absorbed generation is pending: a snapshot of the arena finishes the
    // captures of those before it, and no later barrier has an older generation.
    if (entry.dirtyGen <= this.absorbedGen) {
      this.settle(entry);
      return;
    }
    const barrier = this.barriers.get(entry.dirtyGen);
    // Invariant: a dirty entry of a closed generation has its barrier pending, or was absorbed.
    if (barrier === undefined) throw new Error(`internal: no pending barrier for generation ${entry.dirtyGen}`);
    this.captureInto(barrier, entry);
  }

  /**
   * Marks an entry dirty in an absorbed generation clean and unstored: what a capture for a
   * checkpoint does, without the writes. Called as each such entry is met again, so it is kept
   * to flag flips for the single-value slots a snapshot of the arena implies.
   */
  private settle(entry: KeyEntry): void {
    const end = entry.slotEnd;
    for (let id = 0; id < end; id++) {
      const slot = entry.slot(id);
      if (slot === undefined || !slot.dirty) continue;
      if (slot.type !== 'single') {
        // A state registered since: the general capture.
        this.capture(entry, DISCARDED_WRITES, false);
        return;
      }
      slot.dirty = false;
      slot.unstored = true;
    }
    entry.dirty = false;
    if (!entry.unstored) this.markUnstored(entry);
  }

  /** Marks every entry still dirty in an absorbed generation clean and unstored (see {@link absorbedGen}). */
  private settleAbsorbed(): void {
    for (const entry of this.cache.values()) if (entry.dirty && entry.dirtyGen <= this.absorbedGen) this.settle(entry);
    this.unsettled = false;
  }

  /** Captures an entry dirty in `barrier`'s generation into its writes. */
  private captureInto(barrier: BarrierCapture, entry: KeyEntry): void {
    // A barrier of a full snapshot from the cache captures only to mark entries clean and unstored.
    this.capture(entry, barrier.pinned || barrier.log !== undefined ? barrier.captured : DISCARDED_WRITES, barrier.pinned);
    if (barrier.pinned) entry.pendingSeq = barrier.seq;
  }

  /** @throws Error when the name is used by a state of another kind. */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return new RocksValueState<T>(this.host, this.register(descriptor));
  }

  /** @throws Error when the name is used by a state of another kind. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return new RocksListState<T>(this.host, this.register(descriptor));
  }

  /** @throws Error when the name is used by a state of another kind. */
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): RocksMapState<UK, UV> {
    return new RocksMapState<UK, UV>(this.host, this.register(descriptor));
  }

  /** @throws Error when the name is used by a state of another kind. */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    const state = this.register(descriptor);
    return new RocksReducingState<T>(this.host, state, descriptor.reduceFunction);
  }

  /** @throws Error when the name is used by a state of another kind. */
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    const state = this.register(descriptor);
    return new RocksAggregatingState<IN, ACC, OUT>(this.host, state, descriptor.aggregateFunction);
  }

  private register(descriptor: StateDescriptor): RegisteredState {
    this.checkUsable();
    return this.registry.registerDescriptor(descriptor);
  }

  // ---- cache ----------------------------------------------------------------------------------

  private changed(entry: KeyEntry, delta: number): void {
    entry.size += delta;
    if (entry.cached) this.cachedBytes += delta;
    // State objects call currentEntry() before changing a slot, so a dirty entry here is of the
    // current generation.
    if (!entry.dirty) {
      entry.dirty = true;
      entry.dirtyGen = this.generation;
      this.dirtyCount++;
      if (!entry.cached) {
        this.uncachedDirty = true;
        this.dirty.push(entry);
      } else if (this.dirtyListed) {
        this.dirty.push(entry);
        if (this.dirty.length >= CACHE_ORDER_DIRTY_FRACTION * this.cache.size) this.dirtyListed = false;
      }
    }
    if (this.cachedBytes > this.options.cacheBytes && this.evictionStuckAt !== this.epoch) this.evict();
  }

  /** Moves an in-flight entry back into the cache (its data is newer than the store's). */
  private reinstate(cacheKey: CacheKey): KeyEntry | undefined {
    const entry = this.inFlight.get(cacheKey);
    if (entry === undefined) return undefined;
    this.inFlight.delete(cacheKey);
    this.cache.set(cacheKey, entry);
    entry.cached = true;
    this.cachedBytes += entry.size;
    return entry;
  }

  private install(entry: KeyEntry): void {
    // Its state came after any cache snapshot begun so far: none of them is to hold it.
    entry.imageGen = this.imageGen;
    entry.epoch = this.epoch;
    entry.referenced = true;
    entry.cached = true;
    this.cache.set(entry.cacheKey, entry);
    this.cachedBytes += entry.size;
  }

  /**
   * Captures an entry's unwritten changes (references only, see key-entry.ts) and marks it
   * clean: for the store (`forStore`; an unstored entry then gives its image) or for a checkpoint
   * only (it becomes unstored). The caller keeps the dirty bookkeeping ({@link dirtyCount}).
   */
  private capture(entry: KeyEntry, out: WriteSink, forStore: boolean): void {
    let delta = 0;
    const { keyGroup, key } = entry;
    const image = forStore && entry.unstored;
    const end = entry.slotEnd;
    for (let id = 0; id < end; id++) {
      const slot = entry.slot(id);
      if (slot === undefined || !(slot.dirty || (image && slot.unstored))) continue;
      delta += slot.capture(out, keyGroup, this.registry.byId(id)!.idBytes, key, forStore);
      // A vacant slot's delete is in `out`; before it reaches the store the slot must stay.
      if (forStore && slot.vacant) entry.setSlot(id, undefined);
    }
    entry.size += delta;
    if (entry.cached) this.cachedBytes += delta;
    entry.dirty = false;
    if (forStore) {
      if (entry.unstored) {
        entry.unstored = false;
        this.unstoredCount--;
      }
    } else if (!entry.unstored) this.markUnstored(entry);
  }

  /** Marks an entry unstored: captured for a checkpoint, not for the store. */
  private markUnstored(entry: KeyEntry): void {
    entry.unstored = true;
    this.unstoredCount++;
    if (this.unstored.length > 2 * this.unstoredCount + 1024) this.unstored = this.unstored.filter((e) => e.unstored);
    this.unstored.push(entry);
  }

  /** Second-chance eviction down to {@link EVICT_TO} of the bound; writes evicted dirty entries in one batch. */
  private evict(): void {
    this.evictionPasses++;
    const target = this.options.cacheBytes * EVICT_TO;
    const captured = new CapturedWrites();
    const capturedEntries: KeyEntry[] = [];
    let budget = this.cache.size * 2;
    for (const [cacheKey, entry] of this.cache) {
      if (this.cachedBytes <= target || budget-- <= 0) break;
      if (entry === this.current || entry.epoch >= this.epoch - 1 || entry.referenced) {
        entry.referenced = false;
        // Second chance: to the back of the clock (a Map iterates in insertion order).
        this.cache.delete(cacheKey);
        this.cache.set(cacheKey, entry);
        continue;
      }
      // A barrier's state first (it may leave the entry unstored), then what the store lacks.
      if (this.pendingImage(entry)) this.imageEarly(entry);
      if (entry.dirty && entry.dirtyGen !== this.generation) this.captureForBarrier(entry);
      if (entry.dirty || entry.unstored) {
        if (entry.dirty) this.dirtyCount--;
        this.capture(entry, captured, true);
        entry.pendingSeq = UNQUEUED;
        capturedEntries.push(entry);
      }
      this.cache.delete(cacheKey);
      entry.cached = false;
      entry.detach();
      this.cachedBytes -= entry.size;
      this.evictions++;
      this.storeHasUncachedKeys = true;
      if (entry.pendingSeq > this.landedSeq) this.inFlight.set(cacheKey, entry);
    }
    if (this.cachedBytes > target) this.evictionStuckAt = this.epoch;
    // Without barriers nothing else drops entries evicted clean from the dirty list.
    if (this.dirty.length > 2 * this.dirtyCount + 1024) {
      const gen = this.generation;
      this.dirty = Array.from(new Set(this.dirty.filter((e) => e.dirty && e.dirtyGen === gen)));
    }
    // (A pinned barrier's captures are written by its queued operation, which is ahead of this write.)
    if (captured.length > 0) this.queueWrite(captured, capturedEntries, this.deltaLog);
  }

  // ---- the store queue ------------------------------------------------------------------------

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.failure !== undefined) throw new Error('the state backend failed earlier', { cause: this.failure });
      return op();
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Encodes captured writes, records them in `log` for its delta snapshot, and queues them as the
   * next write batch; `entries`, whose data they carry, stay readable in flight until it landed.
   * Synchronous up to the queueing, so batches reach the store, and logs, in capture order.
   */
  private queueWrite(captured: CapturedWrites, entries: readonly KeyEntry[], log: DeltaLog | undefined): void {
    if (this.closed) return; // nothing will read the store again
    const ops = materialize(captured);
    log?.record(ops);
    const seq = ++this.seq;
    for (const e of entries) e.pendingSeq = seq;
    this.enqueue(async () => {
      await this.writeNow(ops);
      this.landed(seq);
    }).catch(() => undefined); // a failure is sticky: the next queued call reports it
  }

  /** Records what an unpinned barrier has captured so far in its log. */
  private flushBarrier(barrier: BarrierCapture): void {
    if (barrier.captured.length === 0) return;
    const captured = barrier.captured;
    barrier.captured = new CapturedWrites();
    const log = barrier.log;
    if (log === undefined) return; // the captures only marked their entries clean
    if (barrier.encoded) log.recordEncoded(encodeCapturedRecords(captured));
    else log.record(materialize(captured));
  }

  private async writeNow(ops: KvWriteOp[]): Promise<void> {
    try {
      await this.store.writeBatch(ops);
    } catch (err) {
      // Lost writes cannot be retried safely (later batches may already depend on them).
      this.failure ??= err;
      throw err;
    }
  }

  /** Batches land in the order they were queued, and sequence numbers are taken in that order. */
  private landed(seq: number): void {
    this.landedSeq = seq;
    for (const [cacheKey, entry] of this.inFlight) if (entry.pendingSeq <= seq) this.inFlight.delete(cacheKey);
  }

  private checkUsable(): void {
    if (this.closed) throw new Error('the state backend is closed');
    if (this.failure !== undefined) throw new Error('the state backend failed earlier', { cause: this.failure });
  }

  // ---- prefetch -------------------------------------------------------------------------------

  /**
   * Loads the state of `keys` (all registered states) into the cache, so that the following
   * synchronous state accesses for them hit memory. Keys already cached are only marked as
   * recently used. The keys of this call and of the previous one are not evicted.
   * @throws Error when a key's key group is outside this backend's range (a routing bug), when
   *   a key cannot be encoded, or when the store failed.
   */
  async prefetch(keys: readonly unknown[]): Promise<void> {
    this.checkUsable();
    this.accessed = true;
    const epoch = ++this.epoch;
    let pending: Map<CacheKey, PendingKey> | undefined;
    for (const key of keys) {
      const cacheKey = cacheKeyOf(key);
      const cached = this.cache.get(cacheKey) ?? this.reinstate(cacheKey);
      if (cached !== undefined) {
        cached.epoch = epoch;
        cached.referenced = true;
        continue;
      }
      if (pending?.has(cacheKey)) continue;
      const keyGroup = assignToKeyGroup(key, this.options.maxParallelism);
      if (keyGroup < this.range.start || keyGroup > this.range.end)
        throw new Error(
          `key ${describeKey(key)} belongs to key group ${keyGroup}, outside this backend's range [${this.range.start}, ${this.range.end}]`,
        );
      const p: PendingKey = { key, cacheKey, keyGroup, keyBytes: encodeKey(key) };
      // Nothing was ever evicted or restored: a key not cached has no state anywhere.
      if (!this.storeHasUncachedKeys) this.install(new KeyEntry(p.key, p.cacheKey, p.keyGroup, p.keyBytes.length, this.registry.all().length));
      else (pending ??= new Map()).set(cacheKey, p);
    }
    if (this.cachedBytes > this.options.cacheBytes) this.evict();
    if (pending === undefined) return;
    const states = this.registry.all().slice();
    const loaded = await this.enqueue(() => this.load(Array.from(pending.values()), states));
    for (const entry of loaded) {
      // Another prefetch may have installed this key meanwhile, and its entry may have changed since.
      const existing = this.cache.get(entry.cacheKey) ?? this.inFlight.get(entry.cacheKey);
      if (existing !== undefined) {
        existing.epoch = Math.max(existing.epoch, epoch);
        continue;
      }
      this.install(entry);
      entry.epoch = epoch;
      this.loads++;
    }
    if (this.current === undefined && this.hasCurrentKey) this.current = this.cache.get(cacheKeyOf(this.currentKey));
    if (this.cachedBytes > this.options.cacheBytes) {
      this.evictionStuckAt = -1;
      this.evict();
    }
  }

  /** Reads the stored state of `pending` keys for `states`. Runs inside the queue. */
  private async load(pending: PendingKey[], states: readonly RegisteredState[]): Promise<KeyEntry[]> {
    const points = states.filter((s) => s.kind !== 'map');
    const maps = states.filter((s) => s.kind === 'map');
    const pointKeys: Buffer[] = [];
    for (const p of pending) for (const s of points) pointKeys.push(storedKey(p.keyGroup, s.idBytes, p.keyBytes));
    const gets: Array<Promise<Array<Buffer | undefined>>> = [];
    for (let i = 0; i < pointKeys.length; i += GET_CHUNK) gets.push(this.store.getMany(pointKeys.slice(i, i + GET_CHUNK)));
    const scans = new Array<Array<[Buffer, Buffer]>>(pending.length * maps.length);
    let next = 0;
    const scanWorker = async (): Promise<void> => {
      while (next < scans.length) {
        const i = next++;
        const p = pending[Math.floor(i / maps.length)]!;
        scans[i] = await this.scanPrefix(storedKey(p.keyGroup, maps[i % maps.length]!.idBytes, p.keyBytes));
      }
    };
    const workers: Array<Promise<void>> = [];
    for (let w = 0; w < Math.min(SCAN_CONCURRENCY, scans.length); w++) workers.push(scanWorker());
    const [values] = await Promise.all([Promise.all(gets), Promise.all(workers)]);
    const flat = values.flat();
    const entries: KeyEntry[] = [];
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k]!;
      const entry = new KeyEntry(p.key, p.cacheKey, p.keyGroup, p.keyBytes.length, this.registry.all().length);
      for (let j = 0; j < points.length; j++) {
        const bytes = flat[k * points.length + j];
        if (bytes === undefined) continue;
        const s = points[j]!;
        const slot: Slot = s.kind === 'list' ? new ListSlot(bytes) : new SingleSlot(bytes);
        entry.setSlot(s.id, slot);
        entry.size += slot.size;
      }
      for (let j = 0; j < maps.length; j++) {
        const pairs = scans[k * maps.length + j]!;
        if (pairs.length === 0) continue;
        const slot = new MapSlot(pairs);
        entry.setSlot(maps[j]!.id, slot);
        entry.size += slot.size;
      }
      entries.push(entry);
    }
    return entries;
  }

  /** All `[userKeyBytes, value]` pairs under a map-state prefix. */
  private async scanPrefix(prefix: Buffer): Promise<Array<[Buffer, Buffer]>> {
    const it = this.store.iterate({ gte: prefix, lt: prefixEnd(prefix) });
    const out: Array<[Buffer, Buffer]> = [];
    try {
      for (let batch = await it.nextBatch(); batch !== undefined; batch = await it.nextBatch())
        for (const [k, v] of batch) out.push([k.subarray(prefix.length), v]);
    } finally {
      await it.close();
    }
    return out;
  }

  /**
   * Every `[key, userKey]` pair of a MapState in this backend's key groups, read from the cache or
   * the store, wherever {@link restore} put the state. For rebuilding in-memory indexes after a
   * restore (the timer queues): it must run before any state is loaded or written, while the
   * backend holds exactly the restored state.
   * @throws Error when called after state was loaded or written.
   */
  async scanMapKeys(descriptor: MapStateDescriptor<unknown, unknown>): Promise<Array<[unknown, unknown]>> {
    this.checkUsable();
    if (this.accessed || this.seq > 0) throw new Error('scanMapKeys must run before any state is loaded or written');
    const state = this.register(descriptor);
    const out: Array<[unknown, unknown]> = [];
    if (!this.storeHasUncachedKeys) {
      for (const entry of this.cache.values()) {
        const slot = entry.slot(state.id);
        if (slot?.type === 'map') for (const cell of slot.cells().valueList()) out.push([entry.key, cell.userKey]);
      }
      return out;
    }
    const empty = Buffer.alloc(0);
    await this.enqueue(async () => {
      for (let kg = this.range.start; kg <= this.range.end; kg++) {
        for (const [rest] of await this.scanPrefix(storedKey(kg, state.idBytes, empty))) {
          const r = new ValueReader(rest);
          const key = r.readValue();
          out.push([key, r.readValue()]);
        }
      }
    });
    return out;
  }

  // ---- snapshots ------------------------------------------------------------------------------

  /**
   * True when a full snapshot of a barrier now would cost about what its delta costs: every key
   * with state is cached and no cache snapshot is being written (so the full one is taken from
   * the cache), and at least half of the cached keys changed since the previous barrier. Such a
   * delta weighs about as much as the state, and a chain of them soon needs a compaction: writing
   * the full snapshot instead writes the state once instead of twice. When the full snapshot is a
   * copy of the arena ({@link arenaHoldsAll}), a quarter suffices: the copy costs less CPU than
   * the walk that captures a delta of a tenth of the keys (in-process, 500K running counts: about
   * 30 ms for the copy, 40–130 ms for deltas of a quarter to a half), and at a quarter the chain
   * of deltas would need a compaction every third barrier.
   */
  fullSnapshotIsCheap(): boolean {
    if (this.storeHasUncachedKeys || this.image !== undefined || this.cache.size < MIN_KEYS_FOR_FULL_BY_CHOICE) return false;
    return (this.arenaHoldsAll(this.registry.table()) ? 4 : 2) * this.dirtyCount >= this.cache.size;
  }

  /**
   * Whether the arena holds the whole state of `states` while every key is cached: they are all
   * single-value states, and none has a TTL (whose snapshots drop expired values as they are
   * written).
   */
  private arenaHoldsAll(states: readonly StateTableRow[]): boolean {
    return states.every((st) => st.kind !== 'list' && st.kind !== 'map' && st.ttlMs === 0);
  }

  /**
   * The synchronous part of a checkpoint, called at the barrier. O(1), unless the previous
   * barrier's entries are still being captured (they are then captured at once): closes the current
   * generation of dirty entries (they are captured lazily, see the module comment). The snapshot
   * holds exactly the state at the barrier, whatever is written after this call.
   * @param requested `'delta'` writes only the changes since the previous barrier (when the
   *   backend is incremental and its log did not overflow; the result's `kind` says).
   * @param withBase with a delta, also pin a full snapshot of the same barrier, returned as
   *   `base`: writing it in the background compacts a chain without delaying the checkpoint.
   * @throws Error when the backend is closed or failed.
   */
  snapshotSync(checkpointId: number, requested: SnapshotKind = 'full', withBase = false): KeyedStateSnapshot {
    this.checkUsable();
    // An unpinned barrier still being captured must be queued in full before anything of this one.
    for (const b of this.barriers.values()) if (!b.pinned) this.finishCapture(b);
    const log = this.deltaLog;
    const kind: SnapshotKind = requested === 'delta' && log !== undefined && !log.overflowed ? 'delta' : 'full';
    if (log !== undefined) this.deltaLog = this.newDeltaLog();
    if (kind === 'delta') log!.sealed = true;
    const wantsFull = kind === 'full' || withBase;
    // While every key with state is cached, the cache is the whole state: a full snapshot is
    // taken from it, and nothing needs to be written to the store for it.
    const fromCache = wantsFull && !this.storeHasUncachedKeys && this.image === undefined;
    const pinned = wantsFull && !fromCache;
    const states = this.registry.table();
    // TTL cleanup rewrites records as they are written; without a TTL, captures go straight to bytes.
    const encoded = !states.some((st) => st.ttlMs > 0);
    // While every key is cached, every single value is in the arena (see record-arena.ts): when
    // the operator has no other kind of state, the arena is the whole state, copied here.
    const arenaRecords: EncodedRecords | undefined = fromCache && this.arenaHoldsAll(states) ? this.arena.snapshot() : undefined;
    let image: CacheImage | undefined;
    if (fromCache && arenaRecords === undefined) {
      // O(1): every entry cached now is pending from here on, by its older imageGen.
      const writer = encoded ? new ValueWriter(IMAGE_WRITER_BYTES) : undefined;
      image = this.image = { gen: ++this.imageGen, walk: this.cache.values(), done: false, early: new CapturedWrites(), writer };
    }
    // A snapshot of the arena holds every entry whole: the generation it closes needs no captures.
    const absorbs = arenaRecords !== undefined && kind === 'full';
    // Before the store is read, what full snapshots of the arena took must be known unstored.
    if (pinned && this.unsettled) this.settleAbsorbed();
    if (pinned && this.unstoredCount > 0) {
      // The store lacks these entries' latest captures: the barrier writes their images. A dirty
      // one is in the dirty list already, or, dirty at an older pinned barrier, written by it.
      for (const entry of this.unstored) {
        if (!entry.unstored || entry.dirty) continue;
        entry.dirty = true;
        entry.dirtyGen = this.generation;
        this.dirty.push(entry);
        if (!entry.cached) this.uncachedDirty = true;
      }
      this.unstored = [];
    }
    const barrier: BarrierCapture = {
      pinned,
      seq: pinned ? ++this.seq : 0,
      generation: this.generation,
      entries: this.dirty,
      listed: this.dirtyListed,
      dirtyKeys: this.dirtyCount,
      uncachedDirty: this.uncachedDirty,
      captured: new CapturedWrites(),
      log: kind === 'delta' ? log : undefined,
      encoded,
    };
    this.generation++;
    this.dirty = [];
    this.dirtyListed = true;
    this.dirtyCount = 0;
    this.uncachedDirty = false;
    if (absorbs) {
      this.absorbedGen = barrier.generation;
      this.unsettled = true;
    } else this.barriers.set(barrier.generation, barrier);
    const header: SnapshotHeader = {
      maxParallelism: this.options.maxParallelism,
      keyGroups: this.range,
      checkpointId,
      snapshotTime: this.clock(),
      states,
    };
    // A full snapshot from the cache captures only to mark entries clean: its image visits every
    // entry cached at the barrier, and every entry dirty then, so it captures them on its way (one
    // walk over the cache instead of two). Not when a dirty entry was outside the cache.
    if (image !== undefined && kind === 'full' && !barrier.uncachedDirty) image.barrier = barrier;
    // A delta needs no store snapshot: its log is complete once the barrier's writes are
    // captured, whether or not they have reached the store.
    const iterator: Promise<KvIterator | undefined> = pinned
      ? this.enqueue(async () => {
          await this.writePinnedBarrier(barrier);
          this.landed(barrier.seq);
          // Synchronously after the batch landed, before any later queued write can run.
          return this.store.iterate({});
        })
      : image?.barrier === barrier || absorbs
        ? Promise.resolve(undefined)
        : this.captureBarrier(barrier);
    iterator.catch(() => undefined); // reported by writeTo
    let used = false;
    const expired = expiredEntryFilter(header.states, header.snapshotTime);
    const writeFull = async (file: string): Promise<KeyedStateSnapshotResult> => {
      if (arenaRecords !== undefined) {
        try {
          const info = await writeSnapshotFile(file, header, arenaBatches(arenaRecords), expired);
          return { bytes: info.bytes, sha256: info.sha256, keyGroups: { ...this.range }, records: info.records };
        } finally {
          // Written or failed, the file's writes are done: nothing reads the copy any more.
          this.arena.recycle(arenaRecords.bytes);
        }
      }
      if (image !== undefined) {
        try {
          const info = await writeSnapshotFile(file, header, () => Promise.resolve(this.nextImageBatch(image)), expired);
          return { bytes: info.bytes, sha256: info.sha256, keyGroups: { ...this.range }, records: info.records };
        } finally {
          this.releaseImage(image);
        }
      }
      const it = (await iterator)!;
      try {
        const info = await writeSnapshotFile(file, header, () => it.nextBatch(), expired);
        return { bytes: info.bytes, sha256: info.sha256, keyGroups: { ...this.range }, records: info.records };
      } finally {
        await it.close();
      }
    };
    const discardFull = async (): Promise<void> => {
      if (arenaRecords !== undefined) this.arena.recycle(arenaRecords.bytes);
      if (image !== undefined) this.releaseImage(image);
      else await (await iterator.catch(() => undefined))?.close();
    };
    let baseUsed = false;
    const base: FullSnapshotWriter | undefined =
      kind === 'delta' && withBase
        ? {
            writeTo: async (file) => {
              if (baseUsed) throw new Error(`base snapshot of checkpoint ${checkpointId} was already written or discarded`);
              baseUsed = true;
              if (this.closed) throw new Error('the state backend is closed');
              return writeFull(file);
            },
            discard: async () => {
              if (baseUsed) return;
              baseUsed = true;
              await discardFull();
            },
          }
        : undefined;
    return {
      checkpointId,
      kind,
      base,
      writeTo: async (file: string): Promise<KeyedStateSnapshotResult> => {
        if (used) throw new Error(`snapshot of checkpoint ${checkpointId} was already written or discarded`);
        used = true;
        if (this.closed) throw new Error('the state backend is closed');
        if (kind === 'delta') {
          await iterator;
          const batches = log!.batches;
          let next = 0;
          const info = await writeSnapshotFile(
            file,
            header,
            () => {
              if (next >= batches.length) return Promise.resolve(undefined);
              const batch = batches[next++]!;
              return Promise.resolve(Array.isArray(batch) ? batch.map(deltaRecord) : batch);
            },
            // An entry expired by now must not leave an older value of the chain in place.
            (key, value) => (value.length === 0 ? value : (expired(key, value) ?? TOMBSTONE)),
          );
          return { bytes: info.bytes, sha256: info.sha256, keyGroups: { ...this.range }, records: info.records };
        }
        return writeFull(file);
      },
      discard: async (): Promise<void> => {
        await base?.discard();
        if (used) return;
        used = true;
        if (kind === 'full') await discardFull();
      },
    };
  }

  /**
   * Captures what is left of an unpinned barrier's entries and queues their writes, one slice at
   * a time (the event loop runs between slices; what processing captures meanwhile, copy on write,
   * joins the next one).
   */
  private async captureBarrier(barrier: BarrierCapture): Promise<undefined> {
    // A delta recorded as encoded records: the slice's captures go straight into the records,
    // with no arrays of captured writes in between. The encoder's writer is shared by the process,
    // so it lives within one synchronous slice.
    const direct = barrier.encoded && barrier.log !== undefined;
    let encoder = direct ? this.sliceEncoder(barrier) : undefined;
    let n = 0;
    for (const entry of this.captureOrder(barrier)) {
      if (entry.dirty && entry.dirtyGen === barrier.generation) {
        if (encoder !== undefined) this.capture(entry, encoder, false);
        else this.captureInto(barrier, entry);
      }
      if (++n % this.barrierSlice === 0) {
        if (encoder !== undefined) this.recordSlice(barrier, encoder);
        else this.flushBarrier(barrier);
        await yieldToEventLoop();
        if (direct) encoder = this.sliceEncoder(barrier);
      }
    }
    this.barriers.delete(barrier.generation);
    if (encoder !== undefined) this.recordSlice(barrier, encoder);
    else this.flushBarrier(barrier);
    return undefined;
  }

  /**
   * The entries to visit for a barrier's capture: a superset of those still dirty in its
   * generation. The dirty list is in the order entries first changed, which is random in memory;
   * once a good part of the cache is dirty, walking the whole cache in its own order (about the
   * order its entries were allocated) costs far fewer memory stalls than visiting the dirty ones
   * at random. Eviction captures an entry before it leaves the cache, so a dirty entry outside it
   * is one that changed while outside, which the barrier records; then the list is walked too.
   */
  private captureOrder(barrier: BarrierCapture): Iterable<KeyEntry> {
    if (barrier.listed && CACHE_ORDER_DIRTY_FRACTION * this.cache.size > barrier.entries.length) return barrier.entries;
    if (!barrier.uncachedDirty) return this.cache.values();
    return concatEntries(this.cache.values(), barrier.entries.filter((e) => !e.cached));
  }

  /** An encoder for one slice of a direct barrier capture, holding first what copy on write captured since the last slice. */
  private sliceEncoder(barrier: BarrierCapture): RecordEncoder {
    const encoder = new RecordEncoder();
    if (barrier.captured.length > 0) {
      encoder.append(barrier.captured);
      barrier.captured = new CapturedWrites();
    }
    return encoder;
  }

  /** Records a slice's encoded captures in the barrier's delta log. */
  private recordSlice(barrier: BarrierCapture, encoder: RecordEncoder): void {
    const records = encoder.finish();
    if (records.count > 0) barrier.log!.recordEncoded(records);
  }

  /** Captures and queues the rest of an unpinned barrier at once (its loop then finds nothing left). */
  private finishCapture(barrier: BarrierCapture): void {
    for (const entry of this.captureOrder(barrier)) if (entry.dirty && entry.dirtyGen === barrier.generation) this.captureInto(barrier, entry);
    this.barriers.delete(barrier.generation);
    this.flushBarrier(barrier);
  }

  /** Captures what is left of a pinned barrier's entries and writes it, one slice at a time. Runs in the queue. */
  private async writePinnedBarrier(barrier: BarrierCapture): Promise<void> {
    const write = (captured: CapturedWrites): Promise<void> => {
      const ops = materialize(captured);
      barrier.log?.record(ops);
      return this.writeNow(ops);
    };
    let n = 0;
    for (const entry of this.captureOrder(barrier)) {
      if (entry.dirty && entry.dirtyGen === barrier.generation) this.captureInto(barrier, entry);
      if (++n % this.barrierSlice === 0 && barrier.captured.length > 0) {
        const slice = barrier.captured;
        barrier.captured = new CapturedWrites();
        // Awaiting lets processing run; what it captures for this barrier lands in the next slice.
        await write(slice);
      }
    }
    this.barriers.delete(barrier.generation);
    if (barrier.captured.length > 0) await write(barrier.captured);
  }

  /**
   * Loads snapshot files (possibly written by several instances before rescaling), keeping only
   * entries whose key group is in this backend's range and registering the state names they hold.
   * `files` are in the order they apply: each instance's chain, a full snapshot then its deltas,
   * so the first file is a full snapshot.
   * Files whose key-group range does not intersect this backend's are skipped unread. Every file
   * that is read is verified: header, record count in the trailer, SHA-256.
   *
   * The state is restored into the cache, without RocksDB, when it fits: the cache then holds
   * every key with state, as before a failure, so loads and full snapshots need no store. The
   * chain is applied newest file first (see restored-record.ts), so superseded records cost a
   * lookup only. When the state outgrows the cache, the cache is emptied again and the chain is
   * written to the store in order, from which keys are then loaded on demand.
   * @throws SnapshotFileError when a file is missing or fails verification; the cache and the
   *   store are then emptied again (dispose the backend). Error when the backend already holds
   *   state or a file was written with another max parallelism.
   */
  async restore(files: readonly SnapshotFileRef[]): Promise<void> {
    this.checkUsable();
    if (this.restoreCalled || this.storeHasUncachedKeys || this.seq > 0 || this.cache.size > 0)
      throw new Error('restore must run before any state is loaded or written');
    this.restoreCalled = true;
    await this.enqueue(async () => {
      try {
        if (await this.restoreIntoCache(files)) return;
        this.dropCache();
        this.storeHasUncachedKeys = true;
        for (const ref of files) await this.restoreIntoStore(ref);
      } catch (err) {
        this.dropCache();
        await this.store.deleteRange({});
        throw err;
      }
    });
  }

  /**
   * Reads a file's header and hands its records in this backend's key groups, with their
   * states, to `apply`.
   */
  private async readRestoreFile(
    ref: SnapshotFileRef,
    apply: (batch: RecordBatch, i: number, keyGroup: number, state: RegisteredState, idEnd: number) => void,
    afterBatch: () => Promise<void>,
  ): Promise<void> {
    let idMap = new Map<number, RegisteredState>();
    const { start, end } = this.range;
    await readSnapshotRecords(
      ref.file,
      ref.sha256,
      (header) => {
        if (header.maxParallelism !== this.options.maxParallelism)
          throw new Error(
            `snapshot file '${ref.file}' was written with max parallelism ${header.maxParallelism}, this job has ${this.options.maxParallelism}`,
          );
        if (header.keyGroups.end < start || header.keyGroups.start > end) return false;
        idMap = new Map(header.states.map((row: StateTableRow) => [row.id, this.registry.registerRestored(row)]));
        return true;
      },
      async (batch) => {
        const { buf, offsets } = batch;
        for (let i = 0, n = batch.count; i < n; i++) {
          const keyStart = offsets[4 * i]!;
          const keyGroup = keyGroupAt(buf, keyStart);
          if (keyGroup < start || keyGroup > end) continue;
          const { id, end: idEnd } = readStateIdAt(buf, keyStart, offsets[4 * i + 1]!);
          const state = idMap.get(id);
          if (state === undefined) throw new Error(`snapshot file '${ref.file}' has an entry of state id ${id}, absent from its table`);
          apply(batch, i, keyGroup, state, idEnd);
        }
        await afterBatch();
      },
    );
  }

  /**
   * Applies the chain to the cache, newest file first.
   * @returns false, with part of the state in the cache, when the state outgrew the cache.
   */
  private async restoreIntoCache(files: readonly SnapshotFileRef[]): Promise<boolean> {
    const tombstoned: KeyEntry[] = [];
    let sameFile: Set<object> | undefined;
    let reader: ValueReader | undefined;
    let readerBuf: Buffer | undefined;
    const apply = (batch: RecordBatch, i: number, keyGroup: number, state: RegisteredState, idEnd: number): void => {
      const { buf, offsets } = batch;
      if (readerBuf !== buf) {
        reader = new ValueReader(buf);
        readerBuf = buf;
      }
      const r = reader!;
      r.pos = idEnd;
      const current = r.readValue();
      const keyBytesLength = r.pos - idEnd;
      const cacheKey = cacheKeyOf(current);
      let entry = this.cache.get(cacheKey);
      if (entry === undefined) {
        entry = new KeyEntry(current, cacheKey, keyGroup, keyBytesLength, this.registry.all().length);
        entry.unstored = true;
        this.unstoredCount++;
        this.unstored.push(entry);
        this.install(entry);
      }
      const before = entry.size;
      const applied = applyNewerRecord(entry, state, r, offsets[4 * i + 1]!, buf, offsets[4 * i + 2]!, offsets[4 * i + 3]!, sameFile, this.arena);
      if (applied === Applied.Deleted) tombstoned.push(entry);
      this.cachedBytes += entry.size - before;
    };
    const outgrown = new Error('the restored state outgrew the cache');
    // Stops reading the file; the restore then starts over into the store.
    const afterBatch = (): Promise<void> => (this.cachedBytes > this.options.cacheBytes ? Promise.reject(outgrown) : Promise.resolve());
    try {
      for (let f = files.length - 1; f >= 0; f--) {
        // The first file is a full snapshot, which holds each stored key once.
        sameFile = f === 0 ? undefined : new Set();
        await this.readRestoreFile(files[f]!, apply, afterBatch);
      }
    } catch (err) {
      if (err === outgrown) return false;
      throw err;
    }
    for (const entry of tombstoned) {
      if (!entry.cached || !sweepTombstones(entry)) continue;
      // Deleted by a newer file in every state it had: the key has no state.
      this.cache.delete(entry.cacheKey);
      entry.cached = false;
      entry.unstored = false;
      this.unstoredCount--;
      this.cachedBytes -= entry.size;
    }
    return true;
  }

  /** Writes one file's records to the store, in order: an empty value deletes. */
  private async restoreIntoStore(ref: SnapshotFileRef): Promise<void> {
    let ops: KvWriteOp[] = [];
    let opBytes = 0;
    let writing: Promise<void> = Promise.resolve();
    const apply = (batch: RecordBatch, i: number, _keyGroup: number, state: RegisteredState): void => {
      const key = batch.key(i);
      const value = batch.value(i);
      const stored = withStateId(key, state.idBytes);
      ops.push(value.length === 0 ? { type: 'del', key: stored } : { type: 'put', key: stored, value });
      opBytes += stored.length + value.length;
    };
    const afterBatch = async (): Promise<void> => {
      if (opBytes < RESTORE_BATCH_BYTES) return;
      const batch = ops;
      ops = [];
      opBytes = 0;
      // One batch in flight: the file is read and parsed while the store writes the last one.
      await writing;
      writing = this.writeNow(batch);
      writing.catch(() => undefined); // awaited before the next batch or at the end
    };
    try {
      await this.readRestoreFile(ref, apply, afterBatch);
    } finally {
      // Before the caller undoes a failed restore, the batch in flight must have landed.
      await writing.catch(() => undefined);
    }
    await writing;
    // Written only after the file verified completely; earlier batches are undone by the caller.
    if (ops.length > 0) await this.writeNow(ops);
  }

  /** Forgets every cached entry (before any state was accessed: nothing else refers to them). */
  private dropCache(): void {
    for (const entry of this.cache.values()) entry.cached = false;
    this.cache.clear();
    this.arena.clear();
    this.cachedBytes = 0;
    this.unstored = [];
    this.unstoredCount = 0;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Counters for metrics and tests. */
  stats(): KeyedStateBackendStats {
    return {
      cachedKeys: this.cache.size,
      cachedBytes: this.cachedBytes,
      dirtyKeys: this.dirtyCount + Array.from(this.barriers.values(), (b) => b.dirtyKeys).reduce((a, b) => a + b, 0),
      inFlightKeys: this.inFlight.size,
      unstoredKeys: this.unstoredCount,
      evictions: this.evictions,
      loads: this.loads,
    };
  }

  /**
   * Waits for queued store operations and closes the store. Unwritten cache changes are dropped:
   * the working directory is ephemeral, checkpoints are what survives. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.image !== undefined) this.releaseImage(this.image);
    await this.queue;
    await this.store.close();
  }

  /** {@link close}, then deletes the working directory. */
  async dispose(): Promise<void> {
    await this.close();
    await rm(path.resolve(this.options.dir), { recursive: true, force: true });
  }
}

/** The entries of `a`, then those of `b`. */
function* concatEntries(a: Iterable<KeyEntry>, b: Iterable<KeyEntry>): Generator<KeyEntry> {
  yield* a;
  yield* b;
}
