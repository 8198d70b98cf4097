/**
 * How an operator takes part in checkpoints (Flink: StreamOperator#initializeState /
 * snapshotState / notifyCheckpointComplete). The task calls {@link StateInitializationContext}
 * once before `open`, takes an {@link OperatorSnapshot} synchronously at every aligned barrier and
 * writes its keyed part afterwards, while processing goes on.
 */
import type { KeyGroupRange, StateHandle } from '@eddy/common';

/** What a keyed snapshot file holds, as written. */
export interface KeyedSnapshotFile {
  readonly bytes: number;
  /** Hex sha256 of the file's bytes. */
  readonly sha256: string;
  /** Key groups the file covers; undefined when the file is filtered by key on restore. */
  readonly keyGroups?: KeyGroupRange;
}

/** Keyed state captured at a barrier, to be written after it. Call exactly one of the two methods. */
export interface KeyedSnapshotWriter {
  /**
   * Files of earlier completed checkpoints this snapshot builds on (an incremental snapshot: the
   * new file is a delta on top of them). They precede the new file in the checkpoint's handles.
   */
  readonly shared?: readonly StateHandle[];
  /** Told the handle under which the written file was recorded, before the acknowledgement. */
  written?(handle: StateHandle): void;
  /** Writes the captured state to `file` (absolute path; its directory exists) and fsyncs it. */
  writeTo(file: string): Promise<KeyedSnapshotFile>;
  /** Drops the captured state without writing (the checkpoint was abandoned). */
  discard(): void | Promise<void>;
}

/** The synchronous part of one operator's snapshot. */
export interface OperatorSnapshot {
  readonly keyed?: KeyedSnapshotWriter;
  /**
   * Sink transactions pre-committed at this barrier together with older ones not yet known to be
   * committed (JSON). They are committed on the checkpoint-complete notification and again on
   * restore, so committing must be idempotent.
   */
  readonly committables?: readonly unknown[];
  /** Small JSON state of a non-keyed operator. */
  readonly operatorState?: Readonly<Record<string, unknown>>;
}

/** A keyed state file to restore; `file` is absolute, `sha256` and `size` as recorded at the checkpoint. */
export interface RestoredKeyedFile {
  readonly file: string;
  /** The file's handle path in checkpoint storage (relative), to refer to it from later checkpoints. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly keyGroups?: KeyGroupRange;
}

/** State handed to an operator when its subtask is restored from a checkpoint. */
export interface RestoredOperatorState {
  readonly checkpointId: number;
  readonly keyed: readonly RestoredKeyedFile[];
  readonly committables: readonly unknown[];
  readonly operatorState?: Readonly<Record<string, unknown>>;
}

/** What `initializeState` receives (Flink: StateInitializationContext). */
export interface StateInitializationContext {
  readonly maxParallelism: number;
  /** Key groups this subtask owns. */
  readonly keyGroupRange: KeyGroupRange;
  /**
   * A worker-local directory of this operator instance and attempt (a RocksDB working directory).
   * Created by the operator when needed; the task deletes it when it ends.
   */
  readonly localStateDir: string;
  /** Present when the subtask restores from a checkpoint. */
  readonly restored?: RestoredOperatorState;
  /** Whether the job takes checkpoints (sinks commit at checkpoints rather than at flushes). */
  readonly checkpointingEnabled: boolean;
}
