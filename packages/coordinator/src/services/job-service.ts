/**
 * The client-facing gRPC API (Flink: the Dispatcher's REST API): upload, submit, list, status,
 * cancel, collected results and registered workers.
 */
import {
  describeError,
  invalidArgument,
  unavailable,
  grpc,
  type ArtifactChunk__Output,
  type ArtifactRef,
  type JobServiceHandlers,
  type JobStatus,
  type Logger,
} from '@eddy/common';
import type { ArtifactStore, ArtifactUpload } from '../artifacts/artifact-store.js';
import type { JobManager } from '../jobs/job-manager.js';
import { jobParallelism, type JobRecord, type TaskExecution } from '../jobs/job-record.js';
import type { WorkerRegistry } from '../resources/worker-registry.js';
import { unary } from './handlers.js';

function requireJobId(id: string): string {
  if (typeof id !== 'string' || id.trim() === '') throw invalidArgument('a job id is required');
  return id.trim();
}

/** Renders a job as the JobStatus message. */
export function toJobStatus(record: JobRecord, tasks: readonly TaskExecution[]): JobStatus {
  const g = record.jobGraph;
  const vertexOf = new Map<number, string>();
  for (const v of g.vertices) for (const n of v.nodeIds) vertexOf.set(n, v.id);
  const sums = new Map<string, { recordsIn: number; recordsOut: number; lateRecordsDropped: number }>();
  for (const t of tasks) {
    for (const [op, m] of t.metrics) {
      const s = sums.get(op) ?? { recordsIn: 0, recordsOut: 0, lateRecordsDropped: 0 };
      s.recordsIn += m.recordsIn;
      s.recordsOut += m.recordsOut;
      s.lateRecordsDropped += m.lateRecordsDropped;
      sums.set(op, s);
    }
  }
  return {
    id: record.id,
    name: record.name,
    state: record.state,
    parallelism: jobParallelism(g),
    maxParallelism: g.maxParallelism,
    failure: record.failure,
    statusMessage: record.statusMessage,
    startTime: record.startTime,
    endTime: record.endTime,
    restarts: record.restarts,
    lastCheckpointId: record.lastCheckpointId,
    lastCheckpointTime: record.lastCheckpointTime,
    lastFailure: record.lastFailure,
    operators: g.streamGraph.nodes.map((n) => ({
      id: String(n.id),
      name: n.name,
      uid: n.uid ?? '',
      vertexId: vertexOf.get(n.id) ?? '',
      parallelism: n.parallelism,
      recordsIn: sums.get(String(n.id))?.recordsIn ?? 0,
      recordsOut: sums.get(String(n.id))?.recordsOut ?? 0,
      lateRecordsDropped: sums.get(String(n.id))?.lateRecordsDropped ?? 0,
    })),
    tasks: tasks.map((t) => ({ vertexId: t.vertexId, subtask: t.subtask, state: t.state, workerId: t.workerId })),
  };
}

/** Builds the JobService handlers. */
export function jobServiceHandlers(deps: {
  jobs: JobManager;
  artifacts: ArtifactStore;
  registry: WorkerRegistry;
  logger: Logger;
}): JobServiceHandlers {
  const { jobs, artifacts, registry, logger } = deps;
  return {
    UploadArtifact(call: grpc.ServerReadableStream<ArtifactChunk__Output, ArtifactRef>, callback) {
      let upload: ArtifactUpload | undefined;
      let failed = false;
      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        const e = err as { code?: number; message?: string };
        callback({
          code: typeof e.code === 'number' ? e.code : grpc.status.INTERNAL,
          details: e.message ?? String(err),
          name: 'Error',
          message: e.message ?? String(err),
        });
      };
      call.on('data', (chunk: ArtifactChunk__Output) => {
        if (failed) return;
        try {
          upload ??= artifacts.beginUpload(chunk.sha256, chunk.totalSize);
          upload.append(chunk.data);
        } catch (err) {
          fail(err);
        }
      });
      call.on('error', (err) => logger.debug({ err: describeError(err) }, 'artifact upload aborted by client'));
      call.on('end', () => {
        if (failed) return;
        try {
          if (!upload) throw invalidArgument('artifact upload carried no data');
          const ref = upload.finish();
          logger.info({ sha256: ref.sha256, size: ref.size }, 'artifact stored');
          callback(null, ref);
        } catch (err) {
          fail(err);
        }
      });
    },
    SubmitJob: unary(logger, 'SubmitJob', async (req) => {
      if (!req.artifactSha256) throw invalidArgument('artifactSha256 is required: upload the artifact first');
      // Too few slots is a wait (the job says so in SCHEDULED); no worker at all is a setup error.
      if (registry.all().length === 0)
        throw unavailable(
          'no worker is registered with this coordinator, so the job was not submitted: start one with `eddy worker --coordinator <host:port>`',
        );
      const jobId = await jobs.submit({
        artifactSha256: req.artifactSha256,
        args: req.args ?? [],
        parallelism: req.parallelism ?? 0,
        name: req.name ?? '',
      });
      return { jobId };
    }),
    ListJobs: unary(logger, 'ListJobs', () => ({
      jobs: jobs.list().map((r) => ({
        id: r.id,
        name: r.name,
        state: r.state,
        parallelism: jobParallelism(r.jobGraph),
        startTime: r.startTime,
        endTime: r.endTime,
      })),
    })),
    GetJobStatus: unary(logger, 'GetJobStatus', (req) => {
      const { record, tasks } = jobs.get(requireJobId(req.jobId ?? ''));
      return toJobStatus(record, tasks);
    }),
    CancelJob: unary(logger, 'CancelJob', async (req) => {
      const id = requireJobId(req.jobId ?? '');
      await jobs.cancel(id);
      const { record, tasks } = jobs.get(id);
      return toJobStatus(record, tasks);
    }),
    ListCheckpoints: unary(logger, 'ListCheckpoints', (req) => ({
      checkpoints: jobs.listCheckpoints(requireJobId(req.jobId ?? '')).map((c) => ({
        id: c.checkpointId,
        timestamp: c.timestamp,
        completedAt: c.completedAt,
        durationMs: c.durationMs,
        size: c.incrementalSize,
        fullSize: c.fullSize,
        savepoint: c.savepoint,
      })),
    })),
    FetchCollected: unary(logger, 'FetchCollected', (req) => ({
      records: jobs.getCollected(requireJobId(req.jobId ?? ''), req.sinkName ?? ''),
    })),
    ListWorkers: unary(logger, 'ListWorkers', () => {
      const now = Date.now();
      return {
        workers: registry.all().map((w) => ({
          workerId: w.workerId,
          address: w.address,
          slots: w.slots,
          freeSlots: registry.freeSlots(w),
          pid: w.pid,
          lastHeartbeatMs: Math.max(0, now - w.lastHeartbeat),
        })),
      };
    }),
  };
}
