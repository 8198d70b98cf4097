/**
 * Checkpoint metadata: what a completed checkpoint consists of. Written as JSON to the metadata
 * store under `/eddy/jobs/<jobId>/checkpoints/<checkpointId>` once every task acknowledged.
 */
import type { KeyGroupRange } from '../key-groups.js';

/** A file in checkpoint storage. Paths are relative to the job's checkpoint directory. */
export interface StateHandle {
  readonly path: string;
  readonly size: number;
  /** Hex sha256 of the file's bytes, checked on restore. */
  readonly sha256: string;
  /** Key groups the file holds, for keyed state. */
  readonly keyGroups?: KeyGroupRange;
}

/** The state one operator instance (one subtask of one operator) snapshotted. */
export interface OperatorSubtaskState {
  /** Keyed state files, in the order they must be applied on restore (base first, then deltas). */
  readonly keyed: readonly StateHandle[];
  /** Source split positions (JSON). */
  readonly splits?: readonly unknown[];
  /** Sink transactions pre-committed at this checkpoint and not yet known to be committed (JSON). */
  readonly committables?: readonly unknown[];
  /** Other small operator state (JSON). */
  readonly operatorState?: Readonly<Record<string, unknown>>;
}

/** One subtask's acknowledgement: the state of every operator in its chain. */
export interface TaskStateSnapshot {
  readonly vertexId: string;
  readonly subtask: number;
  /** By operator key (uid when set, else `node-<id>`). */
  readonly operators: Readonly<Record<string, OperatorSubtaskState>>;
  /** Bytes written for this checkpoint by this subtask (new files only). */
  readonly incrementalSize: number;
  /** Bytes of all state the subtask's handles refer to. */
  readonly fullSize: number;
}

/** A completed checkpoint. */
export interface CompletedCheckpoint {
  readonly jobId: string;
  readonly checkpointId: number;
  /** When the checkpoint was triggered (epoch ms). */
  readonly timestamp: number;
  readonly completedAt: number;
  readonly durationMs: number;
  readonly maxParallelism: number;
  /** Bytes newly written for this checkpoint. */
  readonly incrementalSize: number;
  /** Bytes of all files the checkpoint refers to. */
  readonly fullSize: number;
  readonly savepoint: boolean;
  readonly tasks: readonly TaskStateSnapshot[];
}

/** The key under which an operator's state is stored: its uid when set, else its node id. */
export function operatorStateKey(nodeId: number, uid: string | undefined): string {
  return uid !== undefined ? `uid:${uid}` : `node-${nodeId}`;
}

/** Every file a checkpoint refers to. */
export function checkpointFiles(c: CompletedCheckpoint): string[] {
  const out = new Set<string>();
  for (const t of c.tasks) for (const op of Object.values(t.operators)) for (const h of op.keyed) out.add(h.path);
  return [...out];
}
