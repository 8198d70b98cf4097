/**
 * Event time: how records get timestamps and how watermarks are generated (Flink's
 * `WatermarkStrategy`, `WatermarkGenerator`, `TimestampAssigner`).
 *
 * ```ts
 * WatermarkStrategy.forBoundedOutOfOrderness<Tx>(5_000)
 *   .withTimestampAssigner((tx) => tx.timestamp)
 *   .withIdleness(10_000)
 * ```
 * A watermark `w` asserts that no more records with a timestamp ≤ `w` follow. Generators are
 * asked for a watermark periodically ({@link DEFAULT_AUTO_WATERMARK_INTERVAL_MS}) and may also
 * emit one per event.
 */
import { MAX_WATERMARK, MIN_WATERMARK } from '@eddy/common';

export { MAX_WATERMARK, MIN_WATERMARK };

/**
 * Milliseconds between two periodic watermark emissions (Flink: `pipeline.auto-watermark-interval`,
 * 200 ms there). Shorter here, because windows should fire within ~100 ms of their end.
 */
export const DEFAULT_AUTO_WATERMARK_INTERVAL_MS = 50;

/** Where a generator emits watermarks and idleness. */
export interface WatermarkOutput {
  /** Emits a watermark; one not above the last emitted is ignored. */
  emitWatermark(timestamp: number): void;
  /** No records will come for a while: downstream leaves this input out of its watermark minimum. */
  markIdle(): void;
  /** Records come again (also implied by the next emitted watermark). */
  markActive(): void;
}

/** Generates watermarks from the events it sees (Flink: WatermarkGenerator). */
export interface WatermarkGenerator<T> {
  /** Called for every record, with its assigned timestamp. */
  onEvent(event: T, timestamp: number, output: WatermarkOutput): void;
  /** Called periodically; may emit a watermark. */
  onPeriodicEmit(output: WatermarkOutput): void;
}

/**
 * Extracts a record's event timestamp in milliseconds. `recordTimestamp` is the timestamp the
 * record already carries (from its source), undefined when none.
 */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number | undefined) => number;

/** Watermarks lagging the highest timestamp seen by a fixed bound (Flink: BoundedOutOfOrdernessWatermarks). */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;

  /** @throws RangeError for a bound that is not a non-negative safe integer (beyond it the watermark arithmetic is inexact). */
  constructor(private readonly outOfOrdernessMs: number) {
    if (!Number.isSafeInteger(outOfOrdernessMs) || outOfOrdernessMs < 0)
      throw new RangeError(`the out-of-orderness bound must be a non-negative integer number of ms, got ${outOfOrdernessMs}`);
    this.maxTimestamp = MIN_WATERMARK + outOfOrdernessMs + 1;
  }

  onEvent(_event: T, timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(this.maxTimestamp - this.outOfOrdernessMs - 1);
  }
}

/** No watermarks at all (processing-time jobs). */
class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/**
 * Marks the output idle when no record arrived for `idlenessMs` of processing time (Flink:
 * WatermarksWithIdleness); the first record after that makes it active again.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private lastActivity: number;
  private idle = false;

  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idlenessMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isFinite(idlenessMs) || idlenessMs <= 0)
      throw new RangeError(`idleness must be a positive number of ms, got ${idlenessMs}`);
    this.lastActivity = clock();
  }

  onEvent(event: T, timestamp: number, output: WatermarkOutput): void {
    this.lastActivity = this.clock();
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
    this.inner.onEvent(event, timestamp, output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.idle) return;
    if (this.clock() - this.lastActivity >= this.idlenessMs) {
      this.idle = true;
      output.markIdle();
      return;
    }
    this.inner.onPeriodicEmit(output);
  }
}

/** How a stream gets timestamps and watermarks. Immutable: the `with…` methods return new strategies. */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorFactory: () => WatermarkGenerator<T>,
    /** The timestamp assigner, undefined to keep the timestamps records carry. */
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    /** Idleness timeout in ms, undefined when inputs never go idle. */
    readonly idlenessMs: number | undefined,
  ) {}

  /**
   * Watermarks `maxOutOfOrdernessMs` behind the highest timestamp seen (minus 1 ms, as in Flink):
   * records may arrive up to that much out of order without being late.
   */
  static forBoundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrdernessMs); // validates eagerly, at job build time
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrdernessMs), undefined, undefined);
  }

  /** Timestamps only increase: the watermark follows the highest timestamp seen. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }

  /** A custom generator; `factory` is called once per parallel instance (and per split at sources). */
  static forGenerator<T>(factory: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    if (typeof factory !== 'function') throw new TypeError('forGenerator needs a function that creates a WatermarkGenerator');
    return new WatermarkStrategy<T>(factory, undefined, undefined);
  }

  /** Timestamps but no watermarks. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined);
  }

  /** Takes each record's timestamp from `assigner`. */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (typeof assigner !== 'function') throw new TypeError('withTimestampAssigner needs a function (element, recordTimestamp) => ms');
    return new WatermarkStrategy<T>(this.generatorFactory, assigner, this.idlenessMs);
  }

  /** Marks an input idle after `idlenessMs` without records, so it does not hold the watermark back. */
  withIdleness(idlenessMs: number): WatermarkStrategy<T> {
    if (!Number.isFinite(idlenessMs) || idlenessMs <= 0)
      throw new RangeError(`idleness must be a positive number of ms, got ${idlenessMs}`);
    return new WatermarkStrategy<T>(this.generatorFactory, this.timestampAssigner, idlenessMs);
  }

  /** A new generator for one parallel instance or split, idleness applied. */
  createWatermarkGenerator(clock: () => number = Date.now): WatermarkGenerator<T> {
    const g = this.generatorFactory();
    return this.idlenessMs === undefined ? g : new WatermarksWithIdleness(g, this.idlenessMs, clock);
  }
}
