/**
 * How records move inside a chain: plain synchronous calls, no serialization (Flink's chained
 * `Output`). A record carries an optional event timestamp alongside, never wrapped, so the hot
 * path allocates nothing per record.
 */

/** Receives records. */
export interface Emitter {
  collect(value: unknown, timestamp: number | undefined): void;
}

/** Fans one operator's output out to several downstream emitters (chained or network). */
export class BroadcastEmitter implements Emitter {
  constructor(private readonly targets: readonly Emitter[]) {}

  collect(value: unknown, timestamp: number | undefined): void {
    for (const t of this.targets) t.collect(value, timestamp);
  }
}

/** Swallows records (an operator whose output nobody reads). */
export const NO_OUTPUT: Emitter = { collect() {} };
