/**
 * Per-job checkpoint options (Flink's `CheckpointConfig`), reached through
 * `env.getCheckpointConfig()`. The interval itself is set with `env.enableCheckpointing(ms)`.
 */

/** Default checkpoint timeout: a checkpoint not complete after this long is aborted. */
export const DEFAULT_CHECKPOINT_TIMEOUT_MS = 60_000;

function checkMs(what: string, ms: number, min: number): number {
  if (!Number.isFinite(ms) || !Number.isInteger(ms) || ms < min) throw new Error(`${what} must be an integer of at least ${min} ms, got ${ms}`);
  return ms;
}

/** Timeout, pacing and failure tolerance of a job's checkpoints. At most one checkpoint is in flight at any time. */
export class CheckpointConfig {
  private timeoutMs = DEFAULT_CHECKPOINT_TIMEOUT_MS;
  private minPauseMs = 0;
  private tolerableFailures = 0;

  /**
   * A checkpoint that has not completed this long after its trigger is aborted and its files are
   * deleted. Default 60 000 ms.
   * @throws Error unless an integer of at least 10 ms.
   */
  setCheckpointTimeout(ms: number): this {
    this.timeoutMs = checkMs('the checkpoint timeout', ms, 10);
    return this;
  }

  getCheckpointTimeout(): number {
    return this.timeoutMs;
  }

  /**
   * The least time between the end of one checkpoint (completed or aborted) and the trigger of the
   * next, so that slow checkpoints leave the job time to process. Default 0.
   * @throws Error unless an integer ≥ 0.
   */
  setMinPauseBetweenCheckpoints(ms: number): this {
    this.minPauseMs = checkMs('the minimum pause between checkpoints', ms, 0);
    return this;
  }

  getMinPauseBetweenCheckpoints(): number {
    return this.minPauseMs;
  }

  /**
   * How many consecutive checkpoint failures the job tolerates (Flink's
   * `setTolerableCheckpointFailureNumber`); one more fails the job, and its restart strategy
   * decides what follows. Counted are checkpoints that a task's snapshot failed, that expired, or
   * whose metadata could not be stored; a checkpoint overtaken by a newer one, or aborted because
   * a task failed or the job stops, is not. A completed checkpoint resets the count. Default 0,
   * as in Flink: the first failure fails the job, rather than letting it run on without
   * committing anything (a bounded job would never finish).
   * @throws Error unless an integer ≥ 0.
   */
  setTolerableCheckpointFailureNumber(n: number): this {
    if (!Number.isInteger(n) || n < 0) throw new Error(`the tolerable checkpoint failure number must be an integer of at least 0, got ${n}`);
    this.tolerableFailures = n;
    return this;
  }

  getTolerableCheckpointFailureNumber(): number {
    return this.tolerableFailures;
  }
}
