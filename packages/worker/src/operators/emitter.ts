/**
 * How records move inside a chain: plain synchronous calls, no serialization (Flink's chained
 * `Output`). A record carries an optional event timestamp alongside, never wrapped, so the hot
 * path allocates nothing per record. Watermarks and stream status travel the same way, in order
 * with the records.
 */

/** Receives records, watermarks and stream status. */
export interface Emitter {
  collect(value: unknown, timestamp: number | undefined): void;
  /** No record with a timestamp ≤ `watermark` follows. */
  emitWatermark(watermark: number): void;
  /** The stream became idle (left out of downstream watermark minimums) or active again. */
  emitStatus(idle: boolean): void;
}

/** Fans one operator's output out to several downstream emitters (chained or network). */
export class BroadcastEmitter implements Emitter {
  constructor(private readonly targets: readonly Emitter[]) {}

  collect(value: unknown, timestamp: number | undefined): void {
    for (const t of this.targets) t.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    for (const t of this.targets) t.emitWatermark(watermark);
  }

  emitStatus(idle: boolean): void {
    for (const t of this.targets) t.emitStatus(idle);
  }
}

/** Swallows everything (an operator whose output nobody reads). */
export const NO_OUTPUT: Emitter = { collect() {}, emitWatermark() {}, emitStatus() {} };
