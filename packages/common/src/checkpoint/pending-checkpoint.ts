/**
 * Checkpoint bookkeeping on the coordinator (Flink: PendingCheckpoint and CheckpointCoordinator's
 * decision logic). Pure: no timers, no I/O. The coordinator feeds it events and acts on results.
 */
import type { TaskStateSnapshot } from './checkpoint-metadata.js';

/** Outcome of feeding an acknowledgement. */
export type AckResult = 'pending' | 'completed' | 'unknown-task' | 'duplicate' | 'not-pending';

/** A checkpoint that was triggered and waits for every task's acknowledgement. */
export class PendingCheckpoint {
  private readonly waiting: Set<string>;
  private readonly acks = new Map<string, TaskStateSnapshot>();
  private disposed = false;

  constructor(
    readonly checkpointId: number,
    readonly timestamp: number,
    /** Every task that must acknowledge, as `vertexId#subtask`. */
    tasks: readonly string[],
    readonly savepoint = false,
  ) {
    this.waiting = new Set(tasks);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Tasks that have not acknowledged yet. */
  get notYetAcknowledged(): string[] {
    return [...this.waiting];
  }

  get acknowledged(): TaskStateSnapshot[] {
    return [...this.acks.values()];
  }

  /** Records one task's acknowledgement. */
  acknowledge(task: string, snapshot: TaskStateSnapshot): AckResult {
    if (this.disposed) return 'not-pending';
    if (this.acks.has(task)) return 'duplicate';
    if (!this.waiting.delete(task)) return 'unknown-task';
    this.acks.set(task, snapshot);
    return this.waiting.size === 0 ? 'completed' : 'pending';
  }

  /** Marks the checkpoint as finished (completed or aborted); later acks are rejected. */
  dispose(): void {
    this.disposed = true;
  }
}

/**
 * Which completed checkpoints to drop when `retain` are kept: the oldest beyond the newest `retain`.
 * @param ids completed checkpoint ids in any order.
 */
export function subsumedCheckpoints(ids: readonly number[], retain: number): number[] {
  const sorted = [...ids].sort((a, b) => b - a);
  return sorted.slice(Math.max(1, retain)).sort((a, b) => a - b);
}

/**
 * Files that may be deleted after dropping checkpoints: referenced by a dropped checkpoint and by
 * no retained one (Flink: SharedStateRegistry). Files shared between checkpoints (incremental
 * state) survive as long as one retained checkpoint uses them.
 */
export function unreferencedFiles(dropped: ReadonlyArray<readonly string[]>, retained: ReadonlyArray<readonly string[]>): string[] {
  const keep = new Set(retained.flat());
  const out = new Set<string>();
  for (const files of dropped) for (const f of files) if (!keep.has(f)) out.add(f);
  return [...out].sort();
}
