/**
 * The metadata store: where the coordinator keeps job records, and later checkpoint metadata
 * and leader election. Two implementations share this interface: etcd (production, key prefix
 * `/eddy`) and an embedded file-backed store (the default, so a demo needs nothing but Node).
 *
 * Keys are absolute strings that start with `/eddy/`, e.g. `/eddy/jobs/<jobId>`. Values are
 * UTF-8 strings (JSON by convention).
 */
export interface MetadataStore {
  /** Value of `key`, or `undefined` when absent. */
  get(key: string): Promise<string | undefined>;
  /** Creates or replaces `key`. Durable when the promise resolves. */
  put(key: string, value: string): Promise<void>;
  /** Deletes `key`; resolves `true` when it existed. */
  delete(key: string): Promise<boolean>;
  /** Every key/value whose key starts with `prefix`, sorted by key (byte order). */
  list(prefix: string): Promise<Array<{ key: string; value: string }>>;
  /** Deletes every key starting with `prefix`; resolves how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
  /** Releases connections and file handles. Idempotent. */
  close(): Promise<void>;
}

/** Root of every key Eddy writes. */
export const KEY_ROOT = '/eddy';

/** Key layout, in one place so that `etcdctl get --prefix` users can rely on it. */
export const keys = {
  job: (jobId: string): string => `${KEY_ROOT}/jobs/${jobId}`,
  jobsPrefix: (): string => `${KEY_ROOT}/jobs/`,
  /** Everything belonging to one job (its record and, later, its checkpoints). */
  jobPrefix: (jobId: string): string => `${KEY_ROOT}/jobs/${jobId}/`,
  checkpoint: (jobId: string, checkpointId: number): string => `${KEY_ROOT}/jobs/${jobId}/checkpoints/${checkpointId}`,
  checkpointsPrefix: (jobId: string): string => `${KEY_ROOT}/jobs/${jobId}/checkpoints/`,
};
