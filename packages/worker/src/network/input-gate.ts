/**
 * All input channels of a task (Flink: InputGate/UnionInputGate). Channels are polled round-robin
 * so that no producer starves another; the task awaits {@link whenAvailable} when none has data.
 */
import type { ChannelItem } from './channel-item.js';
import type { InputChannel } from './input-channel.js';

/** A channel with where its records go. */
export interface GateChannel<T> {
  readonly channel: InputChannel;
  /** What the task needs to route this channel's records (its target operator). */
  readonly target: T;
  finished: boolean;
}

/** Polls a set of channels fairly. */
export class InputGate<T> {
  private next = 0;
  private waiter: (() => void) | undefined;
  private signalled = false;
  private unfinished: number;

  /**
   * @param isBlocked channels it names are skipped (checkpoint barrier alignment holds them).
   */
  constructor(
    readonly channels: ReadonlyArray<GateChannel<T>>,
    private readonly isBlocked: (index: number) => boolean = () => false,
  ) {
    this.unfinished = channels.length;
    for (const c of channels) c.channel.setListener(() => this.signal());
  }

  private signal(): void {
    this.signalled = true;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w();
    }
  }

  /** Whether every channel delivered its end of partition. */
  get isFinished(): boolean {
    return this.unfinished === 0;
  }

  /** Next item from any unfinished channel, round-robin. @throws Error when a channel broke. */
  poll(): { gc: GateChannel<T>; item: ChannelItem } | undefined {
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.next + i) % n;
      const gc = this.channels[idx]!;
      if (gc.finished || this.isBlocked(idx)) continue;
      const item = gc.channel.poll();
      if (item) {
        this.next = (idx + 1) % n;
        return { gc, item };
      }
    }
    this.signalled = false;
    return undefined;
  }

  /** Marks a channel done after its end of partition. */
  finishChannel(gc: GateChannel<T>): void {
    if (gc.finished) return;
    gc.finished = true;
    gc.channel.markFinished();
    gc.channel.close();
    this.unfinished--;
  }

  /** Resolves when some channel may have data (or broke). */
  whenAvailable(): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Wakes a pending {@link whenAvailable} (cancellation). */
  wake(): void {
    this.signal();
  }

  close(): void {
    for (const c of this.channels) c.channel.close();
  }
}
