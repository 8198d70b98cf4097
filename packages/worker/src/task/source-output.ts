/**
 * What a source reader emits into: records go down the chain, and with a watermark strategy
 * each split gets its own timestamp assignment and watermark generator (Flink:
 * ProgressiveTimestampsAndWatermarks with split-local outputs). The source's watermark is the
 * minimum over its active splits; when every split is idle the source is idle.
 */
import { MAX_WATERMARK, MIN_WATERMARK } from '@eddy/common';
import type { ReaderOutput, TimestampAssigner, WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from '@eddy/api';
import type { Emitter } from '../operators/emitter.js';
import { WatermarkEmitter } from '../operators/watermark-emitter.js';

/** Watermark state of one split (or of the reader's main output). */
class SplitOutput implements ReaderOutput<unknown>, WatermarkOutput {
  watermark = MIN_WATERMARK;
  idle = false;
  /** Whether a record went through this output (an unused main output must not hold back split outputs). */
  used = false;
  private readonly generator: WatermarkGenerator<unknown>;

  constructor(
    private readonly owner: SourceOutput,
    strategy: WatermarkStrategy<unknown>,
    private readonly assigner: TimestampAssigner<unknown> | undefined,
  ) {
    this.generator = strategy.createWatermarkGenerator();
  }

  collect(value: unknown, timestamp?: number): void {
    const ts = this.assigner !== undefined ? this.assigner(value, timestamp) : timestamp;
    if (typeof ts !== 'number' || !Number.isFinite(ts))
      throw new Error(`the source's timestamp assigner returned ${String(ts)}; it must return a finite number of ms`);
    this.used = true;
    // The record first, then what the generator makes of it (Flink: SourceOutputWithWatermarks):
    // a punctuated watermark at the record's own timestamp must not make the record late.
    this.owner.emitRecord(value, ts);
    this.generator.onEvent(value, ts, this);
  }

  periodic(): void {
    this.generator.onPeriodicEmit(this);
  }

  emitWatermark(timestamp: number): void {
    if (timestamp <= this.watermark) return;
    this.watermark = timestamp;
    this.idle = false;
    this.owner.combine();
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.owner.combine();
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.owner.combine();
  }
}

/** The reader's output; see the module comment. */
export class SourceOutput implements ReaderOutput<unknown> {
  private readonly splits = new Map<string, SplitOutput>();
  private main: SplitOutput | undefined;
  private readonly wm: WatermarkEmitter;
  private readonly assigner: TimestampAssigner<unknown> | undefined;

  constructor(
    private readonly downstream: Emitter,
    private readonly strategy: WatermarkStrategy<unknown> | undefined,
  ) {
    this.wm = new WatermarkEmitter(() => downstream);
    this.assigner = strategy?.timestampAssigner;
  }

  /** Whether the source has a watermark strategy (and so periodic watermarks). */
  get generatesWatermarks(): boolean {
    return this.strategy !== undefined;
  }

  /** @internal Sends a record on. */
  emitRecord(value: unknown, timestamp: number | undefined): void {
    this.downstream.collect(value, timestamp);
  }

  collect(value: unknown, timestamp?: number): void {
    if (this.strategy === undefined) {
      this.downstream.collect(value, timestamp);
      return;
    }
    (this.main ??= new SplitOutput(this, this.strategy, this.assigner)).collect(value, timestamp);
  }

  createOutputForSplit(splitId: string): ReaderOutput<unknown> {
    if (this.strategy === undefined) return this;
    let out = this.splits.get(splitId);
    if (out === undefined) {
      out = new SplitOutput(this, this.strategy, this.assigner);
      this.splits.set(splitId, out);
    }
    return out;
  }

  releaseOutputForSplit(splitId: string): void {
    if (this.splits.delete(splitId)) this.combine();
  }

  /** Asks every generator for its periodic watermark (the auto-watermark interval). */
  onPeriodicEmit(): void {
    // A reader that has emitted nothing yet still has a generator, so idleness can mark it idle.
    if (this.main === undefined && this.splits.size === 0 && this.strategy !== undefined)
      this.main = new SplitOutput(this, this.strategy, this.assigner);
    if (this.main !== undefined) this.main.periodic();
    for (const s of this.splits.values()) s.periodic();
  }

  /** @internal Recomputes the source's watermark: the minimum over active split outputs. */
  combine(): void {
    let min = Infinity;
    let any = false;
    let active = false;
    const main = this.main !== undefined && (this.main.used || this.splits.size === 0) ? this.main : undefined;
    const outputs = main === undefined ? [...this.splits.values()] : [main, ...this.splits.values()];
    for (const o of outputs) {
      any = true;
      if (o.idle) continue;
      active = true;
      if (o.watermark < min) min = o.watermark;
    }
    if (any && !active) {
      this.wm.markIdle();
      return;
    }
    if (active && min > MIN_WATERMARK) this.wm.emitWatermark(min);
    else if (active) this.wm.markActive();
  }

  /** The end of input: the final watermark, which fires every pending event-time window and timer. */
  endOfInput(): void {
    this.wm.emitWatermark(MAX_WATERMARK);
  }
}
