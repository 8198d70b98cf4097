/**
 * The checkpoint coordinator of one job execution (Flink: CheckpointCoordinator): triggers
 * checkpoints at the sources on a schedule — and at once when every source of a bounded job ended
 * its input and waits for its final checkpoint — collects every task's acknowledgement, completes
 * a checkpoint by writing its metadata to the metadata store — only then telling tasks to commit —
 * and deletes the files of checkpoints it no longer retains. Decisions come from common's pure
 * checkpoint logic; this class adds timers and I/O.
 */
import {
  CheckpointFailureManager,
  PendingCheckpoint,
  awaitsFinalCheckpoint,
  checkpointFiles,
  describeError,
  keys,
  nextTriggerTime,
  subsumedCheckpoints,
  unreferencedFiles,
  type CheckpointFailureReason,
  type CheckpointStorage,
  type CompletedCheckpoint,
  type Logger,
  type MetadataStore,
  type TaskStateSnapshot,
} from '@eddy/common';

/** A task as the checkpoint coordinator sees it. */
export interface CheckpointTaskView {
  /** `vertexId#subtask`. */
  readonly key: string;
  readonly vertexId: string;
  readonly subtask: number;
  readonly isSource: boolean;
  readonly state: string;
}

/** What the checkpoint coordinator needs from the job. */
export interface CheckpointCoordinatorDeps {
  readonly jobId: string;
  readonly store: MetadataStore;
  readonly storage: CheckpointStorage;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly minPauseMs: number;
  /** Completed checkpoints to keep (older ones are subsumed and their files deleted). */
  readonly retain: number;
  readonly maxParallelism: number;
  /** First id to use (continues after checkpoints of earlier attempts). */
  readonly firstCheckpointId: number;
  /** Checkpoints completed before this execution (restored job), oldest first. */
  readonly completed: CompletedCheckpoint[];
  tasks(): CheckpointTaskView[];
  triggerSource(task: CheckpointTaskView, checkpointId: number, timestamp: number): Promise<void>;
  /** Tells every task that `checkpointId` completed (commit) or was aborted. */
  notify(checkpointId: number, completed: boolean): void;
  /** Called after a checkpoint completed (for status). */
  onCompleted(c: CompletedCheckpoint): void;
  /** Consecutive counted checkpoint failures tolerated (see CheckpointFailureManager). */
  readonly tolerableFailures: number;
  /** Called once the checkpoint failures exceed the tolerance: the execution must fail with `cause`. */
  failJob(cause: string): void;
}

/** Checkpointing for one execution attempt. */
export class CheckpointCoordinator {
  private pending: PendingCheckpoint | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private scheduler: NodeJS.Timeout | undefined;
  /** Wakes the trigger when the min pause ends while the final checkpoint is awaited. */
  private pauseTimer: NodeJS.Timeout | undefined;
  private nextId: number;
  private lastTriggerAt: number | undefined;
  private lastEndAt: number | undefined;
  private stopped = false;
  private completing: Promise<void> = Promise.resolve();
  /** Completed checkpoints whose metadata is still being stored: in flight until it is. */
  private finalizing = 0;
  /** Newest checkpoint this execution completed; 0 while none (restored ones do not count). */
  private lastCompletedId = 0;
  /** Source tasks that ended their input, with the last checkpoint each took before it. */
  private readonly endedSources = new Map<string, number>();
  private readonly failures: CheckpointFailureManager;
  readonly completed: CompletedCheckpoint[];

  /** @throws RangeError when `deps.tolerableFailures` is not an integer ≥ 0. */
  constructor(private readonly deps: CheckpointCoordinatorDeps) {
    this.nextId = deps.firstCheckpointId;
    this.completed = deps.completed;
    this.failures = new CheckpointFailureManager(deps.tolerableFailures);
  }

  /** The latest completed checkpoint, if any. */
  latest(): CompletedCheckpoint | undefined {
    return this.completed[this.completed.length - 1];
  }

  /** The id the next checkpoint will get. */
  get nextCheckpointId(): number {
    return this.nextId;
  }

  /** Starts periodic triggering. */
  start(): void {
    if (this.scheduler || this.stopped) return;
    this.scheduler = setInterval(() => this.maybeTrigger(), Math.max(10, Math.min(100, this.deps.intervalMs / 4)));
  }

  /** Stops triggering and aborts the pending checkpoint (failure, cancel, finish). Waits for a completion in progress. */
  async stop(reason: string): Promise<void> {
    this.stopped = true;
    if (this.scheduler) clearInterval(this.scheduler);
    this.scheduler = undefined;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    if (this.pending) this.abort(this.pending, reason, false, 'stopped');
    await this.completing;
  }

  /**
   * Source task `taskKey` reached the end of its input and waits for its final checkpoint;
   * `lastCheckpointId` is the last checkpoint it took before (0: none). Once every source has,
   * the next checkpoint is triggered without waiting for the interval: as soon as none is in
   * flight and the min pause has passed. Unknown and non-source tasks, repeats, and calls after
   * {@link stop} are ignored. The caller has checked the fence.
   */
  sourceEndedInput(taskKey: string, lastCheckpointId: number): void {
    if (this.stopped || this.endedSources.has(taskKey)) return;
    if (this.deps.tasks().find((t) => t.key === taskKey)?.isSource !== true) {
      this.deps.logger.debug({ taskKey }, 'end of input from a task that is not a source of this execution ignored');
      return;
    }
    this.endedSources.set(taskKey, lastCheckpointId);
    this.deps.logger.debug({ taskKey, lastCheckpointId }, 'source ended its input');
    this.maybeTrigger();
  }

  /** Whether every source ended its input and one still waits for a checkpoint behind its last record. */
  private finalCheckpointAwaited(): boolean {
    // Nothing to look at until a source ended: keeps the periodic poll as cheap as before.
    if (this.endedSources.size === 0) return false;
    const sources = this.deps
      .tasks()
      .filter((t) => t.isSource)
      .map((t) => ({ finished: t.state === 'FINISHED', endedAfterCheckpoint: this.endedSources.get(t.key) }));
    return awaitsFinalCheckpoint(sources, this.lastCompletedId);
  }

  /**
   * Triggers a checkpoint when the rules allow one now. Called by the periodic poll and on every
   * event that can make the final checkpoint due: a source ending its input, a checkpoint
   * finalized or aborted.
   */
  private maybeTrigger(): void {
    if (this.stopped) return;
    const now = Date.now();
    const s = { intervalMs: this.deps.intervalMs, minPauseMs: this.deps.minPauseMs, timeoutMs: this.deps.timeoutMs };
    const finalCheckpointAwaited = this.finalCheckpointAwaited();
    const at = nextTriggerTime(s, {
      pending: this.pending !== undefined || this.finalizing > 0,
      lastTriggerAt: this.lastTriggerAt,
      lastEndAt: this.lastEndAt,
      finalCheckpointAwaited,
    });
    if (now < at) {
      // Only the min pause holds the final checkpoint back: wake exactly when it ends rather than
      // at the next poll.
      if (finalCheckpointAwaited && at !== Infinity) this.wakeAt(at, now);
      return;
    }
    const tasks = this.deps.tasks();
    // As in Flink, a checkpoint starts only when every task is running (finished ones are left out).
    if (tasks.some((t) => t.state !== 'RUNNING' && t.state !== 'FINISHED')) return;
    const live = tasks.filter((t) => t.state === 'RUNNING');
    const sources = live.filter((t) => t.isSource);
    if (live.length === 0 || sources.length === 0) return;
    const id = this.nextId++;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    const pending = new PendingCheckpoint(id, now, live.map((t) => t.key));
    this.pending = pending;
    this.lastTriggerAt = now;
    this.pendingTimer = setTimeout(() => {
      if (this.pending === pending) this.abort(pending, `it expired after ${this.deps.timeoutMs} ms`, true, 'expired');
    }, this.deps.timeoutMs);
    this.deps.logger.debug({ checkpointId: id, tasks: live.length, final: finalCheckpointAwaited }, 'triggering checkpoint');
    for (const t of sources) {
      this.deps.triggerSource(t, id, now).catch((err: unknown) => {
        if (this.pending === pending) this.abort(pending, `could not trigger ${t.key}: ${describeError(err)}`, true, 'trigger-failed');
      });
    }
  }

  private wakeAt(at: number, now: number): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      this.maybeTrigger();
    }, at - now);
  }

  /** A task finished: it will not acknowledge; finished tasks need no state. */
  taskFinished(taskKey: string): void {
    const p = this.pending;
    if (!p) return;
    const result = p.acknowledge(taskKey, { vertexId: '', subtask: -1, operators: {}, incrementalSize: 0, fullSize: 0 });
    if (result === 'completed') this.complete(p);
  }

  /** A task's acknowledgement. Acks of unknown or old checkpoints are ignored (their files are swept later). */
  acknowledge(taskKey: string, checkpointId: number, snapshot: TaskStateSnapshot): void {
    const p = this.pending;
    if (!p || p.checkpointId !== checkpointId) {
      this.deps.logger.debug({ checkpointId, taskKey }, 'late or unknown checkpoint acknowledgement ignored');
      return;
    }
    const result = p.acknowledge(taskKey, snapshot);
    if (result === 'completed') this.complete(p);
  }

  /**
   * A task declined a checkpoint: abort it. `subsumed`: the task gave it up for a newer one or
   * because it was canceled upstream; otherwise its snapshot failed.
   */
  decline(taskKey: string, checkpointId: number, reason: string, subsumed: boolean): void {
    const p = this.pending;
    if (!p || p.checkpointId !== checkpointId) return;
    this.abort(p, `${taskKey} declined it: ${reason}`, true, subsumed ? 'subsumed' : 'snapshot-failed');
  }

  /** `now` is the checkpoint's end: the minimum pause to the next trigger counts from it. */
  private endPending(p: PendingCheckpoint, now = Date.now()): void {
    p.dispose();
    if (this.pending === p) this.pending = undefined;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.lastEndAt = now;
  }

  private abort(p: PendingCheckpoint, reason: string, notifyTasks: boolean, kind: CheckpointFailureReason): void {
    if (p.isDisposed) return;
    this.endPending(p);
    this.deps.logger.warn({ checkpointId: p.checkpointId, reason }, 'checkpoint aborted');
    this.countFailure(p.checkpointId, kind, reason);
    if (notifyTasks) this.deps.notify(p.checkpointId, false);
    const written = p.acknowledged.map((s) => Object.values(s.operators).flatMap((o) => o.keyed.map((h) => h.path)));
    const doomed = unreferencedFiles(written, this.completed.map(checkpointFiles));
    this.deps.storage.delete(doomed).catch((err: unknown) =>
      this.deps.logger.warn({ err: describeError(err) }, 'deleting files of an aborted checkpoint failed'),
    );
    // Sources waiting for their final checkpoint get the next one as soon as the pause allows. Not
    // after a failed trigger: a source that cannot be reached is a task failure, reported on its
    // own, and retrying at once would only repeat the failed call until that report arrives.
    if (kind !== 'trigger-failed') this.maybeTrigger();
  }

  private complete(p: PendingCheckpoint): void {
    // One instant: the recorded completion time is where the minimum pause starts.
    const now = Date.now();
    this.endPending(p, now);
    const acks = p.acknowledged.filter((s) => s.subtask >= 0);
    const c: CompletedCheckpoint = {
      jobId: this.deps.jobId,
      checkpointId: p.checkpointId,
      timestamp: p.timestamp,
      completedAt: now,
      durationMs: now - p.timestamp,
      maxParallelism: this.deps.maxParallelism,
      incrementalSize: acks.reduce((n, s) => n + s.incrementalSize, 0),
      fullSize: acks.reduce((n, s) => n + s.fullSize, 0),
      savepoint: p.savepoint,
      tasks: acks,
    };
    // Until its metadata is stored the checkpoint stays in flight: only then is it known whether
    // it covers the sources waiting for their final checkpoint.
    this.finalizing++;
    this.completing = this.completing.then(async () => {
      let stored = false;
      try {
        stored = await this.finalize(c);
      } finally {
        this.finalizing--;
        // Before subsuming: deleting old files must not hold back a final checkpoint now due.
        this.maybeTrigger();
      }
      if (stored) await this.subsume();
    });
  }

  /**
   * Stores the metadata of `c` and tells the tasks to commit, or, when it cannot be stored, to
   * abort. @returns whether it was stored.
   */
  private async finalize(c: CompletedCheckpoint): Promise<boolean> {
    try {
      // Metadata first: a checkpoint exists only once it is in the metadata store.
      await this.deps.store.put(keys.checkpoint(this.deps.jobId, c.checkpointId), JSON.stringify(c));
    } catch (err) {
      this.deps.logger.error({ checkpointId: c.checkpointId, err: describeError(err) }, 'could not store checkpoint metadata');
      this.deps.notify(c.checkpointId, false);
      this.countFailure(c.checkpointId, 'finalize-failed', `its metadata could not be stored: ${describeError(err)}`);
      return false;
    }
    this.failures.onSuccess(c.checkpointId);
    this.lastCompletedId = c.checkpointId;
    this.completed.push(c);
    this.deps.logger.info(
      { checkpointId: c.checkpointId, durationMs: c.durationMs, size: c.incrementalSize, fullSize: c.fullSize },
      'checkpoint completed',
    );
    this.deps.onCompleted(c);
    this.deps.notify(c.checkpointId, true);
    return true;
  }

  /** Fails the execution once the counted failures exceed the tolerance; never while stopping. */
  private countFailure(checkpointId: number, kind: CheckpointFailureReason, reason: string): void {
    if (this.stopped) return;
    const cause = this.failures.onFailure(checkpointId, kind, reason);
    if (cause === undefined) return;
    this.deps.logger.error({ checkpointId, cause }, 'too many checkpoint failures');
    this.deps.failJob(cause);
  }

  private async subsume(): Promise<void> {
    const dropIds = new Set(subsumedCheckpoints(this.completed.map((c) => c.checkpointId), this.deps.retain));
    if (dropIds.size === 0) return;
    const dropped = this.completed.filter((c) => dropIds.has(c.checkpointId));
    const retained = this.completed.filter((c) => !dropIds.has(c.checkpointId));
    this.completed.splice(0, this.completed.length, ...retained);
    try {
      for (const d of dropped) await this.deps.store.delete(keys.checkpoint(this.deps.jobId, d.checkpointId));
      await this.deps.storage.delete(unreferencedFiles(dropped.map(checkpointFiles), retained.map(checkpointFiles)));
    } catch (err) {
      this.deps.logger.warn({ err: describeError(err) }, 'deleting subsumed checkpoints failed');
    }
  }
}
