/**
 * One subpartition of a result partition: the ordered queue of items for one consuming subtask
 * (Flink: PipelinedSubpartition). Its reader is either a same-worker input channel or the
 * exchange server streaming to a remote worker.
 */
import type { ChannelItem } from './channel-item.js';

/** Ordered items for one consumer, with a listener for new data. */
export class Subpartition {
  private items: ChannelItem[] = [];
  private head = 0;
  private dataListener: (() => void) | undefined;
  /** End of partition was enqueued. */
  finished = false;
  /** End of partition was taken by the reader: everything was consumed. */
  consumed = false;
  /** Set when the partition was released before being consumed (cancel or failure). */
  releasedCause: Error | undefined;
  /** Whether a reader attached already (a subpartition has exactly one reader). */
  hasReader = false;

  constructor(
    readonly index: number,
    /** Whether the consumer runs on this worker (items are batches, not bytes). */
    readonly local: boolean,
    private readonly onConsumed: () => void,
  ) {}

  /** Items waiting for the reader. */
  get backlog(): number {
    return this.items.length - this.head;
  }

  add(item: ChannelItem): void {
    this.items.push(item);
    this.dataListener?.();
  }

  /** Takes the next item, or undefined when none is queued. */
  poll(): ChannelItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as ChannelItem;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (item.kind === 'event' && item.event.kind === 'end-of-partition') this.consumed = true;
    this.onConsumed();
    return item;
  }

  /** Registers the reader's wake-up callback (called on every add). */
  setDataListener(listener: (() => void) | undefined): void {
    this.dataListener = listener;
  }

  /** Drops queued items and wakes the reader so it sees {@link releasedCause}. */
  release(cause: Error): void {
    if (this.consumed) return;
    this.releasedCause = cause;
    this.items = [];
    this.head = 0;
    this.dataListener?.();
  }
}
