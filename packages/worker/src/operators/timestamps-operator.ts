/**
 * assignTimestampsAndWatermarks (Flink: TimestampsAndWatermarksOperator): assigns each record's
 * timestamp and runs the strategy's watermark generator. Watermarks from upstream are replaced by
 * the generated ones, except the final one at the end of input, which is forwarded.
 */
import { MAX_WATERMARK } from '@eddy/common';
import type { TimestampAssigner, WatermarkGenerator, WatermarkStrategy } from '@eddy/api';
import { StreamOperator } from './stream-operator.js';
import { WatermarkEmitter } from './watermark-emitter.js';

export class TimestampsAndWatermarksOperator extends StreamOperator {
  private readonly assigner: TimestampAssigner<unknown> | undefined;
  private readonly generator: WatermarkGenerator<unknown>;
  private readonly wm = new WatermarkEmitter(() => this.output);

  constructor(id: string, name: string, strategy: WatermarkStrategy<unknown>) {
    super(id, name, undefined);
    this.assigner = strategy.timestampAssigner;
    this.generator = strategy.createWatermarkGenerator();
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    const ts = this.assigner !== undefined ? this.assigner(value, timestamp) : timestamp;
    if (typeof ts !== 'number' || !Number.isFinite(ts))
      throw new Error(`'${this.name}': the timestamp assigner returned ${String(ts)} for a record; it must return a finite number of ms`);
    this.recordsOut++;
    // The record before the watermark it may bring (Flink's order), so it is never late for it.
    this.output.collect(value, ts);
    this.generator.onEvent(value, ts, this.wm);
  }

  /** Called periodically by the task (the auto-watermark interval). */
  onPeriodicEmit(): void {
    this.generator.onPeriodicEmit(this.wm);
  }

  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) {
      this.currentWatermark = watermark;
      this.wm.emitWatermark(MAX_WATERMARK);
    }
  }

  override processStatus(): void {
    // The generator decides this stream's idleness.
  }
}

/** Passes a side output's records on (Flink: the virtual side-output node). */
export class SideOutputOperator extends StreamOperator {
  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    this.recordsOut++;
    this.output.collect(value, timestamp);
  }
}
