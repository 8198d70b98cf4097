/**
 * The checkpoint coordinator of one job execution (Flink: CheckpointCoordinator): triggers
 * checkpoints at the sources on a schedule, collects every task's acknowledgement, completes a
 * checkpoint by writing its metadata to the metadata store — only then telling tasks to commit —
 * and deletes the files of checkpoints it no longer retains. Decisions come from common's pure
 * checkpoint logic; this class adds timers and I/O.
 */
import {
  CheckpointFailureManager,
  PendingCheckpoint,
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
  private nextId: number;
  private lastTriggerAt: number | undefined;
  private lastEndAt: number | undefined;
  private stopped = false;
  private completing: Promise<void> = Promise.resolve();
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
    if (this.pending) this.abort(this.pending, reason, false, 'stopped');
    await this.completing;
  }

  private maybeTrigger(): void {
    const now = Date.now();
    const s = { intervalMs: this.deps.intervalMs, minPauseMs: this.deps.minPauseMs, timeoutMs: this.deps.timeoutMs };
    if (now < nextTriggerTime(s, { pending: this.pending !== undefined, lastTriggerAt: this.lastTriggerAt, lastEndAt: this.lastEndAt }))
      return;
    const tasks = this.deps.tasks();
    // As in Flink, a checkpoint starts only when every task is running (finished ones are left out).
    if (tasks.some((t) => t.state !== 'RUNNING' && t.state !== 'FINISHED')) return;
    const live = tasks.filter((t) => t.state === 'RUNNING');
    const sources = live.filter((t) => t.isSource);
    if (live.length === 0 || sources.length === 0) return;
    const id = this.nextId++;
    const pending = new PendingCheckpoint(id, now, live.map((t) => t.key));
    this.pending = pending;
    this.lastTriggerAt = now;
    this.pendingTimer = setTimeout(() => {
      if (this.pending === pending) this.abort(pending, `it expired after ${this.deps.timeoutMs} ms`, true, 'expired');
    }, this.deps.timeoutMs);
    this.deps.logger.debug({ checkpointId: id, tasks: live.length }, 'triggering checkpoint');
    for (const t of sources) {
      this.deps.triggerSource(t, id, now).catch((err: unknown) => {
        if (this.pending === pending) this.abort(pending, `could not trigger ${t.key}: ${describeError(err)}`, true, 'trigger-failed');
      });
    }
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
    this.completing = this.completing.then(async () => {
      try {
        // Metadata first: a checkpoint exists only once it is in the metadata store.
        await this.deps.store.put(keys.checkpoint(this.deps.jobId, c.checkpointId), JSON.stringify(c));
      } catch (err) {
        this.deps.logger.error({ checkpointId: c.checkpointId, err: describeError(err) }, 'could not store checkpoint metadata');
        this.deps.notify(c.checkpointId, false);
        this.countFailure(c.checkpointId, 'finalize-failed', `its metadata could not be stored: ${describeError(err)}`);
        return;
      }
      this.failures.onSuccess(c.checkpointId);
      this.completed.push(c);
      this.deps.logger.info(
        { checkpointId: c.checkpointId, durationMs: c.durationMs, size: c.incrementalSize, fullSize: c.fullSize },
        'checkpoint completed',
      );
      this.deps.onCompleted(c);
      this.deps.notify(c.checkpointId, true);
      await this.subsume();
    });
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
