/**
 * The coordinator's job lifecycle (Flink: Dispatcher + JobMaster): accepts jobs, schedules them
 * onto worker slots, deploys their subtasks, follows task states to FINISHED / FAILED / CANCELED,
 * and persists every state change in the metadata store.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import {
  FsCheckpointStorage,
  assignRestoreState,
  describeError,
  nextRestartDelay,
  operatorStateKey,
  failedPrecondition,
  invalidArgument,
  isLegalJobTransition,
  isTerminalJobState,
  isTerminalTaskState,
  isLegalTaskTransition,
  keys,
  notFound,
  RUNTIME_DEFAULTS,
  type Fence__Output as Fence,
  type JobState,
  type Logger,
  type MetadataStore,
  type TaskState,
  type TaskStateSnapshot,
  type CompletedCheckpoint,
} from '@eddy/common';
import { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.js';
import {
  deleteAllCheckpoints,
  loadCompletedCheckpoints,
  retainLatestOnly,
  selectRestoreCheckpoint,
  sweepOrphans,
} from '../checkpoint/completed-checkpoints.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { WorkerRegistry } from '../resources/worker-registry.js';
import { assignSlots } from '../resources/slot-assignment.js';
import { evaluateJob } from './job-evaluator.js';
import { jobParallelism, taskKey, type JobRecord, type TaskExecution } from './job-record.js';
import type { TaskExecutorGateway } from './task-executor-gateway.js';

/** Time allowed for tasks to acknowledge cancellation before the job is declared CANCELED anyway. */
const CANCEL_TIMEOUT_MS = 10_000;
/** Terminal jobs kept for `list`/`status` (oldest dropped first). */
const RETAINED_TERMINAL_JOBS = 100;

/** A submission request after transport decoding. */
export interface SubmitRequest {
  readonly artifactSha256: string;
  readonly args: string[];
  readonly parallelism: number;
  readonly name: string;
}

/** A task state report after transport decoding. */
export interface TaskStateReport {
  readonly fence: Fence;
  readonly vertexId: string;
  readonly subtask: number;
  readonly state: TaskState;
  readonly failure: string;
  readonly operators: ReadonlyArray<{ operatorId: string; recordsIn: number; recordsOut: number; lateRecordsDropped: number }>;
}

interface LiveJob {
  readonly record: JobRecord;
  tasks: Map<string, TaskExecution>;
  collected: Map<string, string[]>;
  collectedCount: number;
  /** Serializes persistence so records are written in state order. */
  persisting: Promise<void>;
  cancelTimer?: NodeJS.Timeout;
  /** Present while an execution with checkpointing runs. */
  checkpoints?: CheckpointCoordinator;
  /** Completed checkpoints retained for the job, oldest first (shared with its coordinator). */
  completed: CompletedCheckpoint[];
  /** While RESTARTING: resolves once every task of the failed execution is terminal. */
  tasksTerminal?: () => void;
  restartTimer?: NodeJS.Timeout;
  /** The checkpoint the next deployment restores, chosen while RESTARTING. */
  restoreFrom?: CompletedCheckpoint;
}

/** A job as the manager holds it, before any execution. */
function liveJob(record: JobRecord, completed: CompletedCheckpoint[]): LiveJob {
  return { record, tasks: new Map(), collected: new Map(), collectedCount: 0, persisting: Promise.resolve(), completed };
}

/** Dependencies of the job manager. */
export interface JobManagerDeps {
  readonly store: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly registry: WorkerRegistry;
  readonly gateway: TaskExecutorGateway;
  readonly logger: Logger;
  /** Generation of this coordinator, carried in every fence. */
  readonly generation: number;
  /** Wall-clock limit for building a submitted job's graph. */
  readonly jobEvaluationTimeoutMs: number;
  /** Root of the shared checkpoint directory; a job's files live in `<root>/<jobId>`. */
  readonly checkpointDir: string;
  /** Completed checkpoints kept per running job (Flink: state.checkpoints.num-retained). Default 3. */
  readonly retainedCheckpoints?: number;
}

/** Owns every job of this coordinator. */
export class JobManager {
  private readonly jobs = new Map<string, LiveJob>();
  private scheduling = false;
  private rescheduleRequested = false;

  constructor(private readonly deps: JobManagerDeps) {
    deps.registry.on('slots-available', () => this.requestScheduling());
    deps.registry.on('worker-lost', (workerId, reason) => this.onWorkerLost(workerId, reason));
  }

  /** Loads persisted jobs. Jobs that were running when the previous coordinator stopped are failed. */
  async recover(): Promise<void> {
    for (const { key, value } of await this.deps.store.list(keys.jobsPrefix())) {
      if (key.slice(keys.jobsPrefix().length).includes('/')) continue;
      let record: JobRecord;
      try {
        record = JSON.parse(value) as JobRecord;
      } catch (err) {
        this.deps.logger.error({ key, err }, 'unreadable job record skipped');
        continue;
      }
      const job = liveJob(record, await loadCompletedCheckpoints(this.deps.store, record.id, this.deps.logger));
      this.jobs.set(record.id, job);
      if (!isTerminalJobState(record.state)) {
        record.failure = 'the coordinator restarted while the job was running (coordinator HA is not enabled)';
        this.forceState(job, 'FAILED');
      }
    }
  }

  /**
   * Accepts a job: evaluates it in isolation, persists it and schedules it.
   * @throws EddyError INVALID_ARGUMENT for a bad job (nothing is deployed), NOT_FOUND for an unknown artifact.
   */
  async submit(req: SubmitRequest): Promise<string> {
    const artifactFile = this.deps.artifacts.require(req.artifactSha256);
    // 32768 is Flink's upper bound of max parallelism; a negative number arrives here wrapped to uint32.
    if (!Number.isInteger(req.parallelism) || req.parallelism < 0 || req.parallelism > 32768)
      throw invalidArgument(`parallelism must be an integer in [1, 32768] (0 keeps the job's own), got ${req.parallelism}`);
    if (req.name.length > 200) throw invalidArgument('job name must be at most 200 characters');
    const jobGraph = await evaluateJob({
      artifactFile,
      args: req.args,
      parallelism: req.parallelism,
      timeoutMs: this.deps.jobEvaluationTimeoutMs,
    });
    const id = randomBytes(16).toString('hex');
    const record: JobRecord = {
      id,
      name: req.name || jobGraph.jobName || 'job',
      state: 'CREATED',
      artifactSha256: req.artifactSha256,
      args: req.args,
      parallelismOverride: req.parallelism,
      jobGraph,
      submittedAt: Date.now(),
      startTime: Date.now(),
      endTime: 0,
      failure: '',
      statusMessage: 'accepted',
      attempt: 0,
      restarts: 0,
      lastFailure: '',
      lastCheckpointId: 0,
      lastCheckpointTime: 0,
      nextCheckpointId: 1,
    };
    const job = liveJob(record, []);
    this.jobs.set(id, job);
    await this.persist(job);
    this.transition(job, 'SCHEDULED', 'waiting for task slots');
    this.deps.logger.info({ jobId: id, name: record.name, vertices: jobGraph.vertices.length }, 'job submitted');
    this.requestScheduling();
    await job.persisting;
    this.pruneTerminal();
    return id;
  }

  /** @throws EddyError(NOT_FOUND) for an unknown job id. */
  get(jobId: string): { record: JobRecord; tasks: TaskExecution[] } {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`no job with id '${jobId}' (see 'eddy list')`);
    return { record: job.record, tasks: [...job.tasks.values()] };
  }

  list(): JobRecord[] {
    return [...this.jobs.values()].map((j) => j.record).sort((a, b) => b.submittedAt - a.submittedAt);
  }

  /** Requests cancellation. @throws EddyError(NOT_FOUND) for an unknown job id. */
  async cancel(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`no job with id '${jobId}' (see 'eddy list')`);
    const s = job.record.state;
    if (isTerminalJobState(s) || s === 'CANCELING') return;
    if (job.restartTimer) clearTimeout(job.restartTimer);
    job.restartTimer = undefined;
    if (job.tasks.size === 0 || [...job.tasks.values()].every((t) => isTerminalTaskState(t.state))) {
      this.transition(job, 'CANCELED', 'canceled before deployment');
      this.finishJob(job);
    } else {
      this.transition(job, 'CANCELING', 'canceling tasks');
      this.cancelTasks(job);
      job.cancelTimer = setTimeout(() => {
        if (job.record.state === 'CANCELING') {
          this.deps.logger.warn({ jobId }, 'tasks did not confirm cancellation in time; job declared canceled');
          this.transition(job, 'CANCELED', 'canceled (some tasks did not confirm)');
          this.finishJob(job);
        }
      }, CANCEL_TIMEOUT_MS);
    }
    await job.persisting;
  }

  /** Applies a task state report. Stale reports (older attempt or generation) are dropped. */
  onTaskState(report: TaskStateReport): void {
    const job = this.jobs.get(report.fence.jobId);
    if (!job || !this.fenceMatches(job, report.fence)) return;
    const task = job.tasks.get(taskKey(report.vertexId, report.subtask));
    if (!task) return;
    this.applyMetrics(task, report.operators);
    if (task.state === report.state) return;
    if (!isLegalTaskTransition(task.state, report.state)) {
      this.deps.logger.debug({ jobId: job.record.id, from: task.state, to: report.state }, 'ignored task transition');
      return;
    }
    // A task whose producer was canceled first fails on the broken input: that is the cancellation
    // arriving by another path, not a cause (Flink likewise ends a canceling job CANCELED). The
    // same holds while a restart cancels the failed execution.
    const canceledByInput =
      report.state === 'FAILED' && (job.record.state === 'CANCELING' || job.record.state === 'RESTARTING');
    task.state = canceledByInput ? 'CANCELED' : report.state;
    task.failure = report.failure;
    const log = this.deps.logger.child({ jobId: job.record.id, task: `${report.vertexId}#${report.subtask}`, attempt: job.record.attempt });
    log.debug({ state: report.state }, 'task state');
    if (report.state === 'FINISHED') job.checkpoints?.taskFinished(taskKey(report.vertexId, report.subtask));
    if (canceledByInput) {
      log.debug({ failure: report.failure }, 'task failed while the job was canceling; counted as canceled');
    } else if (report.state === 'FAILED') {
      log.warn({ failure: report.failure }, 'task failed');
      this.failJob(job, `task ${this.taskName(job, task)} failed: ${report.failure}`);
      return;
    }
    this.checkCompletion(job);
  }

  /** Applies metrics from a heartbeat. */
  onTaskMetrics(fence: Fence, vertexId: string, subtask: number, operators: TaskStateReport['operators']): void {
    const job = this.jobs.get(fence.jobId);
    if (!job || !this.fenceMatches(job, fence)) return;
    const task = job.tasks.get(taskKey(vertexId, subtask));
    if (task) this.applyMetrics(task, operators);
  }

  /** Stores records of a CollectSink. @throws EddyError when the job is unknown or the cap is exceeded. */
  addCollected(fence: Fence, sinkName: string, records: string[]): void {
    const job = this.jobs.get(fence.jobId);
    if (!job) throw notFound(`no job with id '${fence.jobId}'`);
    if (!this.fenceMatches(job, fence)) throw failedPrecondition('stale attempt: records from an older execution are dropped');
    if (job.collectedCount + records.length > RUNTIME_DEFAULTS.maxCollectedRecords)
      throw failedPrecondition(
        `CollectSink limit of ${RUNTIME_DEFAULTS.maxCollectedRecords} records per job exceeded; use a FileSink for large results`,
      );
    let list = job.collected.get(sinkName);
    if (!list) job.collected.set(sinkName, (list = []));
    for (const r of records) list.push(r);
    job.collectedCount += records.length;
  }

  /** Records a CollectSink has handed over. @throws EddyError(NOT_FOUND) for an unknown job. */
  getCollected(jobId: string, sinkName: string): string[] {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`no job with id '${jobId}' (see 'eddy list')`);
    return job.collected.get(sinkName) ?? [];
  }

  /** Completed checkpoints of a job, oldest first. @throws EddyError(NOT_FOUND) for an unknown job. */
  listCheckpoints(jobId: string): readonly CompletedCheckpoint[] {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`no job with id '${jobId}' (see 'eddy list')`);
    return job.completed;
  }

  /** A task's checkpoint acknowledgement; stale fences are dropped. */
  onCheckpointAck(fence: Fence, vertexId: string, subtask: number, checkpointId: number, snapshot: TaskStateSnapshot): void {
    const job = this.jobs.get(fence.jobId);
    if (!job || !this.fenceMatches(job, fence)) return;
    job.checkpoints?.acknowledge(taskKey(vertexId, subtask), checkpointId, snapshot);
  }

  /** A task declined a checkpoint. */
  onCheckpointDecline(fence: Fence, vertexId: string, subtask: number, checkpointId: number, reason: string, subsumed: boolean): void {
    const job = this.jobs.get(fence.jobId);
    if (!job || !this.fenceMatches(job, fence)) return;
    job.checkpoints?.decline(taskKey(vertexId, subtask), checkpointId, reason, subsumed);
  }

  /**
   * A source task ended its input and waits for its final checkpoint (Flink:
   * JobMasterGateway.notifyEndOfData). Stale fences (another attempt or coordinator generation)
   * are dropped, as is everything while the execution does not checkpoint.
   * @param lastCheckpointId the last checkpoint the task took before its input ended, 0 for none.
   */
  onEndOfData(fence: Fence, vertexId: string, subtask: number, lastCheckpointId: number): void {
    const job = this.jobs.get(fence.jobId);
    if (!job || !this.fenceMatches(job, fence)) return;
    job.checkpoints?.sourceEndedInput(taskKey(vertexId, subtask), lastCheckpointId);
  }

  private jobCheckpointDir(job: LiveJob): string {
    return path.join(this.deps.checkpointDir, job.record.id);
  }

  private startCheckpointing(job: LiveJob): void {
    const g = job.record.jobGraph;
    if (g.checkpointInterval <= 0) return;
    const fence = this.fence(job);
    const sourceVertices = new Set(g.vertices.filter((v) => this.isSourceVertex(job, v.id)).map((v) => v.id));
    const coordinator = new CheckpointCoordinator({
      jobId: job.record.id,
      store: this.deps.store,
      storage: new FsCheckpointStorage(this.jobCheckpointDir(job)),
      logger: this.deps.logger.child({ jobId: job.record.id, attempt: job.record.attempt }),
      intervalMs: g.checkpointInterval,
      timeoutMs: g.streamGraph.checkpointTimeoutMs ?? 60_000,
      minPauseMs: g.streamGraph.minPauseBetweenCheckpointsMs ?? 0,
      retain: this.deps.retainedCheckpoints ?? 3,
      maxParallelism: g.maxParallelism,
      firstCheckpointId: job.record.nextCheckpointId,
      completed: job.completed,
      tasks: () =>
        [...job.tasks.values()].map((t) => ({
          key: taskKey(t.vertexId, t.subtask),
          vertexId: t.vertexId,
          subtask: t.subtask,
          isSource: sourceVertices.has(t.vertexId),
          state: t.state,
        })),
      triggerSource: (t, checkpointId, timestamp) => {
        const exec = job.tasks.get(t.key);
        if (!exec) return Promise.reject(new Error(`no task ${t.key}`));
        return this.deps.gateway.triggerCheckpoint(exec.address, {
          fence,
          vertexId: t.vertexId,
          subtask: t.subtask,
          checkpointId,
          timestamp,
          savepoint: false,
        });
      },
      notify: (checkpointId, completed) => {
        for (const address of new Set([...job.tasks.values()].map((t) => t.address))) {
          this.deps.gateway
            .notifyCheckpoint(address, { fence, checkpointId, completed })
            .catch((err: unknown) => this.deps.logger.debug({ err: describeError(err) }, 'checkpoint notification failed'));
        }
      },
      onCompleted: (c) => {
        job.record.lastCheckpointId = c.checkpointId;
        job.record.lastCheckpointTime = c.completedAt;
        this.persistLater(job);
      },
      tolerableFailures: g.streamGraph.tolerableCheckpointFailures ?? 0,
      failJob: (cause) => {
        if (job.checkpoints === coordinator) this.failJob(job, cause);
      },
    });
    job.checkpoints = coordinator;
    coordinator.start();
  }

  private isSourceVertex(job: LiveJob, vertexId: string): boolean {
    const v = job.record.jobGraph.vertices.find((x) => x.id === vertexId);
    const head = v ? job.record.jobGraph.streamGraph.nodes.find((n) => n.id === v.nodeIds[0]) : undefined;
    return head?.kind === 'source';
  }

  /** Stops checkpointing of the job's execution and applies the retention policy for `state`. */
  private async endCheckpointing(job: LiveJob, state: JobState): Promise<void> {
    const c = job.checkpoints;
    job.checkpoints = undefined;
    if (c) {
      await c.stop(`job ${state}`);
      job.record.nextCheckpointId = c.nextCheckpointId;
    }
    if (job.record.jobGraph.checkpointInterval <= 0) return;
    const dir = this.jobCheckpointDir(job);
    // Retention: a FINISHED or CANCELED job leaves nothing; a FAILED one keeps its latest
    // checkpoint for a manual restart.
    if (state === 'FAILED') await retainLatestOnly(this.deps.store, job.completed, dir, new FsCheckpointStorage(dir));
    else {
      await deleteAllCheckpoints(this.deps.store, job.record.id, dir);
      job.completed.length = 0;
    }
  }

  /** Waits for pending persistence (for shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.persisting));
  }

  close(): void {
    for (const j of this.jobs.values()) {
      if (j.cancelTimer) clearTimeout(j.cancelTimer);
      if (j.restartTimer) clearTimeout(j.restartTimer);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private fenceMatches(job: LiveJob, fence: Fence): boolean {
    return fence.attempt === job.record.attempt && fence.generation === this.deps.generation;
  }

  private fence(job: LiveJob): Fence {
    return { jobId: job.record.id, attempt: job.record.attempt, generation: this.deps.generation };
  }

  private taskName(job: LiveJob, t: TaskExecution): string {
    const v = job.record.jobGraph.vertices.find((x) => x.id === t.vertexId);
    return `'${v?.name ?? t.vertexId}' (${t.subtask + 1}/${v?.parallelism ?? '?'}) on worker ${t.workerId}`;
  }

  private applyMetrics(task: TaskExecution, operators: TaskStateReport['operators']): void {
    for (const m of operators) task.metrics.set(m.operatorId, {
        recordsIn: m.recordsIn,
        recordsOut: m.recordsOut,
        lateRecordsDropped: m.lateRecordsDropped,
      });
  }

  private requestScheduling(): void {
    if (this.scheduling) {
      this.rescheduleRequested = true;
      return;
    }
    this.scheduling = true;
    try {
      do {
        this.rescheduleRequested = false;
        this.scheduleWaitingJobs();
      } while (this.rescheduleRequested);
    } finally {
      this.scheduling = false;
    }
  }

  private scheduleWaitingJobs(): void {
    const waiting = [...this.jobs.values()]
      .filter((j) => j.record.state === 'SCHEDULED')
      .sort((a, b) => a.record.submittedAt - b.record.submittedAt);
    for (const job of waiting) {
      const required = jobParallelism(job.record.jobGraph);
      const workers = this.deps.registry.all();
      const offers = workers.map((w) => ({ workerId: w.workerId, freeSlots: this.deps.registry.freeSlots(w) }));
      const assignment = assignSlots(required, offers);
      if (!assignment) {
        const free = offers.reduce((n, o) => n + o.freeSlots, 0);
        const msg = `waiting for ${required} task slots; ${free} free on ${workers.length} registered worker(s)`;
        if (job.record.statusMessage !== msg) {
          job.record.statusMessage = msg;
          this.deps.logger.info({ jobId: job.record.id, required, free, workers: workers.length }, 'job waits for slots');
          this.persistLater(job);
        }
        // Jobs are scheduled in submission order: a later, smaller job does not overtake.
        return;
      }
      for (const w of assignment) this.deps.registry.take(w, job.record.id);
      this.deploy(job, assignment);
    }
  }

  private deploy(job: LiveJob, slotWorkers: string[]): void {
    const record = job.record;
    record.attempt += 1;
    const tasks = new Map<string, TaskExecution>();
    for (const v of record.jobGraph.vertices) {
      for (let s = 0; s < v.parallelism; s++) {
        const worker = this.deps.registry.get(slotWorkers[s]!)!;
        tasks.set(taskKey(v.id, s), {
          vertexId: v.id,
          subtask: s,
          workerId: worker.workerId,
          address: worker.address,
          state: 'DEPLOYING',
          failure: '',
          metrics: new Map(),
        });
      }
    }
    job.tasks = tasks;
    const restoring = job.restoreFrom ? ` restoring checkpoint ${job.restoreFrom.checkpointId}` : '';
    this.transition(job, 'RUNNING', `deploying ${tasks.size} tasks${restoring}`);
    const fence = this.fence(job);
    const locations = [...tasks.values()].map((t) => ({
      vertexId: t.vertexId,
      subtask: t.subtask,
      workerId: t.workerId,
      address: t.address,
    }));
    const jobGraphJson = JSON.stringify(record.jobGraph);
    const checkpointDir = record.jobGraph.checkpointInterval > 0 ? this.jobCheckpointDir(job) : '';
    const restoreFrom = job.restoreFrom;
    const restoreJson = (t: TaskExecution): string => {
      if (!restoreFrom) return '';
      const v = record.jobGraph.vertices.find((x) => x.id === t.vertexId)!;
      const keysOf = v.nodeIds.map((id) => {
        const n = record.jobGraph.streamGraph.nodes.find((x) => x.id === id)!;
        return operatorStateKey(n.id, n.uid);
      });
      return JSON.stringify(assignRestoreState(restoreFrom, v.id, keysOf, t.subtask, v.parallelism));
    };
    const log = this.deps.logger.child({ jobId: record.id, attempt: record.attempt });
    log.info({ tasks: tasks.size, workers: [...new Set(slotWorkers)] }, 'deploying job');
    for (const t of tasks.values()) {
      this.deps.gateway
        .submitTask(t.address, {
          fence,
          vertexId: t.vertexId,
          subtask: t.subtask,
          artifactSha256: record.artifactSha256,
          args: record.args,
          jobGraphJson,
          locations,
          parallelismOverride: record.parallelismOverride,
          checkpointDir,
          restoreJson: restoreJson(t),
          restoreCheckpointId: restoreFrom?.checkpointId ?? 0,
        })
        .catch((err: unknown) => {
          if (job.record.attempt !== fence.attempt || isTerminalJobState(job.record.state)) return;
          this.failJob(job, `could not deploy task ${this.taskName(job, t)}: ${describeError(err)}`);
        });
    }
    this.startCheckpointing(job);
  }

  private checkCompletion(job: LiveJob): void {
    const states = [...job.tasks.values()].map((t) => t.state);
    if (job.record.state === 'RUNNING') {
      if (states.every((s) => s === 'FINISHED')) {
        this.transition(job, 'FINISHED', 'all tasks finished');
        this.finishJob(job);
      } else if (states.every((s) => s === 'RUNNING' || s === 'FINISHED') && job.record.statusMessage.startsWith('deploying')) {
        job.record.statusMessage = 'running';
        this.persistLater(job);
      }
    } else if (job.record.state === 'CANCELING' && states.every((s) => isTerminalTaskState(s))) {
      this.transition(job, 'CANCELED', 'canceled');
      this.finishJob(job);
    } else if (job.record.state === 'RESTARTING' && states.every((s) => isTerminalTaskState(s))) {
      job.tasksTerminal?.();
    }
  }

  /**
   * A task or worker failed: restart from the latest completed checkpoint when the job's restart
   * strategy allows another attempt, else fail the job.
   */
  private failJob(job: LiveJob, cause: string): void {
    const state = job.record.state;
    if (isTerminalJobState(state) || state === 'RESTARTING' || state === 'CANCELING') return;
    job.record.lastFailure = cause;
    const delay = state === 'RUNNING' ? nextRestartDelay(job.record.jobGraph.restartStrategy, job.record.restarts) : undefined;
    if (delay !== undefined) {
      this.restart(job, cause, delay);
      return;
    }
    job.record.failure = cause;
    this.deps.logger.error({ jobId: job.record.id, cause }, 'job failed');
    this.cancelTasks(job);
    this.forceState(job, 'FAILED', 'failed');
    this.finishJob(job);
  }

  /**
   * Flink's failover: cancel every task of the failed execution, wait until all are gone and the
   * strategy's delay has passed, pick the newest intact checkpoint (falling back loudly past
   * damaged ones), delete files no retained checkpoint refers to, then schedule a new attempt that
   * restores it.
   */
  private restart(job: LiveJob, cause: string, delayMs: number): void {
    const record = job.record;
    record.restarts += 1;
    const log = this.deps.logger.child({ jobId: record.id, attempt: record.attempt });
    log.warn({ cause, restart: record.restarts, delayMs }, 'job restarting');
    this.transition(job, 'RESTARTING', `canceling the failed execution: ${cause}`);
    // No checkpoint of the failed execution may complete from here on.
    const c = job.checkpoints;
    job.checkpoints = undefined;
    const checkpointingStopped = c ? c.stop('job restarting') : Promise.resolve();
    const tasksTerminal = new Promise<void>((resolve) => {
      job.tasksTerminal = resolve;
    });
    this.cancelTasks(job);
    this.checkCompletion(job);
    const failedAttempt = record.attempt;
    const still = (): boolean => record.state === 'RESTARTING' && record.attempt === failedAttempt;
    const sequence = async (): Promise<void> => {
      await Promise.race([tasksTerminal, new Promise((r) => setTimeout(r, CANCEL_TIMEOUT_MS).unref())]);
      job.tasksTerminal = undefined;
      if (!still()) return;
      if (![...job.tasks.values()].every((t) => isTerminalTaskState(t.state)))
        log.warn('tasks of the failed execution did not confirm cancellation in time; restarting anyway');
      const addresses = new Set([...job.tasks.values()].map((t) => t.address));
      const fence = this.fence(job);
      for (const address of addresses) this.deps.gateway.releaseJob(address, { fence }).catch(() => undefined);
      this.deps.registry.releaseJob(record.id);
      await checkpointingStopped;
      if (c) record.nextCheckpointId = c.nextCheckpointId;
      if (!still()) return;
      record.statusMessage = `restarting in ${delayMs} ms (restart ${record.restarts}) after: ${cause}`;
      this.persistLater(job);
      // Checkpointing has stopped and no task runs: the set of completed checkpoints is final, so
      // verifying them overlaps the restart delay instead of following it. The failed attempt may
      // have failed restoring its checkpoint (a worker found a file damaged), so that one and
      // older ones are read in full; newer ones have not been restored yet and get a stat.
      const suspect = job.restoreFrom?.checkpointId ?? 0;
      job.restoreFrom = undefined;
      const dir = this.jobCheckpointDir(job);
      const storage = new FsCheckpointStorage(dir);
      const choosing =
        record.jobGraph.checkpointInterval > 0
          ? (async () => {
              const chosen = await selectRestoreCheckpoint(job.completed, storage, this.deps.store, log, suspect);
              const swept = await sweepOrphans(dir, job.completed, storage);
              if (swept.length > 0) log.info({ files: swept.length }, 'removed files of unfinished checkpoints');
              return chosen;
            })()
          : Promise.resolve(undefined);
      choosing.catch(() => undefined); // awaited below, after the delay
      await new Promise<void>((resolve) => {
        job.restartTimer = setTimeout(resolve, delayMs);
      });
      job.restartTimer = undefined;
      const chosen = await choosing;
      if (!still()) return;
      job.restoreFrom = chosen;
      if (!still()) return;
      const from = job.restoreFrom ? `checkpoint ${job.restoreFrom.checkpointId}` : 'the beginning (no completed checkpoint)';
      log.info({ checkpointId: job.restoreFrom?.checkpointId ?? 0 }, `restoring from ${from}`);
      this.transition(job, 'SCHEDULED', `restart ${record.restarts}: waiting for task slots to restore from ${from}`);
      this.requestScheduling();
    };
    sequence().catch((err: unknown) => {
      if (!still()) return;
      record.failure = `restart failed: ${describeError(err)} (after: ${cause})`;
      log.error({ err: describeError(err) }, 'restart failed');
      this.forceState(job, 'FAILED', 'failed');
      this.finishJob(job);
    });
  }

  private cancelTasks(job: LiveJob): void {
    const fence = this.fence(job);
    for (const t of job.tasks.values()) {
      if (isTerminalTaskState(t.state)) continue;
      if (!this.deps.registry.get(t.workerId)) continue;
      this.deps.gateway
        .cancelTask(t.address, { fence, vertexId: t.vertexId, subtask: t.subtask })
        .catch((err: unknown) => this.deps.logger.warn({ jobId: job.record.id, err: describeError(err) }, 'cancel task failed'));
    }
  }

  /** Releases slots and worker resources of a job that reached a terminal state. */
  private finishJob(job: LiveJob): void {
    if (job.cancelTimer) clearTimeout(job.cancelTimer);
    if (job.restartTimer) clearTimeout(job.restartTimer);
    job.record.endTime = Date.now();
    const state = job.record.state;
    job.persisting = job.persisting
      .then(() => this.endCheckpointing(job, state))
      .catch((err: unknown) => this.deps.logger.warn({ jobId: job.record.id, err: describeError(err) }, 'checkpoint cleanup failed'));
    this.persistLater(job);
    const fence = this.fence(job);
    for (const address of new Set([...job.tasks.values()].map((t) => t.address))) {
      this.deps.gateway.releaseJob(address, { fence }).catch(() => undefined);
    }
    this.deps.registry.releaseJob(job.record.id);
    this.deps.logger.info({ jobId: job.record.id, state: job.record.state }, 'job ended');
  }

  private onWorkerLost(workerId: string, reason: string): void {
    const w = this.deps.logger;
    w.warn({ workerId, reason }, 'worker lost');
    for (const job of this.jobs.values()) {
      if (isTerminalJobState(job.record.state)) continue;
      const lost = [...job.tasks.values()].filter((t) => t.workerId === workerId && !isTerminalTaskState(t.state));
      if (lost.length === 0) continue;
      if (job.record.state === 'CANCELING' || job.record.state === 'RESTARTING') {
        for (const t of lost) t.state = 'CANCELED';
        this.checkCompletion(job);
      } else {
        for (const t of lost) t.state = 'FAILED';
        this.failJob(job, `worker ${workerId} at ${lost[0]!.address} was lost (${reason}); its tasks failed`);
      }
    }
  }

  private transition(job: LiveJob, to: JobState, message: string): void {
    const from = job.record.state;
    if (!isLegalJobTransition(from, to)) {
      this.deps.logger.error({ jobId: job.record.id, from, to }, 'illegal job transition ignored');
      return;
    }
    this.forceState(job, to, message);
  }

  private forceState(job: LiveJob, to: JobState, message?: string): void {
    job.record.state = to;
    if (message !== undefined) job.record.statusMessage = message;
    this.persistLater(job);
  }

  private persistLater(job: LiveJob): void {
    job.persisting = job.persisting
      .then(() => this.persist(job))
      .catch((err: unknown) => this.deps.logger.error({ jobId: job.record.id, err: describeError(err) }, 'persisting job failed'));
  }

  private persist(job: LiveJob): Promise<void> {
    return this.deps.store.put(keys.job(job.record.id), JSON.stringify(job.record));
  }

  private pruneTerminal(): void {
    const terminal = this.list().filter((r) => isTerminalJobState(r.state));
    for (const r of terminal.slice(RETAINED_TERMINAL_JOBS)) {
      this.jobs.delete(r.id);
      // A pruned FAILED job takes its retained checkpoint with it.
      const dir = path.join(this.deps.checkpointDir, r.id);
      deleteAllCheckpoints(this.deps.store, r.id, dir)
        .then(() => this.deps.store.delete(keys.job(r.id)))
        .catch((err: unknown) => this.deps.logger.warn({ jobId: r.id, err: describeError(err) }, 'pruning an ended job failed'));
    }
  }
}
