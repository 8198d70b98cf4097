/**
 * Worker liveness in etcd: each worker keeps `/eddy/workers/<workerId>` alive under a short lease,
 * and the coordinator watches the prefix. A lease that expires (the worker died, froze, or lost
 * etcd) deletes the key, and the coordinator learns of it from the watch, independently of its
 * own connection to the worker and of heartbeats. Whichever of the three signals comes first
 * declares the worker lost. The keys also tell a future standby coordinator which workers live.
 */
import { Etcd3, type Lease, type Watcher } from 'etcd3';
import type { Logger } from '../logging.js';
import { KEY_ROOT } from './metadata-store.js';
import { normalizeEtcdEndpoints } from './etcd-metadata-store.js';

/** Prefix of the worker liveness keys. */
export const WORKERS_PREFIX = `${KEY_ROOT}/workers/`;

/** Time-to-live of a worker's lease in seconds: a dead worker's key is gone about this long after its last keep-alive. */
export const WORKER_LEASE_TTL_SECONDS = 2;

/** What a worker publishes under its key (JSON). */
export interface WorkerLivenessInfo {
  readonly workerId: string;
  readonly address: string;
  readonly pid: number;
  readonly slots: number;
}

/** The liveness key of a worker. */
export function workerLivenessKey(workerId: string): string {
  return `${WORKERS_PREFIX}${workerId}`;
}

/** A worker's lease, kept alive until {@link WorkerLease.stop}. */
export interface WorkerLease {
  /** Revokes the lease (the key disappears at once) and closes the client. Idempotent. */
  stop(): Promise<void>;
}

const RETRY_MS = 500;

/**
 * Puts the worker's key under a lease of {@link WORKER_LEASE_TTL_SECONDS} and keeps it alive. When
 * the lease is lost (etcd unreachable for longer than the TTL), a new one is granted and the key
 * put again, retrying every 500 ms, for as long as the worker runs.
 * @throws EddyError INVALID_ARGUMENT for malformed endpoints. etcd being unreachable is not an
 *   error here: the worker runs, and the key appears once etcd answers.
 */
export function startWorkerLease(endpoints: string, info: WorkerLivenessInfo, logger: Logger): WorkerLease {
  const client = new Etcd3({ hosts: normalizeEtcdEndpoints(endpoints), dialTimeout: 2_000 });
  const key = workerLivenessKey(info.workerId);
  let lease: Lease | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const grant = (): void => {
    if (stopped) return;
    const l = client.lease(WORKER_LEASE_TTL_SECONDS, { autoKeepAlive: true });
    lease = l;
    l.on('lost', (err) => {
      if (stopped || lease !== l) return;
      logger.warn({ err: err.message }, 'etcd lease of this worker lost; granting a new one');
      retry = setTimeout(grant, RETRY_MS);
    });
    l.put(key)
      .value(JSON.stringify(info))
      .exec()
      .catch((err: unknown) => {
        // The lease's 'lost' handler retries when the grant itself failed; a failed put on a
        // live lease needs its own retry.
        if (stopped || lease !== l || l.revoked()) return;
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'publishing worker liveness in etcd failed; retrying');
        l.release();
        retry = setTimeout(grant, RETRY_MS);
      });
  };
  grant();
  return {
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (retry) clearTimeout(retry);
      await lease?.revoke({ deadline: Date.now() + 1_000 }).catch(() => undefined);
      client.close();
    },
  };
}

/** A running watch of worker liveness keys. */
export interface WorkerLivenessWatch {
  /** Stops watching and closes the client. Idempotent. */
  close(): Promise<void>;
}

/**
 * Calls `onGone(workerId)` whenever a worker's liveness key is deleted: its lease expired or was
 * revoked. The etcd client re-establishes the watch after connection loss by itself.
 * @throws when etcd does not accept the watch.
 */
export async function watchWorkerLiveness(endpoints: string, onGone: (workerId: string) => void, logger: Logger): Promise<WorkerLivenessWatch> {
  const client = new Etcd3({ hosts: normalizeEtcdEndpoints(endpoints), dialTimeout: 2_000 });
  let watcher: Watcher;
  try {
    watcher = await client.watch().prefix(WORKERS_PREFIX).create();
  } catch (err) {
    client.close();
    throw err;
  }
  watcher.on('delete', (kv) => {
    const id = kv.key.toString().slice(WORKERS_PREFIX.length);
    if (id !== '') onGone(id);
  });
  watcher.on('error', (err) => logger.warn({ err: err.message }, 'watch of worker liveness keys failed; reconnecting'));
  let closed = false;
  return {
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await watcher.cancel().catch(() => undefined);
      client.close();
    },
  };
}
