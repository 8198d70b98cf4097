/**
 * When the checkpoint coordinator may trigger its next checkpoint (Flink: CheckpointCoordinator's
 * trigger rules, and the scheduler's trigger once every task reached the end of its data). Pure:
 * no timers, no I/O. The coordinator feeds it what it knows and arms its timers from the answer.
 *
 * The rules: at most one checkpoint in flight; at least `minPauseMs` from the end of one
 * checkpoint to the next trigger; and `intervalMs` from one trigger to the next — except when
 * every source of the execution has ended its input and one of them waits for its final
 * checkpoint. Then the interval is skipped: nothing more can come from the sources, so waiting
 * for the next tick would only leave a bounded job idle before it can finish. The other two rules
 * still hold.
 */

/** Settings of checkpoint triggering, as the job configured them. */
export interface CheckpointSchedule {
  /** Time from one trigger to the next: the job's checkpoint interval. */
  readonly intervalMs: number;
  /** Least time from the end (completion or abort) of one checkpoint to the next trigger. */
  readonly minPauseMs: number;
  /** Time after which a checkpoint in flight is aborted. Not a trigger rule; kept with the others. */
  readonly timeoutMs: number;
}

/** What the coordinator knows about its checkpoints when it decides. */
export interface TriggerState {
  /**
   * Whether a checkpoint is in flight: triggered, and neither aborted nor finalized yet (its
   * metadata is stored).
   */
  readonly pending: boolean;
  /** When the latest checkpoint was triggered (epoch ms); undefined before the first trigger. */
  readonly lastTriggerAt: number | undefined;
  /** When the latest checkpoint ended, completed or aborted (epoch ms); undefined before the first end. */
  readonly lastEndAt: number | undefined;
  /**
   * Whether every source awaits its final checkpoint (see {@link awaitsFinalCheckpoint}), which
   * lifts the interval. Default false.
   */
  readonly finalCheckpointAwaited?: boolean;
}

/**
 * The earliest time the next checkpoint may be triggered: never while one is in flight,
 * `minPauseMs` after the last one ended, and `intervalMs` after the last trigger unless the final
 * checkpoint is awaited.
 * @returns epoch ms (0: at once, before anything happened); `Infinity` while one is in flight.
 */
export function nextTriggerTime(s: CheckpointSchedule, state: TriggerState): number {
  if (state.pending) return Infinity;
  const byInterval = state.finalCheckpointAwaited === true || state.lastTriggerAt === undefined ? 0 : state.lastTriggerAt + s.intervalMs;
  const byPause = state.lastEndAt === undefined ? 0 : state.lastEndAt + s.minPauseMs;
  return Math.max(byInterval, byPause);
}

/** One source subtask of the current execution, as the final-checkpoint decision sees it. */
export interface SourceProgress {
  /**
   * Whether the subtask FINISHED. Under checkpointing a source finishes only after a checkpoint
   * behind its last record completed, so it needs nothing more.
   */
  readonly finished: boolean;
  /**
   * Undefined while the source still reads. Once it reported the end of its input: the id of the
   * last checkpoint it took before that, 0 when none. Only a checkpoint with a higher id is taken
   * behind its last record.
   */
  readonly endedAfterCheckpoint: number | undefined;
}

/**
 * Whether the final checkpoint is awaited: every source subtask has ended its input (or
 * finished), and at least one of them still waits for a checkpoint taken behind its last record,
 * that is, none with a higher id than `endedAfterCheckpoint` has completed.
 *
 * A checkpoint that completes after a source ended but was taken before (its id is at most
 * `endedAfterCheckpoint`) does not cover that source, which therefore still waits; one with a
 * higher id does, and the source finishes on it without another checkpoint.
 * @param lastCompletedId the newest checkpoint completed (metadata stored) by this execution, 0
 *   when none. Checkpoints restored from earlier attempts must not be passed: they lie before
 *   everything this execution read.
 * @returns false when there is no source, when one still reads, or when every ended source is
 *   covered already.
 */
export function awaitsFinalCheckpoint(sources: readonly SourceProgress[], lastCompletedId: number): boolean {
  let waiting = false;
  for (const s of sources) {
    if (s.finished) continue;
    if (s.endedAfterCheckpoint === undefined) return false;
    if (lastCompletedId <= s.endedAfterCheckpoint) waiting = true;
  }
  return waiting;
}
