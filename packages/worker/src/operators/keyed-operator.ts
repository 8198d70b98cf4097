/**
 * Base of operators on a keyed stream (Flink: AbstractStreamOperator with a keyed state backend).
 * Each instance owns a RocksDB {@link KeyedStateBackend} for the key groups of its subtask; the
 * task hands it whole input batches through {@link AbstractKeyedOperator.prepareBatch}, so a
 * batch's state is loaded with one read per batch instead of one awaited read per record.
 *
 * A keyed operator is always the head of its chain (keyBy never chains), so the task's input loop
 * is its only caller and may await between records.
 */
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  KeyedStateStore,
  KeySelector,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from '@eddy/api';
import { checkpointIdOfPath, type StateHandle } from '@eddy/common';
import type { Timer } from './timer-heap.js';
import { InternalTimerService, TimerDomain } from './timer-service.js';
import type { KeyEntry } from '../state/key-entry.js';
import { KeyedStateBackend, type KeyedStateSnapshotResult } from '../state/keyed-state-backend.js';
import type { OperatorSnapshot, StateInitializationContext } from './operator-state.js';
import { StreamOperator } from './stream-operator.js';

/** How keyed operators size their state backends. */
export interface KeyedStateOptions {
  /** Bound of each backend's object cache in bytes (see KeyedStateBackendOptions.cacheBytes). */
  readonly cacheBytes: number;
  /** RocksDB block cache per backend in bytes. */
  readonly blockCacheBytes?: number;
}

/** A keyed operator: owns the keyed state of its subtask's key groups. */
export abstract class AbstractKeyedOperator extends StreamOperator implements KeyedStateStore {
  private backendOrUndefined: KeyedStateBackend | undefined;
  /** The latest completed checkpoint's files of this instance: the base of the next delta. */
  private confirmed: SnapshotChain | undefined;
  /** Chains of snapshots written and not yet known to be completed, by checkpoint id. */
  private readonly pendingChains = new Map<number, SnapshotChain>();
  /** The checkpoint of the latest barrier (or of the restore): a delta holds the changes since it. */
  private lastBarrier = 0;
  /** A full snapshot written in the background at a barrier, to replace the chain up to that barrier. */
  private compacted: { readonly checkpointId: number; readonly handle: StateHandle } | undefined;
  private compacting = false;
  /** Keys of the latest prepared batch; reused so that a batch allocates no array of its own. */
  private readonly batchKeys: unknown[] = [];
  /** Entries of the latest prepared batch that were cached, by record (see {@link preparedEntries}). */
  private readonly batchEntries: PreparedEntry[] = [];
  /** Kept from {@link KeyEntry.warm}, so that its loads are not dropped as unused. */
  private warmed = 0;
  /** This instance's timers, when {@link usesTimers}; created in initializeState. */
  protected timers: InternalTimerService | undefined;

  constructor(
    id: string,
    name: string,
    userFunction: unknown,
    protected readonly keySelector: KeySelector<unknown, unknown>,
    private readonly stateOptions: KeyedStateOptions,
  ) {
    super(id, name, userFunction);
  }

  /** The state backend; exists from {@link initializeState} on. */
  protected get backend(): KeyedStateBackend {
    const b = this.backendOrUndefined;
    if (b === undefined) throw new Error(`keyed state of '${this.name}' is used before the operator was initialized`);
    return b;
  }

  /** Opens the backend in the operator's local directory and restores the checkpoint's files for its key groups. */
  override async initializeState(ctx: StateInitializationContext): Promise<void> {
    const backend = await KeyedStateBackend.open({
      dir: ctx.localStateDir,
      maxParallelism: ctx.maxParallelism,
      keyGroupRange: ctx.keyGroupRange,
      cacheBytes: this.stateOptions.cacheBytes,
      incremental: ctx.checkpointingEnabled,
      ...(this.stateOptions.blockCacheBytes !== undefined ? { blockCacheBytes: this.stateOptions.blockCacheBytes } : {}),
    });
    this.backendOrUndefined = backend;
    const restored = ctx.restored;
    const files = restored?.keyed ?? [];
    if (files.length > 0) await backend.restore(files.map((f) => ({ file: f.file, sha256: f.sha256 })));
    if (this.usesTimers()) {
      this.timers = new InternalTimerService(backend);
      if (files.length > 0) {
        await this.timers.restore();
        await this.restoreImpliedTimers(backend, this.timers);
      }
    }
    const { start, end } = ctx.keyGroupRange;
    // The restored files are exactly this instance's chain (same key groups, no rescaling): the
    // next checkpoint may be a delta on top of them. Otherwise it starts a new chain.
    if (restored && files.length > 0 && files.every((f) => f.keyGroups?.start === start && f.keyGroups.end === end)) {
      this.lastBarrier = restored.checkpointId;
      this.confirmed = chainOf(
        restored.checkpointId,
        files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, keyGroups: f.keyGroups! })),
        files.map((f) => checkpointIdOfPath(f.path)),
      );
    }
  }

  /**
   * Makes the state of `values`' keys available to synchronous access, and leaves the keys in
   * {@link preparedKeys} (each record's key is extracted once). Returns undefined when every key
   * is already in memory (the common case for hot keys: no await, no promise), else a promise
   * that resolves once they are loaded.
   * @throws Error when a key selector throws or a key belongs to another subtask's key groups.
   */
  prepareBatch(values: readonly unknown[]): Promise<void> | undefined {
    const backend = this.backend;
    const keys = this.batchKeys;
    const entries = this.batchEntries;
    keys.length = 0;
    entries.length = 0;
    let allCached = true;
    for (let i = 0; i < values.length; i++) {
      const key = this.keySelector(values[i]);
      keys.push(key);
      const entry = backend.cachedEntryOf(key);
      entries.push(entry);
      if (entry === undefined) allCached = false;
    }
    let warmed = 0;
    for (let i = 0; i < entries.length; i++) warmed += entries[i]?.warm() ?? 0;
    this.warmed = warmed;
    if (allCached) return undefined;
    // prefetch reads the array only before its first await, so reusing it next batch is safe.
    return backend.prefetch(keys);
  }

  /** The keys of the batch last given to {@link prepareBatch}, in record order; valid until the next call. */
  get preparedKeys(): readonly unknown[] {
    return this.batchKeys;
  }

  /**
   * The state entries {@link prepareBatch} found cached, in record order (undefined where a key
   * was not cached then); valid until the next call.
   */
  get preparedEntries(): ReadonlyArray<PreparedEntry> {
    return this.batchEntries;
  }

  /**
   * Processes one record of a prepared batch, `key` being its key from {@link preparedKeys} and
   * `entry` its entry from {@link preparedEntries}. Returns a promise when the user function is
   * asynchronous: the caller awaits it before the next record, so state accesses after an
   * `await` inside the function still see this key.
   */
  abstract processRecord(value: unknown, timestamp: number | undefined, key: unknown, entry: PreparedEntry): void | Promise<void>;

  /** Makes `key` current, through its prepared entry when there is one (no second lookup). */
  protected enterKey(key: unknown, entry: PreparedEntry): void {
    if (entry !== undefined) this.backend.setCurrentEntry(entry);
    else this.backend.setCurrentKey(key);
  }

  /** Whether this operator has timers (their state is loaded with every key, so only operators that fire them have one). */
  protected usesTimers(): boolean {
    return false;
  }

  /**
   * Rebuilds the timers this operator's restored state implies (see
   * InternalTimerService.registerImplied), right after the stored timers were restored and before
   * any state is loaded. None by default.
   */
  protected async restoreImpliedTimers(_backend: KeyedStateBackend, _timers: InternalTimerService): Promise<void> {}

  /** A timer fired; its key is current. Operators with timers override this. */
  protected onTimer(_timer: Timer, _domain: TimerDomain): void | Promise<void> {}

  /**
   * Fires the event-time timers the watermark reached, in time order, then forwards the watermark.
   * Returns a promise only when timers fired asynchronously (their keys' state had to be loaded,
   * or a callback was async); the task awaits it before the next input.
   */
  override processWatermark(watermark: number): void | Promise<void> {
    this.currentWatermark = watermark;
    const timers = this.timers;
    if (timers === undefined || !timers.hasDue(TimerDomain.EventTime, watermark)) {
      this.forwardWatermark(watermark);
      return undefined;
    }
    return timers
      .advance(TimerDomain.EventTime, watermark, (t, d) => this.onTimer(t, d))
      .then(() => this.forwardWatermark(watermark));
  }

  /** The earliest pending processing-time timer, undefined when none. */
  nextProcessingTime(): number | undefined {
    return this.timers?.nextTime(TimerDomain.ProcessingTime);
  }

  /** Fires the processing-time timers due at `now`. */
  onProcessingTime(now: number): Promise<void> | undefined {
    const timers = this.timers;
    if (timers === undefined || !timers.hasDue(TimerDomain.ProcessingTime, now)) return undefined;
    return timers.advance(TimerDomain.ProcessingTime, now, (t, d) => this.onTimer(t, d));
  }

  /** Chained callers are impossible for a keyed operator; records arrive through {@link processRecord}. */
  collect(value: unknown, timestamp: number | undefined): void {
    const r = this.processRecord(value, timestamp, this.keySelector(value), undefined);
    if (r !== undefined) throw new Error(`'${this.name}' returned a promise where only synchronous processing is possible`);
  }

  override snapshotState(checkpointId: number): OperatorSnapshot {
    const base = this.confirmed === undefined ? undefined : this.withCompaction(this.confirmed);
    // A delta holds the changes since the previous barrier, so it can only build on that barrier's
    // snapshot, and only once that one is known to be complete.
    // A delta about as large as the state is no cheaper than a full snapshot taken from the
    // cache, and it would lengthen the chain: the full one is written instead.
    const canDelta =
      base !== undefined &&
      base.checkpointId === this.lastBarrier &&
      base.handles.length - 1 < HARD_MAX_DELTAS &&
      !this.backend.fullSnapshotIsCheap();
    // A long chain is compacted by a full snapshot of this barrier written in the background, so
    // the checkpoint itself stays a small delta; only a chain that outgrew the hard bound (the
    // compaction could not keep up) makes the checkpoint itself a full one.
    const compact = canDelta && !this.compacting && needsCompaction(base);
    this.lastBarrier = checkpointId;
    const snapshot = this.backend.snapshotSync(checkpointId, canDelta ? 'delta' : 'full', compact);
    const shared = snapshot.kind === 'delta' ? base!.handles : [];
    const sharedIds = snapshot.kind === 'delta' ? base!.ids : [];
    let baseWrite: Promise<KeyedStateSnapshotResult> | undefined;
    return {
      keyed: {
        shared,
        writeTo: async (file) => {
          const r = await snapshot.writeTo(file);
          if (snapshot.base !== undefined) {
            this.compacting = true;
            baseWrite = snapshot.base.writeTo(`${file}${BASE_SUFFIX}`);
            void baseWrite.catch(() => undefined).finally(() => (this.compacting = false));
          }
          return { bytes: r.bytes, sha256: r.sha256, keyGroups: r.keyGroups };
        },
        written: (handle) => {
          this.pendingChains.set(checkpointId, chainOf(checkpointId, [...shared, handle], [...sharedIds, checkpointId]));
          baseWrite
            ?.then((b) => {
              this.compacted = {
                checkpointId,
                handle: { path: `${handle.path}${BASE_SUFFIX}`, size: b.bytes, sha256: b.sha256, keyGroups: b.keyGroups },
              };
            })
            .catch(() => undefined); // a failed compaction is retried at a later barrier
        },
        discard: () => snapshot.discard(),
      },
    };
  }

  /**
   * `chain` with its prefix up to a compacted barrier replaced by that barrier's full snapshot,
   * when one was written and the chain contains that barrier's delta.
   */
  private withCompaction(chain: SnapshotChain): SnapshotChain {
    const c = this.compacted;
    if (c === undefined) return chain;
    const i = chain.ids.lastIndexOf(c.checkpointId);
    if (i < 0) return chain;
    return chainOf(chain.checkpointId, [c.handle, ...chain.handles.slice(i + 1)], [c.checkpointId, ...chain.ids.slice(i + 1)]);
  }

  override notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    const chain = this.pendingChains.get(checkpointId);
    if (chain !== undefined) this.confirmed = chain;
    for (const id of this.pendingChains.keys()) if (id <= checkpointId) this.pendingChains.delete(id);
    return super.notifyCheckpointComplete(checkpointId);
  }

  override notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    this.pendingChains.delete(checkpointId);
    return super.notifyCheckpointAborted(checkpointId);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.backendOrUndefined?.dispose();
    }
  }

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.backend.getState(descriptor);
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.backend.getListState(descriptor);
  }

  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    return this.backend.getMapState(descriptor);
  }

  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.backend.getReducingState(descriptor);
  }

  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.backend.getAggregatingState(descriptor);
  }
}

/** A record's cached state entry as {@link AbstractKeyedOperator.prepareBatch} found it; undefined when it was not cached. */
export type PreparedEntry = KeyEntry | undefined;

/** A full snapshot and the deltas after it, in restore order; what one checkpoint of an instance refers to. */
interface SnapshotChain {
  readonly checkpointId: number;
  readonly handles: readonly StateHandle[];
  /** The checkpoint each handle was written at (0 when unknown). */
  readonly ids: readonly number[];
  readonly baseBytes: number;
  readonly deltaBytes: number;
}

function chainOf(checkpointId: number, handles: readonly StateHandle[], ids: readonly number[]): SnapshotChain {
  const sizes = handles.map((h) => h.size);
  return { checkpointId, handles, ids, baseBytes: sizes[0] ?? 0, deltaBytes: sizes.slice(1).reduce((a, b) => a + b, 0) };
}

/** File name suffix of a background full snapshot, beside the delta of the same barrier. */
const BASE_SUFFIX = '.base';

/** Deltas after which a chain is compacted in the background: bounds restore work. */
const MAX_DELTAS = 10;
/** Deltas after which the checkpoint itself is a full snapshot (compaction fell behind). */
const HARD_MAX_DELTAS = 3 * MAX_DELTAS;

/**
 * Whether to compact: too many deltas, or deltas that together weigh more than half the full
 * snapshot they build on. A restore reads every file of the chain, so the bound keeps it under
 * about 1.5 times the state, plus what accrues while the compaction is written (with the whole
 * base as bound, recoveries of a 100 MB state read up to 235 MB). The extra base writes cost no
 * measurable throughput in alternating runs of the keyed-count benchmark.
 */
function needsCompaction(chain: SnapshotChain): boolean {
  return chain.handles.length - 1 >= MAX_DELTAS || 2 * chain.deltaBytes > chain.baseBytes;
}

/** True when `v` looks like a promise (an async user function's result). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}
