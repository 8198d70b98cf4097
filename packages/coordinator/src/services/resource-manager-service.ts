/**
 * The worker-facing gRPC API (Flink: ResourceManager and JobMaster gateways): registration with
 * liveness by stream, heartbeats with metrics, task state reports, checkpoint acknowledgements,
 * declines and sources' end of input, artifact download and the CollectSink's record hand-over.
 */
import * as fs from 'node:fs';
import {
  RUNTIME_DEFAULTS,
  describeError,
  invalidArgument,
  parseTaskState,
  grpc,
  type ArtifactChunk,
  type ArtifactRef__Output,
  type Logger,
  type RegisterWorkerRequest__Output,
  type ResourceManagerHandlers,
  type TaskStateSnapshot,
  type WorkerSessionEvent,
} from '@eddy/common';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { WorkerRegistry } from '../resources/worker-registry.js';
import { unary } from './handlers.js';

const ADDRESS = /^[\w.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

/** Builds the ResourceManager handlers. */
export function resourceManagerHandlers(deps: {
  jobs: JobManager;
  artifacts: ArtifactStore;
  registry: WorkerRegistry;
  logger: Logger;
  generation: number;
}): ResourceManagerHandlers {
  const { jobs, artifacts, registry, logger, generation } = deps;
  return {
    RegisterWorker(call: grpc.ServerWritableStream<RegisterWorkerRequest__Output, WorkerSessionEvent>) {
      const req = call.request;
      const problem = !req.workerId
        ? 'workerId is required'
        : !ADDRESS.test(req.address)
          ? `address must be host:port, got '${req.address}'`
          : !Number.isInteger(req.slots) || req.slots < 1 || req.slots > 1024
            ? `slots must be an integer in [1, 1024], got ${req.slots}`
            : undefined;
      if (problem) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: problem });
        return;
      }
      const worker = registry.register({ workerId: req.workerId, address: req.address, slots: req.slots, pid: req.pid });
      logger.info({ workerId: req.workerId, address: req.address, slots: req.slots }, 'worker registered');
      let gone = false;
      const onGone = (reason: string): void => {
        registry.off('worker-lost', onLost);
        if (gone) return;
        gone = true;
        // Only the registration this stream belongs to may be removed (a re-registration replaces it).
        if (registry.get(req.workerId) === worker) registry.lose(req.workerId, reason);
      };
      // Lost by another signal (heartbeats, etcd lease): end the session so the worker notices,
      // cancels its tasks and registers again rather than running tasks nobody tracks.
      const onLost = (workerId: string): void => {
        if (workerId !== req.workerId || gone || registry.get(req.workerId) !== undefined) return;
        gone = true;
        registry.off('worker-lost', onLost);
        call.end();
      };
      registry.on('worker-lost', onLost);
      call.on('cancelled', () => onGone('connection closed'));
      call.on('error', () => onGone('connection failed'));
      call.on('close', () => onGone('connection closed'));
      call.write({ registered: { generation, heartbeatIntervalMs: RUNTIME_DEFAULTS.heartbeatIntervalMs } });
    },
    Heartbeat: unary(logger, 'Heartbeat', (req) => {
      const known = registry.heartbeat(req.workerId);
      if (known) {
        for (const t of req.tasks) {
          if (t.fence) jobs.onTaskMetrics(t.fence, t.vertexId, t.subtask, t.operators);
        }
      }
      return { known };
    }),
    UpdateTaskExecutionState: unary(logger, 'UpdateTaskExecutionState', (req) => {
      const state = parseTaskState(req.state);
      if (!state) throw invalidArgument(`unknown task state '${req.state}'`);
      if (!req.fence) throw invalidArgument('fence is required');
      jobs.onTaskState({
        fence: req.fence,
        vertexId: req.vertexId,
        subtask: req.subtask,
        state,
        failure: req.failure,
        operators: req.operators,
      });
      return {};
    }),
    DownloadArtifact(call: grpc.ServerWritableStream<ArtifactRef__Output, ArtifactChunk>) {
      let file: string;
      try {
        file = artifacts.require(call.request.sha256);
      } catch (err) {
        const e = err as { code?: number; message?: string };
        call.emit('error', { code: e.code ?? grpc.status.INTERNAL, details: e.message ?? String(err) });
        return;
      }
      const stream = fs.createReadStream(file, { highWaterMark: RUNTIME_DEFAULTS.artifactChunkBytes });
      stream.on('data', (data) => {
        if (!call.write({ data: Buffer.isBuffer(data) ? data : Buffer.from(data) })) {
          stream.pause();
          call.once('drain', () => stream.resume());
        }
      });
      stream.on('end', () => call.end());
      stream.on('error', (err) => call.emit('error', { code: grpc.status.INTERNAL, details: `reading artifact: ${err.message}` }));
      call.on('cancelled', () => stream.destroy());
    },
    AcknowledgeCheckpoint: unary(logger, 'AcknowledgeCheckpoint', (req) => {
      if (!req.fence) throw invalidArgument('fence is required');
      let snapshot: TaskStateSnapshot;
      try {
        snapshot = JSON.parse(req.snapshotJson) as TaskStateSnapshot;
      } catch (err) {
        throw invalidArgument(`snapshotJson is not JSON: ${describeError(err)}`);
      }
      if (typeof snapshot !== 'object' || snapshot === null || typeof snapshot.operators !== 'object')
        throw invalidArgument('snapshotJson must be a task state snapshot with operators');
      jobs.onCheckpointAck(req.fence, req.vertexId, req.subtask, Number(req.checkpointId), snapshot);
      return {};
    }),
    DeclineCheckpoint: unary(logger, 'DeclineCheckpoint', (req) => {
      if (!req.fence) throw invalidArgument('fence is required');
      jobs.onCheckpointDecline(req.fence, req.vertexId, req.subtask, Number(req.checkpointId), req.reason, req.subsumed);
      return {};
    }),
    NotifyEndOfData: unary(logger, 'NotifyEndOfData', (req) => {
      if (!req.fence) throw invalidArgument('fence is required');
      jobs.onEndOfData(req.fence, req.vertexId, req.subtask, Number(req.lastCheckpointId));
      return {};
    }),
    PushCollected: unary(logger, 'PushCollected', (req) => {
      if (!req.fence) throw invalidArgument('fence is required');
      jobs.addCollected(req.fence, req.sinkName, req.records);
      return {};
    }),
  };
}
