/**
 * A worker process (Flink: TaskExecutor): registers with the coordinator, heartbeats, accepts
 * task deployments, runs tasks on its one event loop and serves its result partitions to other
 * workers.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CHANNEL_OPTIONS,
  RUNTIME_DEFAULTS,
  SETTINGS,
  bindServer,
  createServer,
  describeError,
  grpc,
  invalidArgument,
  proto,
  resolveSetting,
  shutdownServer,
  startWorkerLease,
  type Fence__Output,
  type Logger,
  type ResourceManagerClient,
  type TaskExecutorHandlers,
  type TaskState,
  type WorkerSessionEvent__Output,
  type JobGraph,
} from '@eddy/common';
import { exchangeHandlers } from './network/exchange-server.js';
import { ExchangeClients } from './network/input-channel.js';
import { PartitionRegistry } from './network/partition-registry.js';
import { ArtifactCache } from './runtime/artifact-cache.js';
import { buildJobOnWorker, type BuiltJob } from './runtime/built-job.js';
import { StreamTask } from './task/stream-task.js';
import type { OperatorCounters, TaskIdentity, TaskServices } from './task/task-services.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** `host:port` of the coordinator. */
  readonly coordinator: string;
  /** Task slots offered. */
  readonly slots: number;
  readonly dataDir: string;
  /** Address to bind and advertise to the coordinator and other workers. */
  readonly host: string;
  /** gRPC port; 0 picks a free one. */
  readonly port: number;
  readonly logger: Logger;
  /**
   * Object-cache bound of each keyed operator instance's state backend, in bytes. Default: the
   * `state-cache-bytes` setting (`EDDY_STATE_CACHE_BYTES`, 256 MiB).
   */
  readonly stateCacheBytes?: number;
  /**
   * etcd endpoints (comma-separated). When set, the worker keeps `/eddy/workers/<workerId>` alive
   * under a 2 s lease, so the coordinator notices its loss through etcd too. Default: none.
   */
  readonly etcd?: string;
}

/** A running worker. */
export interface WorkerHandle {
  readonly workerId: string;
  /** `host:port` of this worker's gRPC server. */
  readonly address: string;
  /** Cancels tasks, deregisters and stops serving. Idempotent. */
  close(): Promise<void>;
  /** Resolves once the worker has shut down. */
  readonly closed: Promise<void>;
}

function taskKey(jobId: string, attempt: number, vertexId: string, subtask: number): string {
  return `${jobId}/${attempt}/${vertexId}/${subtask}`;
}

/**
 * Starts a worker and registers it with the coordinator (retrying until it is reachable).
 * @throws Error when the port cannot be bound or the options are invalid.
 */
export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  if (!Number.isInteger(opts.slots) || opts.slots < 1) throw new Error(`slots must be a positive integer, got ${opts.slots}`);
  const stateCacheBytes = opts.stateCacheBytes ?? resolveSetting(SETTINGS.stateCacheBytes, undefined);
  if (!Number.isSafeInteger(stateCacheBytes) || stateCacheBytes < 1 << 20)
    throw new Error(`the state cache must be an integer of at least 1048576 bytes, got ${stateCacheBytes}`);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const workerId = `worker-${randomBytes(4).toString('hex')}`;
  const logger = opts.logger.child({ workerId });
  const partitions = new PartitionRegistry();
  const exchangeClients = new ExchangeClients();
  const tasks = new Map<string, StreamTask>();
  /** Artifact file per job attempt; the job function itself is evaluated per task (see loadJob). */
  const jobArtifacts = new Map<string, Promise<string>>();
  let generation = 0;
  let closing = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });

  const rm: ResourceManagerClient = new proto.ResourceManager(
    opts.coordinator,
    grpc.credentials.createInsecure(),
    CHANNEL_OPTIONS,
  );
  const artifacts = new ArtifactCache(opts.dataDir, () => rm);

  const stateReports = new Map<string, Promise<void>>();
  /**
   * Sends a task's reports to the coordinator one after the other, in the order the task made
   * them: its RUNNING report, say, arrives before its end of input.
   */
  const sendInOrder = (task: TaskIdentity, send: () => Promise<void>): void => {
    const key = taskKey(task.fence.jobId, task.fence.attempt, task.vertexId, task.subtask);
    const prev = stateReports.get(key) ?? Promise.resolve();
    const next = prev.then(send);
    stateReports.set(key, next);
    void next.then(() => {
      if (stateReports.get(key) === next) stateReports.delete(key);
    });
  };
  // Fault injection for recovery tests: die like kill -9 once a task wrote state files for this
  // checkpoint and before it acknowledges them.
  const crashBeforeAck = Number(process.env.EDDY_TEST_CRASH_BEFORE_ACK ?? 0);
  const services: TaskServices = {
    workerId,
    partitions,
    exchangeClients,
    logger,
    localStateRoot: path.join(opts.dataDir, 'state', workerId),
    keyedState: { cacheBytes: stateCacheBytes },
    reportState(task: TaskIdentity, state: TaskState, failure: string, metrics: OperatorCounters[]) {
      sendInOrder(
        task,
        () =>
          new Promise((resolve) => {
            rm.updateTaskExecutionState(
              { fence: task.fence, vertexId: task.vertexId, subtask: task.subtask, state, failure, workerId, operators: metrics },
              { deadline: Date.now() + 10_000 },
              (err) => {
                if (err) logger.warn({ err: err.message, state }, 'reporting task state failed');
                resolve();
              },
            );
          }),
      );
    },
    notifyEndOfData(task, lastCheckpointId) {
      sendInOrder(
        task,
        () =>
          new Promise((resolve) => {
            rm.notifyEndOfData(
              { fence: task.fence, vertexId: task.vertexId, subtask: task.subtask, lastCheckpointId },
              { deadline: Date.now() + 10_000 },
              (err) => {
                // Only costs time: the periodic trigger still takes the final checkpoint.
                if (err) logger.warn({ err: err.message }, 'reporting the end of input failed');
                resolve();
              },
            );
          }),
      );
    },
    pushCollected(fence: Fence__Output, sinkName: string, subtask: number, records: string[]) {
      return new Promise((resolve, reject) => {
        rm.pushCollected({ fence, sinkName, subtask, records }, { deadline: Date.now() + 30_000 }, (err) =>
          err ? reject(new Error(err.details || err.message)) : resolve(),
        );
      });
    },
    writeStdout(text: string) {
      process.stdout.write(text);
    },
    acknowledgeCheckpoint(task, checkpointId, snapshot) {
      if (checkpointId === crashBeforeAck && snapshot.incrementalSize > 0) {
        logger.warn({ checkpointId }, 'EDDY_TEST_CRASH_BEFORE_ACK: killing this worker before the acknowledgement');
        process.kill(process.pid, 'SIGKILL');
      }
      rm.acknowledgeCheckpoint(
        { fence: task.fence, vertexId: task.vertexId, subtask: task.subtask, checkpointId, snapshotJson: JSON.stringify(snapshot) },
        { deadline: Date.now() + 10_000 },
        (err) => {
          // A lost ack only makes the checkpoint expire; the next one starts over.
          if (err) logger.warn({ checkpointId, err: err.message }, 'acknowledging checkpoint failed');
        },
      );
    },
    declineCheckpoint(task, checkpointId, reason, subsumed) {
      rm.declineCheckpoint(
        { fence: task.fence, vertexId: task.vertexId, subtask: task.subtask, checkpointId, reason, subsumed },
        { deadline: Date.now() + 10_000 },
        (err) => {
          if (err) logger.warn({ checkpointId, err: err.message }, 'declining checkpoint failed');
        },
      );
    },
  };

  const loadJob = (fence: Fence__Output, sha: string, args: string[], parallelism: number, graph: JobGraph): Promise<BuiltJob> => {
    const key = `${fence.jobId}/${fence.attempt}`;
    let file = jobArtifacts.get(key);
    if (!file) {
      file = artifacts.fetch(sha);
      jobArtifacts.set(key, file);
    }
    // Built per task, as Flink deserializes user functions per task: every subtask gets its own
    // function objects, so a rich function's fields (state handles taken in open) are never shared.
    return file.then((f) => buildJobOnWorker(f, args, parallelism, graph));
  };

  const handlers: TaskExecutorHandlers = {
    SubmitTask(call, callback) {
      const tdd = call.request;
      const fence = tdd.fence;
      if (!fence?.jobId) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'a fence with a job id is required' });
        return;
      }
      if (fence.generation < generation) {
        callback({ code: grpc.status.FAILED_PRECONDITION, details: `stale coordinator generation ${fence.generation}` });
        return;
      }
      let graph: JobGraph;
      try {
        graph = JSON.parse(tdd.jobGraphJson) as JobGraph;
        if (!Array.isArray(graph.vertices)) throw invalidArgument('jobGraphJson has no vertices');
      } catch (err) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: `malformed job graph: ${describeError(err)}` });
        return;
      }
      const key = taskKey(fence.jobId, fence.attempt, tdd.vertexId, tdd.subtask);
      if (tasks.has(key)) {
        callback({ code: grpc.status.ALREADY_EXISTS, details: `task ${key} is already deployed` });
        return;
      }
      callback(null, {});
      const identity: TaskIdentity = { fence, vertexId: tdd.vertexId, subtask: tdd.subtask };
      loadJob(fence, tdd.artifactSha256, tdd.args, tdd.parallelismOverride, graph).then(
        (built) => {
          if (closing) return;
          const task = new StreamTask(services, tdd, built);
          tasks.set(key, task);
          void task.terminated.then(() => tasks.delete(key));
          task.start();
        },
        (err: unknown) => {
          logger.warn({ jobId: fence.jobId, err: describeError(err) }, 'could not prepare job');
          services.reportState(identity, 'FAILED', describeError(err), []);
        },
      );
    },
    CancelTask(call, callback) {
      const r = call.request;
      if (r.fence) tasks.get(taskKey(r.fence.jobId, r.fence.attempt, r.vertexId, r.subtask))?.cancel();
      callback(null, {});
    },
    TriggerCheckpoint(call, callback) {
      const r = call.request;
      const task = r.fence ? tasks.get(taskKey(r.fence.jobId, r.fence.attempt, r.vertexId, r.subtask)) : undefined;
      if (!task) {
        callback({ code: grpc.status.NOT_FOUND, details: `no running task ${r.vertexId}#${r.subtask} of that job attempt` });
        return;
      }
      const problem = task.triggerCheckpoint(Number(r.checkpointId), Number(r.timestamp), r.savepoint);
      if (problem) callback({ code: grpc.status.FAILED_PRECONDITION, details: problem });
      else callback(null, {});
    },
    NotifyCheckpoint(call, callback) {
      const r = call.request;
      if (r.fence) {
        const prefix = `${r.fence.jobId}/${r.fence.attempt}/`;
        for (const [key, t] of tasks) if (key.startsWith(prefix)) t.notifyCheckpoint(Number(r.checkpointId), r.completed);
      }
      callback(null, {});
    },
    ReleaseJob(call, callback) {
      const f = call.request.fence;
      if (f) {
        // Releases the fence's attempt and older ones: a restart releases the failed attempt while
        // the next one may already be deploying here.
        const released = (key: string): boolean => {
          const [jobId, attempt] = key.split('/');
          return jobId === f.jobId && Number(attempt) <= f.attempt;
        };
        for (const [key, t] of tasks) if (released(key)) t.cancel();
        for (const key of jobArtifacts.keys()) if (released(key)) jobArtifacts.delete(key);
        partitions.cancelWaiters(f.jobId, f.attempt, new Error('job released'));
      }
      callback(null, {});
    },
  };

  const server = createServer();
  server.addService(proto.TaskExecutor.service, handlers);
  server.addService(proto.Exchange.service, exchangeHandlers(partitions, logger));
  const port = await bindServer(server, opts.host, opts.port);
  const address = `${opts.host}:${port}`;
  const lease = opts.etcd ? startWorkerLease(opts.etcd, { workerId, address, pid: process.pid, slots: opts.slots }, logger) : undefined;

  // --- registration and heartbeats -------------------------------------------------------
  let session: grpc.ClientReadableStream<WorkerSessionEvent__Output> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let backoff = 100;

  const cancelAllTasks = (why: string): void => {
    if (tasks.size > 0) logger.warn({ tasks: tasks.size, why }, 'canceling all tasks');
    for (const t of tasks.values()) t.cancel();
  };

  const scheduleReconnect = (): void => {
    if (closing || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect();
    }, backoff);
    backoff = Math.min(backoff * 2, 2000);
  };

  const sendHeartbeat = (): void => {
    const taskMetrics = [...tasks.values()].map((t) => ({
      fence: t.identity.fence,
      vertexId: t.identity.vertexId,
      subtask: t.identity.subtask,
      operators: t.metrics(),
    }));
    rm.heartbeat({ workerId, tasks: taskMetrics }, { deadline: Date.now() + RUNTIME_DEFAULTS.heartbeatTimeoutMs }, (err, res) => {
      if (err || closing) return;
      if (res && !res.known) {
        logger.warn('coordinator does not know this worker; registering again');
        session?.cancel();
      }
    });
  };

  const connect = (): void => {
    if (closing) return;
    const s = rm.registerWorker({ workerId, address, slots: opts.slots, pid: process.pid });
    session = s;
    let lost = false;
    const onLost = (why: string): void => {
      if (lost || session !== s) return;
      lost = true;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      if (!closing) {
        logger.warn({ why }, 'lost the coordinator; retrying');
        cancelAllTasks('lost the coordinator');
      }
      scheduleReconnect();
    };
    s.on('data', (ev: WorkerSessionEvent__Output) => {
      if (ev.registered) {
        generation = Math.max(generation, ev.registered.generation);
        backoff = 100;
        logger.info({ address, coordinator: opts.coordinator, generation }, 'registered with coordinator');
        if (heartbeat) clearInterval(heartbeat);
        heartbeat = setInterval(sendHeartbeat, ev.registered.heartbeatIntervalMs || RUNTIME_DEFAULTS.heartbeatIntervalMs);
      }
    });
    s.on('error', (err) => onLost(err.message));
    s.on('end', () => onLost('session ended'));
  };
  connect();

  logger.info({ address, slots: opts.slots }, 'worker started');

  return {
    workerId,
    address,
    closed,
    async close() {
      if (closing) return;
      closing = true;
      if (retry) clearTimeout(retry);
      if (heartbeat) clearInterval(heartbeat);
      cancelAllTasks('worker shutting down');
      await Promise.race([
        Promise.all([...tasks.values()].map((t) => t.terminated)),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
      await Promise.race([Promise.all(stateReports.values()), new Promise((r) => setTimeout(r, 1000))]);
      session?.cancel();
      await lease?.stop();
      await shutdownServer(server, 1000);
      exchangeClients.close();
      rm.close();
      logger.info('worker stopped');
      resolveClosed();
    },
  };
}
