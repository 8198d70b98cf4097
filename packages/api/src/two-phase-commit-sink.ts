/**
 * Two-phase-commit sinks (Flink Sink V2: TwoPhaseCommittingSink, PrecommittingSinkWriter,
 * Committer): exactly-once output with checkpoints.
 *
 * Per subtask the runtime creates the writer, then the committer, then — when restoring from a
 * checkpoint — commits the restored committables and calls {@link Committer.abortLingering}, all
 * before the first record is written. With checkpointing:
 * 1. at every aligned barrier the writer's {@link PrecommittingSinkWriter.prepareCommit} makes
 *    what was written before the barrier durable but invisible and describes it by committables,
 *    which go into the checkpoint;
 * 2. when the checkpoint completes everywhere, the committer commits them (makes them visible);
 * 3. after a failure, the job restores the last completed checkpoint and commits its committables
 *    again — so a commit must be idempotent — and everything else still in progress is aborted.
 *
 * Without checkpointing, the runtime calls `flush(true)`, `prepareCommit(END_OF_INPUT_CHECKPOINT_ID)`
 * and `commit` once at the end of a bounded input.
 */
import type { Sink, SinkContext, SinkWriter } from './sink.js';

/**
 * The checkpoint id `prepareCommit` receives at the end of a bounded input without checkpointing
 * (Flink: CommittableMessage.EOI).
 */
export const END_OF_INPUT_CHECKPOINT_ID = Number.MAX_SAFE_INTEGER;

/** A sink writer whose output becomes visible only through a {@link Committer}. */
export interface PrecommittingSinkWriter<T, CommT> extends SinkWriter<T> {
  /**
   * Pre-commits: everything written since the previous call is made durable (it survives a crash)
   * but stays invisible, and is described by the returned committables, which the runtime stores
   * in the checkpoint metadata — keep them small JSON. Called synchronously at the aligned barrier
   * of checkpoint `checkpointId`, so it must be quick; records written afterwards belong to the
   * next call. Returns an empty array when nothing was written.
   *
   * Under checkpointing, `flush(false)` must not make data visible: only the committer does.
   */
  prepareCommit(checkpointId: number): CommT[];
}

/** Makes pre-committed data visible (Flink: Committer). */
export interface Committer<CommT> {
  /**
   * Commits `committables`, which were all pre-committed at the same checkpoint. Idempotent:
   * committing a committable that is already committed is a no-op, because the committables of a
   * restored checkpoint are committed again. Resolves once the data is durably visible.
   * @throws Error when a committable can be neither committed nor found committed; the task fails.
   */
  commit(committables: readonly CommT[]): Promise<void>;
  /**
   * Called once when the subtask restores from a checkpoint, after `restored` (every committable
   * this subtask restored) was committed and before the first record is written: aborts or
   * removes what earlier attempts of this subtask left in progress and no committable of
   * `restored` names. After rescaling, a subtask restores the committables of the old subtasks
   * `i` with `i % parallelism === subtaskIndex`; it is responsible for their leftovers too.
   */
  abortLingering?(restored: readonly CommT[]): Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * A sink with exactly-once output through two-phase commit (Flink: TwoPhaseCommittingSink).
 * See the module comment for the protocol.
 */
export interface TwoPhaseCommittingSink<T, CommT> extends Sink<T> {
  /**
   * One writer per subtask. Created before the restored committables are committed, so it must
   * not make anything durable before its first `write`.
   */
  createWriter(ctx: SinkContext): PrecommittingSinkWriter<T, CommT>;
  /** One committer per subtask; it commits that subtask's committables. */
  createCommitter(ctx: SinkContext): Committer<CommT>;
}

/** Whether `sink` commits in two phases, i.e. has a `createCommitter` method. */
export function isTwoPhaseCommittingSink<T>(sink: Sink<T>): sink is TwoPhaseCommittingSink<T, unknown> {
  return typeof (sink as Partial<TwoPhaseCommittingSink<T, unknown>>).createCommitter === 'function';
}
