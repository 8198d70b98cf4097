/**
 * Aligned checkpoint barriers at a task with several input channels (Flink:
 * SingleCheckpointBarrierHandler in aligned mode). Pure decision logic: the task tells it what
 * arrived, it says which channels to block and when to snapshot.
 *
 * After barrier n arrives on a channel, that channel is blocked until barrier n arrived on every
 * channel still open; then the task snapshots, forwards barrier n and unblocks everything.
 * A channel that ended (end of partition) counts as aligned. A newer barrier, or a cancellation
 * marker, aborts an unfinished alignment.
 */

/** What the task must do after an event (events return a list, in order). */
export type AlignmentAction =
  /** Barrier `checkpointId` is aligned: snapshot, forward the barrier, then unblock all channels. */
  | { readonly kind: 'trigger'; readonly checkpointId: number; readonly timestamp: number; readonly savepoint: boolean }
  /** Alignment of `checkpointId` is abandoned: forward a cancellation marker, unblock all channels. */
  | { readonly kind: 'abort'; readonly checkpointId: number; readonly reason: string };


/** Tracks barrier alignment over `channelCount` channels. */
export class BarrierAligner {
  private current: { id: number; timestamp: number; savepoint: boolean } | undefined;
  private readonly blocked: boolean[];
  private readonly ended: boolean[];
  private arrived = 0;
  /** Highest checkpoint id seen (triggered or aborted); older barriers are ignored. */
  private latest = -1;

  constructor(readonly channelCount: number) {
    this.blocked = new Array<boolean>(channelCount).fill(false);
    this.ended = new Array<boolean>(channelCount).fill(false);
  }

  /** Whether records from `channel` must wait (its barrier arrived, others' did not yet). */
  isBlocked(channel: number): boolean {
    return this.blocked[channel] === true;
  }

  /** Id of the checkpoint being aligned, if any. */
  get aligning(): number | undefined {
    return this.current?.id;
  }

  private openChannels(): number {
    return this.ended.filter((e) => !e).length;
  }

  private reset(): void {
    this.current = undefined;
    this.arrived = 0;
    this.blocked.fill(false);
  }

  /** A barrier arrived on `channel`. */
  onBarrier(channel: number, checkpointId: number, timestamp: number, savepoint: boolean): AlignmentAction[] {
    if (checkpointId < this.latest || (checkpointId === this.latest && this.current === undefined)) return [];
    const actions: AlignmentAction[] = [];
    if (this.current && checkpointId > this.current.id) {
      actions.push({ kind: 'abort', checkpointId: this.current.id, reason: `barrier ${checkpointId} overtook ${this.current.id}` });
      this.reset();
    }
    if (!this.current) {
      this.current = { id: checkpointId, timestamp, savepoint };
      this.latest = checkpointId;
    }
    if (!this.blocked[channel]) {
      this.blocked[channel] = true;
      this.arrived++;
    }
    return [...actions, ...this.complete()];
  }

  /** A cancellation marker for `checkpointId` arrived on some channel. */
  onCancel(checkpointId: number): AlignmentAction[] {
    if (checkpointId < this.latest) return [];
    this.latest = checkpointId;
    if (this.current && this.current.id === checkpointId) {
      this.reset();
      return [{ kind: 'abort', checkpointId, reason: 'canceled upstream' }];
    }
    if (this.current && checkpointId > this.current.id) {
      const old = this.current.id;
      this.reset();
      return [{ kind: 'abort', checkpointId: old, reason: `checkpoint ${checkpointId} was canceled upstream` }];
    }
    return [];
  }

  /** `channel` delivered its end of partition. */
  onEndOfPartition(channel: number): AlignmentAction[] {
    if (this.ended[channel]) return [];
    this.ended[channel] = true;
    if (this.blocked[channel]) {
      this.blocked[channel] = false;
      this.arrived--;
    }
    return this.complete();
  }

  private complete(): AlignmentAction[] {
    const c = this.current;
    if (!c) return [];
    if (this.arrived < this.openChannels()) return [];
    this.reset();
    return [{ kind: 'trigger', checkpointId: c.id, timestamp: c.timestamp, savepoint: c.savepoint }];
  }
}
