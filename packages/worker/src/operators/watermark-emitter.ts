/**
 * Turns a WatermarkGenerator's calls into in-band watermarks and stream status on an emitter:
 * only rising watermarks go out, idleness is sent once per change, and a watermark after idleness
 * makes the stream active again (Flink: WatermarkToDataOutput).
 */
import { MIN_WATERMARK } from '@eddy/common';
import type { WatermarkOutput } from '@eddy/api';
import type { Emitter } from './emitter.js';

/** A {@link WatermarkOutput} writing into an emitter. */
export class WatermarkEmitter implements WatermarkOutput {
  private last = MIN_WATERMARK;
  private idle = false;

  constructor(private readonly target: () => Emitter) {}

  /** The highest watermark emitted so far. */
  get currentWatermark(): number {
    return this.last;
  }

  emitWatermark(timestamp: number): void {
    if (!(timestamp > this.last)) return;
    this.last = timestamp;
    if (this.idle) this.markActive();
    this.target().emitWatermark(timestamp);
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.target().emitStatus(true);
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.target().emitStatus(false);
  }
}
