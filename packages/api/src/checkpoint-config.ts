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

/** Timeout and pacing of a job's checkpoints. At most one checkpoint is in flight at any time. */
export class CheckpointConfig {
  private timeoutMs = DEFAULT_CHECKPOINT_TIMEOUT_MS;
  private minPauseMs = 0;

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
}
