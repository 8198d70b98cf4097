/**
 * Feeds a sink writer; its readiness is part of the task's backpressure. For a two-phase-commit
 * sink it also drives the commit protocol (Flink: SinkWriterOperator with CommitterOperator):
 * pre-commit at every barrier, commit on checkpoint completion and on restore, and — at the end
 * of a bounded input under checkpointing — wait until the final checkpoint's data is committed.
 */
import {
  END_OF_INPUT_CHECKPOINT_ID,
  isTwoPhaseCommittingSink,
  type Committer,
  type PrecommittingSinkWriter,
  type RuntimeContext,
  type Sink,
  type SinkContext,
  type SinkWriter,
} from '@eddy/api';
import { CommittableCollector, parseRestoredCommittables, type CommittableWithLineage } from './committable-collector.js';
import type { OperatorSnapshot, StateInitializationContext } from './operator-state.js';
import { StreamOperator } from './stream-operator.js';

/** Services a sink writer needs beyond the runtime context. */
export type SinkServices = Pick<SinkContext, 'pushCollected' | 'writeStdout'>;

/** The commit side of a two-phase-commit sink subtask. */
interface TwoPhase {
  readonly writer: PrecommittingSinkWriter<unknown, unknown>;
  readonly committer: Committer<unknown>;
  readonly collector: CommittableCollector;
}

/** The last operator of a sink's chain: writes records and, for two-phase-commit sinks, commits them. */
export class SinkOperator extends StreamOperator {
  private writer: SinkWriter<unknown> | undefined;
  private twoPhase: TwoPhase | undefined;
  private checkpointingEnabled = false;
  private restored: CommittableWithLineage[] | undefined;
  /** {@link recordsIn} when the last barrier passed: records above it are not pre-committed. */
  private recordsAtBarrier = 0;

  constructor(
    id: string,
    name: string,
    private readonly sink: Sink<unknown>,
    private readonly services: SinkServices,
  ) {
    super(id, name, sink);
  }

  /** Keeps the restored committables: the committer needs the runtime context, given at open. */
  override async initializeState(ctx: StateInitializationContext): Promise<void> {
    this.checkpointingEnabled = ctx.checkpointingEnabled;
    if (ctx.restored) this.restored = parseRestoredCommittables(ctx.restored.committables, this.name);
    await super.initializeState(ctx);
  }

  /**
   * Creates the writer and, for a two-phase-commit sink, the committer; when restoring, commits
   * the restored committables and aborts lingering data before any record is written.
   * @throws Error when a restored committable cannot be committed.
   */
  override async open(ctx: RuntimeContext): Promise<void> {
    const sinkCtx: SinkContext = { ...ctx, ...this.services, checkpointingEnabled: this.checkpointingEnabled };
    const writer = this.sink.createWriter(sinkCtx);
    this.writer = writer;
    if (isTwoPhaseCommittingSink(this.sink)) {
      if (typeof (writer as Partial<PrecommittingSinkWriter<unknown, unknown>>).prepareCommit !== 'function')
        throw new Error(`sink '${this.name}' has a committer, but its writer has no prepareCommit`);
      const committer = this.sink.createCommitter(sinkCtx);
      const collector = new CommittableCollector((c) => committer.commit(c), this.name);
      this.twoPhase = { writer: writer as PrecommittingSinkWriter<unknown, unknown>, committer, collector };
      if (this.restored) {
        for (const c of this.restored) collector.add(c.checkpointId, [c.committable]);
        await collector.commitUpTo(Number.POSITIVE_INFINITY);
        await committer.abortLingering?.(this.restored.map((c) => c.committable));
      }
    }
    await super.open(ctx);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    this.writer!.write(value, timestamp);
  }

  override isReady(): boolean {
    return this.writer?.isReady?.() ?? true;
  }

  override whenReady(): Promise<void> {
    return this.writer?.ready?.() ?? Promise.resolve();
  }

  /**
   * Pre-commits what was written before the barrier and returns it with the older committables
   * not known to be committed.
   * @throws Error when the pre-commit fails; the task fails too (see {@link flush}), since the
   * data written so far would otherwise be neither committed nor written again.
   */
  override snapshotState(checkpointId: number): OperatorSnapshot | undefined {
    const tp = this.twoPhase;
    if (!tp || !this.checkpointingEnabled) return undefined;
    if (tp.collector.failure) throw tp.collector.failure;
    let fresh: unknown[];
    try {
      fresh = tp.writer.prepareCommit(checkpointId);
    } catch (err) {
      const failure = new Error(`sink '${this.name}' failed to pre-commit at checkpoint ${checkpointId}`, { cause: err });
      tp.collector.fail(failure);
      throw failure;
    }
    this.recordsAtBarrier = this.recordsIn;
    tp.collector.add(checkpointId, fresh);
    return { committables: tp.collector.snapshot() };
  }

  /** Commits every committable of checkpoints up to `checkpointId`; a failure fails the task. */
  override notifyCheckpointComplete(checkpointId: number): Promise<void> {
    return this.twoPhase?.collector.commitUpTo(checkpointId) ?? Promise.resolve();
  }

  // notifyCheckpointAborted: nothing to do; the committables stay for the next completed checkpoint.

  /**
   * Periodic flush (buffer timeout), so printed and written records show up promptly — for a
   * two-phase-commit sink under checkpointing only into its pending data.
   * @throws Error when a commit or pre-commit failed: the task's sink-flush failure path fails it.
   */
  async flush(): Promise<void> {
    const failure = this.twoPhase?.collector.failure;
    if (failure) throw failure;
    await this.writer?.flush(false);
  }

  /**
   * End of a bounded input. Under checkpointing the final checkpoint's barrier has pre-committed
   * every record, so this waits until its completion committed them all.
   * @throws Error when records arrived after the last barrier, or a commit failed.
   */
  override async endInput(): Promise<void> {
    const tp = this.twoPhase;
    if (!tp) {
      await this.writer?.flush(true);
      return;
    }
    if (!this.checkpointingEnabled) {
      await tp.writer.flush(true);
      tp.collector.add(END_OF_INPUT_CHECKPOINT_ID, tp.writer.prepareCommit(END_OF_INPUT_CHECKPOINT_ID));
      await tp.collector.commitUpTo(END_OF_INPUT_CHECKPOINT_ID);
      return;
    }
    const late = this.recordsIn - this.recordsAtBarrier;
    if (late > 0)
      throw new Error(
        `sink '${this.name}' received ${late} record(s) after the last checkpoint barrier at the end of its input; ` +
          'with checkpointing, a bounded input must end with a final checkpoint, or these records would never be committed',
      );
    await tp.collector.whenAllCommitted();
  }

  override async close(): Promise<void> {
    try {
      await this.writer?.close?.();
      await this.twoPhase?.committer.close?.();
    } finally {
      await super.close();
    }
  }
}
