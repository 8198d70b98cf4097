/**
 * The committables of a two-phase-commit sink subtask that are not known to be committed yet,
 * with the checkpoint each was pre-committed at (Flink: CommittableCollector). They are committed
 * one checkpoint at a time, in checkpoint order, never two commits at once.
 */
import { END_OF_INPUT_CHECKPOINT_ID } from '@eddy/api';

/** A committable with its checkpoint: the form stored in checkpoint metadata (Flink: CommittableWithLineage). */
export interface CommittableWithLineage {
  readonly checkpointId: number;
  readonly committable: unknown;
}

/**
 * Checks the committables a subtask restored from checkpoint metadata.
 * @throws Error naming the sink when one is not a {@link CommittableWithLineage}.
 */
export function parseRestoredCommittables(raw: readonly unknown[], sinkName: string): CommittableWithLineage[] {
  return raw.map((c) => {
    const r = c as Partial<CommittableWithLineage> | null;
    if (typeof r !== 'object' || r === null || !Number.isSafeInteger(r.checkpointId) || !('committable' in r))
      throw new Error(`sink '${sinkName}': restored committable ${JSON.stringify(c)} has no checkpointId and committable`);
    return { checkpointId: r.checkpointId!, committable: r.committable };
  });
}

/** Pending committables and their serial commits. */
export class CommittableCollector {
  /** Ordered by checkpoint id; removed only once committed. */
  private readonly pending: CommittableWithLineage[] = [];
  private commits: Promise<void> = Promise.resolve();
  private failed: Error | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    /** Commits the committables of one checkpoint. */
    private readonly commitFn: (committables: readonly unknown[]) => Promise<void>,
    private readonly sinkName: string,
  ) {}

  /** The first commit failure; the subtask must fail with it. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Whether committables wait for a commit. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Records a failure outside the commits (a failed pre-commit); no commit is attempted after it. */
  fail(err: Error): void {
    this.failed ??= err;
    this.wake();
  }

  /** Adds the committables pre-committed at `checkpointId`. */
  add(checkpointId: number, committables: readonly unknown[]): void {
    let at = this.pending.length;
    while (at > 0 && this.pending[at - 1]!.checkpointId > checkpointId) at--;
    this.pending.splice(at, 0, ...committables.map((committable) => ({ checkpointId, committable })));
  }

  /** Every committable not known to be committed, a commit in flight included (it may not finish). */
  snapshot(): CommittableWithLineage[] {
    return this.pending.slice();
  }

  /**
   * Commits every pending committable of checkpoints ≤ `checkpointId`, after commits already
   * started. A failure is kept in {@link failure}; later commits are not attempted.
   * @returns resolves when done; rejects with the failure.
   */
  commitUpTo(checkpointId: number): Promise<void> {
    const run = this.commits.then(async () => {
      if (this.failed) throw this.failed;
      for (let first = this.pending[0]; first && first.checkpointId <= checkpointId; first = this.pending[0]) {
        const id = first.checkpointId;
        let n = 0;
        while (n < this.pending.length && this.pending[n]!.checkpointId === id) n++;
        try {
          await this.commitFn(this.pending.slice(0, n).map((c) => c.committable));
        } catch (err) {
          const at = id === END_OF_INPUT_CHECKPOINT_ID ? 'at the end of the input' : `checkpoint ${id}`;
          this.failed = new Error(`sink '${this.sinkName}' failed to commit ${at}: ${messageOf(err)}`, { cause: err });
          this.wake();
          throw this.failed;
        }
        // Only appends happened meanwhile (newer checkpoints), so the first n are still these.
        this.pending.splice(0, n);
      }
      this.wake();
    });
    this.commits = run.catch(() => undefined);
    return run;
  }

  /** Resolves once nothing is pending; rejects with the commit failure, if any. */
  async whenAllCommitted(): Promise<void> {
    for (;;) {
      if (this.failed) throw this.failed;
      if (this.pending.length === 0) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
