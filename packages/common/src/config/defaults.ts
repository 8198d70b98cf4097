/**
 * Every configuration default of Eddy, in one place. Each entry names the CLI flag that sets it
 * and the `EDDY_*` environment variable that sets it when the flag is absent (for pods).
 * Precedence: flag > environment variable > default.
 */

/** One documented setting. */
export interface Setting<T extends string | number | boolean> {
  /** Long CLI flag, without the leading dashes. */
  readonly flag: string;
  /** Environment variable read when the flag is absent. */
  readonly env: string;
  readonly default: T;
  readonly description: string;
}

const setting = <T extends string | number | boolean>(
  flag: string,
  env: string,
  def: T,
  description: string,
): Setting<T> => ({ flag, env, default: def, description });

/** All settings, grouped by the process that reads them. */
export const SETTINGS = {
  coordinatorHost: setting('host', 'EDDY_HOST', '127.0.0.1', 'Address the coordinator binds and advertises.'),
  coordinatorPort: setting('port', 'EDDY_PORT', 6123, 'gRPC port of the coordinator (Flink: jobmanager.rpc.port).'),
  etcd: setting(
    'etcd',
    'EDDY_ETCD',
    '',
    'Comma-separated etcd endpoints. Coordinator: the metadata store (empty selects the embedded file-backed store). Worker: where it keeps its liveness lease (empty: none).',
  ),
  dataDir: setting('data-dir', 'EDDY_DATA_DIR', '.eddy', 'Directory for artifacts, the embedded metadata store and local state.'),
  checkpointDir: setting(
    'checkpoint-dir',
    'EDDY_CHECKPOINT_DIR',
    '',
    'Shared checkpoint directory. Empty means <data-dir>/checkpoints.',
  ),
  retainedCheckpoints: setting(
    'checkpoints-retained',
    'EDDY_CHECKPOINTS_RETAINED',
    3,
    'Completed checkpoints kept per running job; older ones are deleted (Flink: state.checkpoints.num-retained).',
  ),
  coordinatorAddress: setting(
    'coordinator',
    'EDDY_COORDINATOR',
    '127.0.0.1:6123',
    'host:port of the coordinator, for workers and clients.',
  ),
  workerSlots: setting('slots', 'EDDY_SLOTS', 4, 'Task slots a worker offers (Flink: taskmanager.numberOfTaskSlots).'),
  workerHost: setting('host', 'EDDY_HOST', '127.0.0.1', 'Address the worker binds and advertises to peers.'),
  workerPort: setting('port', 'EDDY_PORT', 0, 'gRPC port of the worker; 0 picks a free port.'),
  stateCacheBytes: setting(
    'state-cache-bytes',
    'EDDY_STATE_CACHE_BYTES',
    256 * 1024 * 1024,
    'Bytes of keyed state each keyed operator instance keeps in memory above RocksDB (write-behind object cache).',
  ),
  localWorkers: setting('workers', 'EDDY_WORKERS', 2, 'Worker processes started by `eddy local`.'),
  parallelism: setting('parallelism', 'EDDY_PARALLELISM', 0, 'Job parallelism override; 0 keeps the job\'s own.'),
  jobEvaluationTimeout: setting(
    'job-evaluation-timeout',
    'EDDY_JOB_EVALUATION_TIMEOUT_MS',
    20_000,
    'Milliseconds the coordinator allows a job file to build its graph before rejecting it.',
  ),
  logLevel: setting('log-level', 'EDDY_LOG_LEVEL', 'info', 'pino log level: trace, debug, info, warn, error, fatal, silent.'),
  logFormat: setting('log-format', 'EDDY_LOG_FORMAT', 'json', 'json (default) or pretty (readable in a terminal).'),
} as const;

/** Runtime tuning without CLI flags; the values are documented where they are used. */
export const RUNTIME_DEFAULTS = {
  /** Flink's default max parallelism for new jobs is 128. */
  maxParallelism: 128,
  /** Upper bound Flink places on max parallelism (2^15). */
  upperBoundMaxParallelism: 32768,
  /** Default job parallelism when neither the job nor the submission sets one. */
  parallelism: 1,
  /** A network buffer is flushed when it reaches this size. */
  bufferSizeBytes: 32 * 1024,
  /** ...or after this many milliseconds (Flink: execution.buffer-timeout, 100 ms there). */
  bufferTimeoutMs: 5,
  /** Credits (buffers) a consumer grants per input channel: bounds in-flight memory per channel. */
  creditsPerChannel: 4,
  /** Buffers a producer keeps queued per subpartition before it stops producing (backpressure). */
  maxQueuedBuffersPerSubpartition: 4,
  /** Records per local (same-worker) batch before it is handed over. */
  localBatchRecords: 1024,
  /** Interval at which workers heartbeat to the coordinator. */
  heartbeatIntervalMs: 500,
  /** A worker missing heartbeats this long is considered lost. */
  heartbeatTimeoutMs: 2000,
  /** Largest accepted job artifact. */
  maxArtifactBytes: 64 * 1024 * 1024,
  /** Chunk size for artifact upload and download. */
  artifactChunkBytes: 1024 * 1024,
  /** How long a subscription waits for its producer task to be deployed. */
  partitionRequestTimeoutMs: 30_000,
  /** Cap on records a CollectSink may hand the coordinator per job (it holds them in memory). */
  maxCollectedRecords: 5_000_000,
} as const;

/**
 * Resolves a setting: the flag value when given, else the environment variable, else the default.
 * Numbers and booleans are parsed from strings.
 * @throws Error when the flag or variable does not parse as the setting's type.
 */
export function resolveSetting<T extends string | number | boolean>(
  s: Setting<T>,
  flagValue: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const raw = flagValue ?? env[s.env];
  if (raw === undefined || raw === '') return s.default;
  if (typeof s.default === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`--${s.flag} (or ${s.env}) must be a number, got '${raw}'`);
    return n as T;
  }
  if (typeof s.default === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new Error(`--${s.flag} (or ${s.env}) must be true or false, got '${raw}'`);
    return (raw === 'true') as T;
  }
  return raw as T;
}

/**
 * Node.js flags a worker process should run with (`eddy local` and the benchmarks pass them; the
 * Kubernetes manifest sets them through `NODE_OPTIONS`). 64 MiB semi-spaces instead of V8's
 * 16 MiB: values captured for a checkpoint live across a scavenge or two, and with the default
 * young generation they are copied and promoted, which cost 10–30% of the checkpointed keyed
 * count's throughput. It costs up to 96 MiB more heap per worker.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
