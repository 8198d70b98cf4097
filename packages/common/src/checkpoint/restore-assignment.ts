/**
 * Which part of a completed checkpoint each new subtask restores (Flink: StateAssignmentOperation).
 * Pure. Works for an unchanged parallelism and already for a changed one (rescaling):
 * - keyed state: every file whose key groups overlap the subtask's key-group range (files without
 *   a recorded range go to every subtask, which filters by key on read);
 * - source splits: with an unchanged parallelism each subtask keeps its own; otherwise the splits
 *   of all old subtasks are dealt round-robin in (old subtask, split) order;
 * - sink committables: those of old subtask i go to new subtask i mod parallelism;
 * - other operator state: old subtask i's state goes to new subtask i, when it exists.
 */
import { keyGroupRangeForOperator, type KeyGroupRange } from '../key-groups.js';
import type { CompletedCheckpoint, StateHandle } from './checkpoint-metadata.js';

/** The state one operator of a new subtask restores. */
export interface OperatorRestore {
  /** Keyed state files overlapping the subtask's key groups, oldest subtask first. */
  readonly keyed: readonly StateHandle[];
  /** Source splits with their positions; absent when the operator had none. */
  readonly splits?: readonly unknown[];
  /** Sink transactions pre-committed and not known to be committed. */
  readonly committables?: readonly unknown[];
  readonly operatorState?: Readonly<Record<string, unknown>>;
}

/** What one subtask restores: sent to the worker as the deployment's `restore_json`. */
export interface TaskRestore {
  readonly checkpointId: number;
  /** By operator state key (see `operatorStateKey`); an operator absent here starts empty. */
  readonly operators: Readonly<Record<string, OperatorRestore>>;
}

function overlaps(a: KeyGroupRange, b: KeyGroupRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The restore state of subtask `subtask` of vertex `vertexId` running with `parallelism`.
 * @param operatorKeys state keys of the operators in the vertex's chain (source included).
 */
export function assignRestoreState(
  checkpoint: CompletedCheckpoint,
  vertexId: string,
  operatorKeys: readonly string[],
  subtask: number,
  parallelism: number,
): TaskRestore {
  const range = keyGroupRangeForOperator(checkpoint.maxParallelism, parallelism, subtask);
  // Old subtasks of any vertex holding the operator (a chain may have been re-cut), in subtask order.
  const olds = checkpoint.tasks
    .filter((t) => t.vertexId === vertexId || operatorKeys.some((k) => t.operators[k] !== undefined))
    .slice()
    .sort((a, b) => a.subtask - b.subtask);
  const operators: Record<string, OperatorRestore> = {};
  for (const key of operatorKeys) {
    const states = olds.filter((t) => t.operators[key] !== undefined).map((t) => ({ subtask: t.subtask, s: t.operators[key]! }));
    if (states.length === 0) continue;
    const keyed = states.flatMap(({ s }) => s.keyed.filter((h) => h.keyGroups === undefined || overlaps(h.keyGroups, range)));
    const hasSplits = states.some(({ s }) => s.splits !== undefined);
    const splits =
      states.length === parallelism
        ? states.filter(({ subtask: i }) => i === subtask).flatMap(({ s }) => s.splits ?? [])
        : states.flatMap(({ s }) => s.splits ?? []).filter((_s, i) => i % parallelism === subtask);
    const committables = states.filter(({ subtask: i }) => i % parallelism === subtask).flatMap(({ s }) => s.committables ?? []);
    const own = states.find(({ subtask: i }) => i === subtask)?.s.operatorState;
    operators[key] = {
      keyed,
      ...(hasSplits ? { splits } : {}),
      ...(committables.length > 0 ? { committables } : {}),
      ...(own !== undefined ? { operatorState: own } : {}),
    };
  }
  return { checkpointId: checkpoint.checkpointId, operators };
}
