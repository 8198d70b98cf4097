/**
 * Watching a job's checkpoints from the outside, through the coordinator's ListCheckpoints RPC.
 *
 * The coordinator retains only the last few completed checkpoints of a running job (3) and none
 * of a FINISHED one, so a single call cannot tell what happened over a run: a
 * {@link CheckpointLog} is fed by frequent polls and keeps every checkpoint it has seen.
 */
import { CHANNEL_OPTIONS, grpc, proto, type CheckpointInfo__Output, type JobServiceClient } from '@eddy/common';

/** A completed checkpoint as ListCheckpoints describes it, with plain numbers. */
export interface CheckpointSample {
  readonly id: number;
  /** Trigger time at the coordinator, epoch ms. */
  readonly triggeredAt: number;
  /** When its metadata was stored, epoch ms. */
  readonly completedAt: number;
  /** Trigger → completion, as the coordinator measured it. */
  readonly durationMs: number;
  /** Bytes of all state files the checkpoint refers to (sum of its handle sizes). */
  readonly fullSize: number;
  /** Bytes newly written for this checkpoint (equal to `fullSize` until state is incremental). */
  readonly incrementalSize: number;
}

const RPC_TIMEOUT_MS = 10_000;

/**
 * A ListCheckpoints client of its own, so the bench needs nothing beyond the JobService contract
 * in `proto/eddy.proto`.
 */
export class CheckpointLister {
  private readonly stub: JobServiceClient;

  /** @param address `host:port` of the coordinator. */
  constructor(address: string) {
    this.stub = new proto.JobService(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  /**
   * The job's retained completed checkpoints, oldest first.
   * @throws Error with the gRPC status when the call fails (e.g. NOT_FOUND for an unknown job).
   */
  list(jobId: string): Promise<CheckpointSample[]> {
    return new Promise((resolve, reject) => {
      this.stub.listCheckpoints({ jobId }, { deadline: new Date(Date.now() + RPC_TIMEOUT_MS) }, (err, res) => {
        if (err) reject(new Error(`ListCheckpoints(${jobId}) failed: ${err.message}`, { cause: err }));
        else resolve((res?.checkpoints ?? []).map(toSample).sort((a, b) => a.id - b.id));
      });
    });
  }

  /** Closes the channel. */
  close(): void {
    this.stub.close();
  }
}

function toSample(c: CheckpointInfo__Output): CheckpointSample {
  return {
    id: Number(c.id),
    triggeredAt: Number(c.timestamp),
    completedAt: Number(c.completedAt),
    durationMs: Number(c.durationMs),
    fullSize: Number(c.fullSize),
    incrementalSize: Number(c.size),
  };
}

/** Every completed checkpoint of one job seen by any poll, by id. */
export class CheckpointLog {
  private readonly seen = new Map<number, CheckpointSample>();

  constructor(
    private readonly lister: CheckpointLister,
    readonly jobId: string,
  ) {}

  /**
   * Lists the job's checkpoints once and records the new ones.
   * @returns the checkpoints this poll added, oldest first.
   */
  async poll(): Promise<CheckpointSample[]> {
    const added: CheckpointSample[] = [];
    for (const c of await this.lister.list(this.jobId)) {
      if (this.seen.has(c.id)) continue;
      this.seen.set(c.id, c);
      added.push(c);
    }
    return added;
  }

  /** Every checkpoint seen so far, oldest first. */
  all(): CheckpointSample[] {
    return [...this.seen.values()].sort((a, b) => a.id - b.id);
  }
}

/**
 * The `q`-quantile (0 < q ≤ 1) of `values` by nearest rank: the ⌈q·n⌉-th smallest. With fewer
 * than 100 values, p99 is therefore the maximum, which is the honest reading of a small sample.
 * @returns NaN for no values.
 */
export function nearestRank(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/** Bytes as decimal megabytes with one decimal, e.g. `100.3 MB`. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
