/**
 * Combines the watermarks and idleness of a task's input channels into the task's own
 * (Flink: StatusWatermarkValve). Pure bookkeeping, no I/O.
 *
 * - The task's watermark is the minimum over its active (non-idle) channels, and only ever rises.
 * - An idle channel is left out of the minimum. When every channel is idle the task itself
 *   becomes idle; its watermark then advances to the maximum over the channels, as Flink does,
 *   so that nothing stays held back by data that will not come.
 * - A channel that comes back from idle counts again only once its watermark reached the task's
 *   (its earlier watermarks are behind what was already emitted).
 * - A finished channel counts as watermark {@link MAX_WATERMARK}.
 */
import { MAX_WATERMARK, MIN_WATERMARK } from './watermark.js';

/** What an input changed about the task's combined time. */
export interface ValveOutput {
  /** A new, higher combined watermark to emit downstream. */
  readonly watermark?: number;
  /** The combined idleness changed to this value. */
  readonly idle?: boolean;
}

const NOTHING: ValveOutput = Object.freeze({});

interface ChannelTime {
  watermark: number;
  idle: boolean;
  /** Whether the channel counts towards the minimum (active and caught up). */
  aligned: boolean;
}

/** Watermark state of one task's inputs. */
export class WatermarkValve {
  private readonly channels: ChannelTime[];
  private last = MIN_WATERMARK;
  private idle = false;

  /** @throws RangeError when `channelCount` is not a positive integer. */
  constructor(channelCount: number) {
    if (!Number.isInteger(channelCount) || channelCount < 1)
      throw new RangeError(`a watermark valve needs at least one channel, got ${channelCount}`);
    this.channels = Array.from({ length: channelCount }, () => ({ watermark: MIN_WATERMARK, idle: false, aligned: true }));
  }

  /** The latest combined watermark (MIN_WATERMARK before any). */
  get currentWatermark(): number {
    return this.last;
  }

  /** Whether every channel is idle. */
  get isIdle(): boolean {
    return this.idle;
  }

  private channel(index: number): ChannelTime {
    const c = this.channels[index];
    if (c === undefined) throw new RangeError(`channel ${index} does not exist (${this.channels.length} channels)`);
    return c;
  }

  /** Channel `index` delivered watermark `watermark`. Watermarks of idle channels are ignored. */
  inputWatermark(index: number, watermark: number): ValveOutput {
    const c = this.channel(index);
    if (c.idle || watermark <= c.watermark) return NOTHING;
    c.watermark = watermark;
    if (!c.aligned && watermark >= this.last) c.aligned = true;
    return this.advanceToMinimum();
  }

  /** Channel `index` became idle or active. */
  inputStatus(index: number, idle: boolean): ValveOutput {
    const c = this.channel(index);
    if (c.idle === idle) return NOTHING;
    c.idle = idle;
    if (idle) {
      c.aligned = false;
      if (this.channels.every((x) => x.idle)) {
        this.idle = true;
        const max = Math.max(...this.channels.map((x) => x.watermark));
        if (max > this.last) {
          this.last = max;
          return { watermark: max, idle: true };
        }
        return { idle: true };
      }
      return this.advanceToMinimum();
    }
    c.aligned = c.watermark >= this.last;
    if (this.idle) {
      this.idle = false;
      return { ...this.advanceToMinimum(), idle: false };
    }
    return NOTHING;
  }

  /** Channel `index` ended: it holds nothing back any more. */
  finish(index: number): ValveOutput {
    const c = this.channel(index);
    const wasIdle = c.idle;
    c.idle = false;
    c.watermark = MAX_WATERMARK;
    c.aligned = true;
    if (wasIdle && this.idle) {
      this.idle = false;
      return { ...this.advanceToMinimum(), idle: false };
    }
    return this.advanceToMinimum();
  }

  private advanceToMinimum(): ValveOutput {
    let min = Infinity;
    for (const c of this.channels) if (c.aligned && !c.idle && c.watermark < min) min = c.watermark;
    if (min === Infinity || min <= this.last) return NOTHING;
    this.last = min;
    return { watermark: min };
  }
}
