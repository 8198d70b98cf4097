/**
 * Which failed checkpoints fail the job (Flink: CheckpointFailureManager). A job whose
 * checkpoints keep failing makes no durable progress: its two-phase-commit sinks commit nothing,
 * and a bounded job never finishes, since its final checkpoint never completes. So, as in Flink,
 * more consecutive checkpoint failures than the job tolerates fail the job, and its restart
 * strategy decides what happens next.
 *
 * Only failures of the checkpoint itself count: a task's snapshot failing (declined), the
 * timeout passing (expired), or the metadata store refusing the completed checkpoint. A
 * checkpoint aborted because a newer one overtook it, because a source could not be reached, or
 * because the job is stopping says nothing about checkpointing and is not counted. Pure logic.
 */

/** Why a checkpoint failed. */
export type CheckpointFailureReason =
  /** A task's snapshot failed, synchronously or while written (Flink: CHECKPOINT_DECLINED, CHECKPOINT_ASYNC_EXCEPTION). */
  | 'snapshot-failed'
  /** Not complete within the checkpoint timeout (CHECKPOINT_EXPIRED). */
  | 'expired'
  /** Every task acknowledged, but its metadata could not be stored (FINALIZE_CHECKPOINT_FAILURE). */
  | 'finalize-failed'
  /** A task gave it up for a newer checkpoint, or because it was canceled upstream (CHECKPOINT_DECLINED_SUBSUMED). */
  | 'subsumed'
  /** A source could not be asked to start it (TRIGGER_CHECKPOINT_FAILURE): a task failure, reported on its own. */
  | 'trigger-failed'
  /** The execution is stopping: failure, cancel or end (CHECKPOINT_COORDINATOR_SHUTDOWN). */
  | 'stopped';

const COUNTED: ReadonlySet<CheckpointFailureReason> = new Set<CheckpointFailureReason>(['snapshot-failed', 'expired', 'finalize-failed']);

/** Whether a failure of this kind counts against the tolerable checkpoint failures. */
export function countsAsCheckpointFailure(reason: CheckpointFailureReason): boolean {
  return COUNTED.has(reason);
}

/** Counts consecutive checkpoint failures of one job execution. */
export class CheckpointFailureManager {
  private consecutive = 0;
  private lastCountedId = -1;

  /**
   * @param tolerable consecutive counted failures that are tolerated; one more fails the job
   *   (Flink's `tolerableCheckpointFailureNumber`; 0, its default, fails the job at the first).
   * @throws RangeError unless a non-negative integer.
   */
  constructor(readonly tolerable: number) {
    if (!Number.isInteger(tolerable) || tolerable < 0)
      throw new RangeError(`the tolerable checkpoint failure number must be an integer ≥ 0, got ${tolerable}`);
  }

  /** Counted failures since the last completed checkpoint. */
  get failures(): number {
    return this.consecutive;
  }

  /**
   * Records that checkpoint `checkpointId` failed.
   * @returns the cause to fail the job with, once the failures exceed what is tolerated;
   *   `undefined` otherwise. A checkpoint counts at most once.
   */
  onFailure(checkpointId: number, reason: CheckpointFailureReason, detail: string): string | undefined {
    if (!countsAsCheckpointFailure(reason) || checkpointId <= this.lastCountedId) return undefined;
    this.lastCountedId = checkpointId;
    this.consecutive++;
    if (this.consecutive <= this.tolerable) return undefined;
    return (
      `exceeded the checkpoint tolerable failure threshold (${this.tolerable}): ${this.consecutive} consecutive checkpoints failed, ` +
      `the latest, checkpoint ${checkpointId}, because ${detail}`
    );
  }

  /** A checkpoint completed: the count of consecutive failures starts again. */
  onSuccess(checkpointId: number): void {
    if (checkpointId <= this.lastCountedId) return; // an older checkpoint says nothing about the newer failures
    this.consecutive = 0;
  }
}
