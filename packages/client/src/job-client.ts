/**
 * The client side of the coordinator's JobService (Flink: RestClusterClient): upload, submit,
 * list, status, cancel, collected results, workers and checkpoints, each with a deadline, and
 * errors mapped to {@link RpcError}s whose messages say what to do.
 */
import * as path from 'node:path';
import {
  CHANNEL_OPTIONS,
  RUNTIME_DEFAULTS,
  SETTINGS,
  grpc,
  proto,
  type CheckpointInfo__Output,
  type FetchCollectedResponse__Output,
  type JobServiceClient,
  type JobStatus__Output,
  type JobSummary__Output,
  type ListCheckpointsResponse__Output,
  type ListJobsResponse__Output,
  type ListWorkersResponse__Output,
  type SubmitJobResponse__Output,
  type WorkerInfo__Output,
} from '@eddy/common';
import { bundleJob } from './bundle-job.js';

/** Job states after which a job never changes again. */
const TERMINAL_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'CANCELED']);

/** Whether `state` is terminal (FINISHED, FAILED or CANCELED). Unknown names are not terminal. */
export function isTerminalState(state: string): boolean {
  return TERMINAL_STATES.has(state);
}

/**
 * A failed JobService call. `code` is the gRPC status number, `codeName` its name (e.g.
 * `NOT_FOUND`), `details` the server's own text; `message` adds what the caller can do about it.
 */
export class RpcError extends Error {
  constructor(
    /** gRPC status (a `grpc.status` member). */
    readonly code: grpc.status,
    /** Name of the status, e.g. `UNAVAILABLE`. */
    readonly codeName: string,
    /** The server's (or the transport's) description, unmodified. */
    readonly details: string,
    /** The RPC that failed, e.g. `SubmitJob`. */
    readonly method: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RpcError';
  }
}

/** Name of a gRPC status number, e.g. 5 → `NOT_FOUND`; `UNKNOWN(<n>)` for numbers grpc-js does not know. */
export function statusName(code: number): string {
  return (grpc.status as unknown as Record<number, string | undefined>)[code] ?? `UNKNOWN(${code})`;
}

/**
 * Converts a grpc-js error into an {@link RpcError} with an actionable message. Errors without a
 * numeric `code` (bugs, not transport failures) are wrapped as `UNKNOWN`.
 */
export function toRpcError(err: unknown, method: string, address: string, timeoutMs: number): RpcError {
  const e = err as Partial<grpc.ServiceError> | undefined;
  const code: grpc.status = typeof e?.code === 'number' ? e.code : grpc.status.UNKNOWN;
  const details = typeof e?.details === 'string' && e.details !== '' ? e.details : err instanceof Error ? err.message : String(err);
  let message: string;
  switch (code) {
    case grpc.status.UNAVAILABLE:
      message = `cannot reach the coordinator at ${address} (is it running? set --coordinator or EDDY_COORDINATOR): ${details}`;
      break;
    case grpc.status.DEADLINE_EXCEEDED:
      message = `the coordinator at ${address} did not answer ${method} within ${timeoutMs} ms (is it overloaded or partitioned?)`;
      break;
    case grpc.status.UNIMPLEMENTED:
      message = `the server at ${address} does not implement ${method}: is it an Eddy coordinator of the same version? (${details})`;
      break;
    default:
      // INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION…: the server's text is written for people.
      message = details;
  }
  return new RpcError(code, statusName(code), details, method, message, { cause: err });
}

/** Options of {@link JobClient}. */
export interface JobClientOptions {
  /** Deadline of every RPC in milliseconds. Default 30 000. */
  readonly rpcTimeoutMs?: number;
}

/** What {@link JobClient.submit} sends. */
export interface SubmitOptions {
  /** sha256 (hex) of an artifact uploaded with {@link JobClient.uploadArtifact}. */
  readonly artifactSha256: string;
  /** Arguments handed to the job's main function. Default none. */
  readonly args?: readonly string[];
  /** Parallelism override; 0 or undefined keeps the job's own. */
  readonly parallelism?: number;
  /** Display name; empty or undefined keeps the job's own. */
  readonly name?: string;
}

/** What {@link JobClient.submitJobFile} sends besides the file. */
export type SubmitFileOptions = Omit<SubmitOptions, 'artifactSha256'>;

/** Options of the polling waits. */
export interface WaitOptions {
  /** Give up after this many milliseconds. Default 60 000. */
  readonly timeoutMs?: number;
  /** Poll interval in milliseconds. Default 100. */
  readonly pollMs?: number;
}

/** An operator of {@link JobStatusJson}. */
export interface OperatorStatusJson {
  readonly id: string;
  readonly name: string;
  /** User-given uid, or null when the operator has none. */
  readonly uid: string | null;
  readonly vertexId: string;
  readonly parallelism: number;
  /** Records received, summed over subtasks. */
  readonly recordsIn: number;
  /** Records emitted, summed over subtasks. */
  readonly recordsOut: number;
  /** Records dropped for being later than the allowed lateness, summed over subtasks (Flink: numLateRecordsDropped). */
  readonly lateRecordsDropped: number;
}

/** A subtask of {@link JobStatusJson}. */
export interface TaskStatusJson {
  readonly vertexId: string;
  readonly subtask: number;
  readonly state: string;
  /** Worker the subtask is deployed to, or null when not deployed. */
  readonly workerId: string | null;
}

/** A job's status as plain JSON (what `eddy status --json` prints). Absent values are null. */
export interface JobStatusJson {
  readonly id: string;
  readonly name: string;
  /** One of CREATED, SCHEDULED, RUNNING, FINISHED, FAILED, CANCELING, CANCELED, RESTARTING. */
  readonly state: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Root cause of a failure, or null. */
  readonly failure: string | null;
  /** Why the job is in its state (e.g. waiting for slots), or null. */
  readonly statusMessage: string | null;
  /** Epoch milliseconds, or null when not started. */
  readonly startTime: number | null;
  /** Epoch milliseconds, or null while the job is not terminal. */
  readonly endTime: number | null;
  /** Restarts since submission. */
  readonly restarts: number;
  /** The latest completed checkpoint, or null when none completed. */
  readonly lastCheckpoint: { readonly id: number; readonly time: number } | null;
  /** Cause of the most recent failure, kept across restarts, or null. */
  readonly lastFailure: string | null;
  readonly operators: readonly OperatorStatusJson[];
  readonly tasks: readonly TaskStatusJson[];
}

const orNull = <T>(v: T | '' | 0 | undefined): T | null => (v === '' || v === 0 || v === undefined ? null : v);

/** Converts a GetJobStatus / CancelJob answer to {@link JobStatusJson}: empty strings and zero times become null. */
export function toStatusJson(s: JobStatus__Output): JobStatusJson {
  return {
    id: s.id,
    name: s.name,
    state: s.state,
    parallelism: s.parallelism,
    maxParallelism: s.maxParallelism,
    failure: orNull(s.failure),
    statusMessage: orNull(s.statusMessage),
    startTime: orNull(Number(s.startTime)),
    endTime: orNull(Number(s.endTime)),
    restarts: s.restarts,
    lastCheckpoint: Number(s.lastCheckpointId) > 0 ? { id: Number(s.lastCheckpointId), time: Number(s.lastCheckpointTime) } : null,
    lastFailure: orNull(s.lastFailure),
    operators: (s.operators ?? []).map((o) => ({
      id: o.id,
      name: o.name,
      uid: orNull(o.uid),
      vertexId: o.vertexId,
      parallelism: o.parallelism,
      recordsIn: Number(o.recordsIn),
      recordsOut: Number(o.recordsOut),
      lateRecordsDropped: Number(o.lateRecordsDropped),
    })),
    tasks: (s.tasks ?? []).map((t) => ({
      vertexId: t.vertexId,
      subtask: t.subtask,
      state: t.state,
      workerId: orNull(t.workerId),
    })),
  };
}

/** A retained completed checkpoint as plain JSON (what `eddy checkpoints --json` prints). */
export interface CheckpointJson {
  readonly id: number;
  /** When the checkpoint completed (its metadata was stored), ISO 8601 in UTC. */
  readonly time: string;
  /** When the checkpoint was triggered at the sources, ISO 8601 in UTC. */
  readonly triggerTime: string;
  /** Milliseconds from trigger to completion. */
  readonly durationMs: number;
  /** Bytes of all state files the checkpoint refers to (its full size, not only what it newly wrote). */
  readonly size: number;
}

/** Converts a ListCheckpoints entry to {@link CheckpointJson}: epoch milliseconds become ISO strings. */
export function toCheckpointJson(c: CheckpointInfo__Output): CheckpointJson {
  return {
    id: Number(c.id),
    time: new Date(Number(c.completedAt)).toISOString(),
    triggerTime: new Date(Number(c.timestamp)).toISOString(),
    durationMs: Number(c.durationMs),
    // The full size, because "how much state does this checkpoint hold" is what a reader of the
    // list asks; the bytes newly written only differ once state is incremental.
    size: Number(c.fullSize),
  };
}

const DEFAULT_RPC_TIMEOUT_MS = 30_000;
const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_MS = 100;

/** Failures that a polling wait rides out: the coordinator may be starting or failing over. */
function isTransient(err: unknown): boolean {
  return (
    err instanceof RpcError &&
    (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED)
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A connection to one coordinator's JobService. Every call has a deadline
 * ({@link JobClientOptions.rpcTimeoutMs}) and rejects with an {@link RpcError}. Call
 * {@link JobClient.close} when done so the channel does not keep the process alive.
 */
export class JobClient {
  /** `host:port` this client talks to. */
  readonly address: string;
  private readonly stub: JobServiceClient;
  private readonly rpcTimeoutMs: number;

  /**
   * @param address `host:port` of the coordinator; default `127.0.0.1:6123`.
   * The channel connects lazily: constructing never fails for an unreachable coordinator.
   */
  constructor(address: string = SETTINGS.coordinatorAddress.default, opts: JobClientOptions = {}) {
    this.address = address;
    this.rpcTimeoutMs = opts.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    this.stub = new proto.JobService(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  /**
   * Uploads a job artifact in 1 MiB chunks; the first chunk carries `sha256` and the total size so
   * the coordinator can verify the upload.
   * @returns the coordinator's reference to the stored artifact.
   * @throws RpcError INVALID_ARGUMENT when the digest does not match or the artifact is too large.
   */
  uploadArtifact(code: Buffer, sha256: string): Promise<{ sha256: string; size: number }> {
    const method = 'UploadArtifact';
    return new Promise((resolve, reject) => {
      let settled = false;
      let onSettled: () => void = () => {};
      const settledSignal = new Promise<void>((r) => (onSettled = r));
      const call = this.stub.uploadArtifact({ deadline: this.deadline() }, (err, ref) => {
        settled = true;
        onSettled();
        if (err) reject(this.rpcError(err, method));
        else if (!ref) reject(this.rpcError(new Error('empty answer'), method));
        else resolve({ sha256: ref.sha256, size: Number(ref.size) });
      });
      const chunk = RUNTIME_DEFAULTS.artifactChunkBytes;
      const pump = async (): Promise<void> => {
        // An empty artifact still needs one chunk: it carries the digest and the size.
        for (let offset = 0; offset === 0 || offset < code.length; offset += chunk) {
          if (settled) return; // the server already answered (rejected); stop sending
          const data = code.subarray(offset, offset + chunk);
          const first = offset === 0;
          const ok = call.write(first ? { data, sha256, totalSize: code.length } : { data });
          // Respect backpressure, but do not wait for a drain that never comes once the call ended.
          if (!ok) await Promise.race([new Promise((r) => call.once('drain', r)), settledSignal]);
        }
        call.end();
      };
      pump().catch((err: unknown) => {
        call.cancel();
        if (!settled) reject(this.rpcError(err, method));
      });
    });
  }

  /**
   * Submits an uploaded artifact as a job.
   * @returns the new job's id.
   * @throws RpcError INVALID_ARGUMENT with the cause when the job cannot be built (bad graph, job threw).
   */
  async submit(opts: SubmitOptions): Promise<string> {
    const res = await this.unary<SubmitJobResponse__Output>('SubmitJob', (o, cb) =>
      this.stub.submitJob(
        {
          artifactSha256: opts.artifactSha256,
          args: [...(opts.args ?? [])],
          parallelism: opts.parallelism ?? 0,
          name: opts.name ?? '',
        },
        o,
        cb,
      ),
    );
    return res.jobId;
  }

  /**
   * Bundles a job file, uploads it and submits it. The default name is the file's base name
   * without its extension (`jobs/word-count.ts` → `word-count`).
   * @returns the new job's id.
   * @throws Error when the file is missing or does not compile; RpcError as {@link submit}.
   */
  async submitJobFile(file: string, opts: SubmitFileOptions = {}): Promise<string> {
    const artifact = await bundleJob(path.resolve(file));
    const ref = await this.uploadArtifact(artifact.code, artifact.sha256);
    const name = opts.name !== undefined && opts.name !== '' ? opts.name : path.basename(file, path.extname(file));
    return this.submit({ ...opts, artifactSha256: ref.sha256, name });
  }

  /** Every job the coordinator knows, in its order. */
  async listJobs(): Promise<JobSummary__Output[]> {
    const res = await this.unary<ListJobsResponse__Output>('ListJobs', (o, cb) => this.stub.listJobs({}, o, cb));
    return res.jobs ?? [];
  }

  /**
   * One job's state, operators (with record counts) and subtasks.
   * @throws RpcError NOT_FOUND for an unknown job id.
   */
  getJobStatus(jobId: string): Promise<JobStatus__Output> {
    return this.unary<JobStatus__Output>('GetJobStatus', (o, cb) => this.stub.getJobStatus({ jobId }, o, cb));
  }

  /**
   * Requests cancellation. The job is usually still CANCELING when this resolves; use
   * {@link waitForJobState} to wait for CANCELED.
   * @throws RpcError NOT_FOUND for an unknown job id.
   */
  cancelJob(jobId: string): Promise<JobStatus__Output> {
    return this.unary<JobStatus__Output>('CancelJob', (o, cb) => this.stub.cancelJob({ jobId }, o, cb));
  }

  /**
   * Records a job's CollectSink named `sinkName` handed to the coordinator, as JSON lines.
   * @throws RpcError NOT_FOUND for an unknown job id.
   */
  async fetchCollected(jobId: string, sinkName: string): Promise<string[]> {
    const res = await this.unary<FetchCollectedResponse__Output>('FetchCollected', (o, cb) => this.stub.fetchCollected({ jobId, sinkName }, o, cb));
    return res.records ?? [];
  }

  /** Workers registered with the coordinator. */
  async listWorkers(): Promise<WorkerInfo__Output[]> {
    const res = await this.unary<ListWorkersResponse__Output>('ListWorkers', (o, cb) => this.stub.listWorkers({}, o, cb));
    return res.workers ?? [];
  }

  /**
   * A job's retained completed checkpoints, oldest first: the last few while it runs, the latest
   * one after it FAILED, none after it FINISHED or was CANCELED, and none without checkpointing.
   * @throws RpcError NOT_FOUND for an unknown job id.
   */
  async listCheckpoints(jobId: string): Promise<CheckpointInfo__Output[]> {
    const res = await this.unary<ListCheckpointsResponse__Output>('ListCheckpoints', (o, cb) => this.stub.listCheckpoints({ jobId }, o, cb));
    // Sorted here so callers can rely on the order whatever order the coordinator keeps them in.
    return [...(res.checkpoints ?? [])].sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * Polls a job until `until` holds: a predicate on the status, or a list of states.
   * UNAVAILABLE and DEADLINE_EXCEEDED answers are retried until the deadline (the coordinator may be
   * restarting).
   * @returns the first status that satisfies `until`.
   * @throws Error on timeout, or as soon as the job is terminal without satisfying `until` (it
   * will never change again); the message names the last state, status message and failure.
   * RpcError NOT_FOUND for an unknown job id.
   */
  async waitForJobState(
    jobId: string,
    until: ((status: JobStatus__Output) => boolean) | readonly string[],
    opts: WaitOptions = {},
  ): Promise<JobStatus__Output> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
    const wanted = typeof until === 'function' ? 'the expected condition' : until.join(' or ');
    const test = typeof until === 'function' ? until : (s: JobStatus__Output) => until.includes(s.state);
    const deadline = Date.now() + timeoutMs;
    let last: JobStatus__Output | undefined;
    let lastError: unknown;
    for (;;) {
      try {
        last = await this.getJobStatus(jobId);
        lastError = undefined;
        if (test(last)) return last;
        if (isTerminalState(last.state))
          throw new Error(`job ${jobId} ended in ${last.state} instead of reaching ${wanted}${describeStatus(last)}`);
      } catch (err) {
        if (!isTransient(err)) throw err;
        lastError = err;
      }
      if (Date.now() + pollMs > deadline) {
        const lastSeen = last ? `; last state ${last.state}${describeStatus(last)}` : '';
        const lastFailure = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
        throw new Error(`job ${jobId} did not reach ${wanted} within ${timeoutMs} ms${lastSeen}${lastFailure}`);
      }
      await sleep(pollMs);
    }
  }

  /**
   * Polls until at least `n` workers are registered. UNAVAILABLE is retried until the deadline, so
   * this also waits for a coordinator that is still starting.
   * @returns the registered workers.
   * @throws Error on timeout, naming how many workers were seen and the last error.
   */
  async waitForWorkers(n: number, opts: WaitOptions = {}): Promise<WorkerInfo__Output[]> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    let lastError: unknown;
    for (;;) {
      try {
        const workers = await this.listWorkers();
        lastError = undefined;
        if (workers.length >= n) return workers;
        seen = workers.length;
      } catch (err) {
        if (!isTransient(err)) throw err;
        lastError = err;
      }
      if (Date.now() + pollMs > deadline) {
        const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
        throw new Error(`${n} worker(s) did not register with ${this.address} within ${timeoutMs} ms (saw ${seen})${why}`);
      }
      await sleep(pollMs);
    }
  }

  /** Closes the channel. Calls in flight fail with CANCELLED. Idempotent. */
  close(): void {
    this.stub.close();
  }

  private deadline(): Date {
    return new Date(Date.now() + this.rpcTimeoutMs);
  }

  private rpcError(err: unknown, method: string): RpcError {
    return toRpcError(err, method, this.address, this.rpcTimeoutMs);
  }

  /** Runs one unary call with the client's deadline and maps its error. */
  private unary<Res>(
    method: string,
    invoke: (options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => unknown,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      invoke({ deadline: this.deadline() }, (err, res) => {
        if (err) reject(this.rpcError(err, method));
        else if (res === undefined) reject(this.rpcError(new Error('empty answer'), method));
        else resolve(res);
      });
    });
  }
}

/** `; status: …; failure: …` for error messages, empty parts left out. */
function describeStatus(s: JobStatus__Output): string {
  return `${s.statusMessage ? `; status: ${s.statusMessage}` : ''}${s.failure ? `; failure: ${s.failure}` : ''}`;
}
