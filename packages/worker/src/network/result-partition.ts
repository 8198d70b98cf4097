/**
 * The output of one producing subtask along one JobGraph edge (Flink: ResultPartition): one
 * subpartition per consuming subtask. Records are batched per subpartition — encoded into
 * ~32 KiB buffers for remote consumers, collected into arrays for same-worker consumers — and
 * handed over when a batch is full, on flush (buffer timeout) and before every event.
 *
 * Backpressure: the partition is available only while every subpartition has fewer than
 * `maxQueued` items waiting; the producing task stops while it is not.
 */
import { END_OF_PARTITION, RecordBufferBuilder, type StreamEvent } from '@eddy/common';
import { Subpartition } from './subpartition.js';

/** Limits of a partition. */
export interface PartitionLimits {
  readonly bufferBytes: number;
  readonly localBatchRecords: number;
  readonly maxQueued: number;
}

class LocalBatchBuilder {
  values: unknown[] = [];
  timestamps: Array<number | undefined> | undefined = undefined;

  add(value: unknown, ts: number | undefined, limit: number): boolean {
    const n = this.values.length;
    this.values.push(value);
    if (ts !== undefined || this.timestamps !== undefined) {
      this.timestamps ??= new Array<number | undefined>(n).fill(undefined);
      this.timestamps.push(ts);
    }
    return n + 1 >= limit;
  }
}

/** The output of one producing subtask along one edge. */
export class ResultPartition {
  readonly subpartitions: Subpartition[];
  private readonly remoteBuilders: Array<RecordBufferBuilder | undefined>;
  private readonly localBuilders: Array<LocalBatchBuilder | undefined>;
  private availabilityWaiters: Array<() => void> = [];
  private drainWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private released: Error | undefined;

  constructor(
    /** Registry key: `jobId/attempt/edgeId/producerSubtask`. */
    readonly key: string,
    localConsumers: readonly boolean[],
    private readonly limits: PartitionLimits,
  ) {
    this.subpartitions = localConsumers.map((local, i) => new Subpartition(i, local, () => this.onConsumed()));
    this.remoteBuilders = localConsumers.map((local) => (local ? undefined : new RecordBufferBuilder(limits.bufferBytes)));
    this.localBuilders = localConsumers.map((local) => (local ? new LocalBatchBuilder() : undefined));
  }

  /** Appends a record for subpartition `sub`; hands over the batch when it is full. */
  emit(sub: number, value: unknown, ts: number | undefined): void {
    const remote = this.remoteBuilders[sub];
    if (remote !== undefined) {
      if (remote.add(value, ts)) this.flushOne(sub);
      return;
    }
    const local = this.localBuilders[sub];
    if (local === undefined) throw new RangeError(`subpartition ${sub} does not exist`);
    if (local.add(value, ts, this.limits.localBatchRecords)) this.flushOne(sub);
  }

  private flushOne(sub: number): void {
    const remote = this.remoteBuilders[sub];
    if (remote !== undefined) {
      const data = remote.take();
      if (data) this.subpartitions[sub]!.add({ kind: 'bytes', data });
      return;
    }
    const local = this.localBuilders[sub]!;
    if (local.values.length === 0) return;
    this.subpartitions[sub]!.add({ kind: 'batch', values: local.values, timestamps: local.timestamps });
    local.values = [];
    local.timestamps = undefined;
  }

  /** Hands over every non-empty batch (buffer timeout, end of input, before events). */
  flushAll(): void {
    for (let i = 0; i < this.subpartitions.length; i++) this.flushOne(i);
  }

  /** Sends an event to every subpartition, after the records emitted before it. */
  broadcastEvent(event: StreamEvent): void {
    this.flushAll();
    for (const s of this.subpartitions) s.add({ kind: 'event', event });
  }

  /** Flushes and ends every subpartition. */
  finish(): void {
    this.broadcastEvent(END_OF_PARTITION);
    for (const s of this.subpartitions) s.finished = true;
  }

  /** True while no subpartition has `maxQueued` or more items waiting. */
  isAvailable(): boolean {
    const max = this.limits.maxQueued;
    for (const s of this.subpartitions) if (s.backlog >= max) return false;
    return true;
  }

  /** Resolves once {@link isAvailable} is true (or the partition is released). */
  whenAvailable(): Promise<void> {
    if (this.isAvailable() || this.released) return Promise.resolve();
    return new Promise((resolve) => this.availabilityWaiters.push(resolve));
  }

  /** Resolves once every consumer took the end of partition. @throws when released before that. */
  whenDrained(): Promise<void> {
    if (this.released) return Promise.reject(this.released);
    if (this.subpartitions.every((s) => s.consumed)) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  private onConsumed(): void {
    if (this.availabilityWaiters.length > 0 && this.isAvailable()) {
      const ws = this.availabilityWaiters;
      this.availabilityWaiters = [];
      for (const w of ws) w();
    }
    if (this.drainWaiters.length > 0 && this.subpartitions.every((s) => s.consumed)) {
      const ws = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of ws) w.resolve();
    }
  }

  /** Drops everything and fails readers and waiters (task canceled or failed). */
  release(cause: Error): void {
    if (this.released) return;
    this.released = cause;
    for (const s of this.subpartitions) s.release(cause);
    const aw = this.availabilityWaiters;
    this.availabilityWaiters = [];
    for (const w of aw) w();
    const dw = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of dw) w.reject(cause);
  }
}
