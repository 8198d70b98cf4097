/**
 * Starting and stopping a coordinator process's services.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openMetadataStore } from '@eddy/common/metadata';
import {
  RUNTIME_DEFAULTS,
  SETTINGS,
  resolveSetting,
  bindServer,
  createServer,
  proto,
  shutdownServer,
  watchWorkerLiveness,
  type Logger,
  type MetadataStore,
} from '@eddy/common';
import { ArtifactStore } from './artifacts/artifact-store.js';
import { JobManager } from './jobs/job-manager.js';
import { TaskExecutorGateway } from './jobs/task-executor-gateway.js';
import { WorkerRegistry } from './resources/worker-registry.js';
import { jobServiceHandlers } from './services/job-service.js';
import { resourceManagerHandlers } from './services/resource-manager-service.js';

/** Options of {@link startCoordinator}. */
export interface CoordinatorOptions {
  /** Address to bind and advertise. */
  readonly host: string;
  /** gRPC port; 0 picks a free one. */
  readonly port: number;
  /** Comma-separated etcd endpoints; empty or undefined selects the embedded file-backed store. */
  readonly etcd?: string;
  /** Artifacts and the embedded metadata store live here. */
  readonly dataDir: string;
  /** Shared checkpoint directory; default `<dataDir>/checkpoints`. */
  readonly checkpointDir?: string;
  readonly logger: Logger;
  /** Limit for building a submitted job's graph; default from `EDDY_JOB_EVALUATION_TIMEOUT_MS` or 20 s. */
  readonly jobEvaluationTimeoutMs?: number;
  /** Completed checkpoints kept per running job; default from `EDDY_CHECKPOINTS_RETAINED` or 3. */
  readonly retainedCheckpoints?: number;
}

/** A running coordinator. */
export interface CoordinatorHandle {
  readonly port: number;
  /** `host:port` clients and workers connect to. */
  readonly address: string;
  /** Generation (leader epoch) of this coordinator instance. */
  readonly generation: number;
  /** Stops serving, closes the metadata store. Idempotent. */
  close(): Promise<void>;
}

const GENERATION_KEY = '/eddy/coordinator/generation';

async function nextGeneration(store: MetadataStore): Promise<number> {
  const current = Number((await store.get(GENERATION_KEY)) ?? '0');
  const next = (Number.isFinite(current) ? current : 0) + 1;
  await store.put(GENERATION_KEY, String(next));
  return next;
}

/**
 * Starts a coordinator: metadata store, artifact store, job manager and the gRPC services.
 * @throws Error when the metadata store is unreachable or the port cannot be bound.
 */
export async function startCoordinator(opts: CoordinatorOptions): Promise<CoordinatorHandle> {
  const logger = opts.logger;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const checkpointDir = path.resolve(opts.checkpointDir || path.join(opts.dataDir, 'checkpoints'));
  fs.mkdirSync(checkpointDir, { recursive: true });
  const store = await openMetadataStore({ etcd: opts.etcd, dataDir: opts.dataDir });
  let closed = false;
  try {
    const generation = await nextGeneration(store);
    const artifacts = new ArtifactStore(opts.dataDir);
    const registry = new WorkerRegistry();
    const gateway = new TaskExecutorGateway();
    const jobEvaluationTimeoutMs = opts.jobEvaluationTimeoutMs ?? resolveSetting(SETTINGS.jobEvaluationTimeout, undefined);
    const retainedCheckpoints = opts.retainedCheckpoints ?? resolveSetting(SETTINGS.retainedCheckpoints, undefined);
    if (!Number.isInteger(retainedCheckpoints) || retainedCheckpoints < 1)
      throw new Error(`the number of retained checkpoints must be a positive integer, got ${retainedCheckpoints}`);
    const jobs = new JobManager({
      store,
      artifacts,
      registry,
      gateway,
      logger,
      generation,
      jobEvaluationTimeoutMs,
      checkpointDir,
      retainedCheckpoints,
    });
    await jobs.recover();
    const server = createServer();
    server.addService(proto.JobService.service, jobServiceHandlers({ jobs, artifacts, registry, logger }));
    server.addService(
      proto.ResourceManager.service,
      resourceManagerHandlers({ jobs, artifacts, registry, logger, generation }),
    );
    const port = await bindServer(server, opts.host, opts.port);
    const heartbeatCheck = setInterval(() => {
      for (const id of registry.expired(Date.now(), RUNTIME_DEFAULTS.heartbeatTimeoutMs))
        registry.lose(id, `no heartbeat for ${RUNTIME_DEFAULTS.heartbeatTimeoutMs} ms`);
      // Checked at half the heartbeat interval, so a silent worker is dropped at most 250 ms late.
    }, RUNTIME_DEFAULTS.heartbeatIntervalMs / 2);
    // With etcd, a worker's expired lease is a third way to notice its loss (see worker-liveness.ts).
    const liveness = opts.etcd
      ? await watchWorkerLiveness(
          opts.etcd,
          (workerId) => {
            if (registry.get(workerId)) registry.lose(workerId, 'its etcd lease expired or was revoked');
          },
          logger,
        )
      : undefined;
    const address = `${opts.host}:${port}`;
    logger.info({ address, generation, store: opts.etcd ? 'etcd' : 'file' }, 'coordinator started');
    return {
      port,
      address,
      generation,
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeatCheck);
        await liveness?.close();
        jobs.close();
        await shutdownServer(server, 1000);
        gateway.close();
        await jobs.flush();
        await store.close();
        logger.info('coordinator stopped');
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
