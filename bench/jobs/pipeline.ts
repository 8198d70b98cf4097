/**
 * The user functions of the throughput pipeline, shared by the Eddy job (bundled into its
 * artifact) and by the hand-written single-loop baselines, so both compute exactly the same thing.
 *
 * `fromSequence(0, N-1) → map(toEvent) → filter(keep) → keyBy(keyOf) → map(enrich) → sink`
 */

/** A small event record, as a stream job typically carries. */
export interface BenchEvent {
  readonly id: number;
  readonly key: number;
  readonly value: number;
}

/** Distinct keys of the keyBy. */
export const KEYS = 1000;

/** First map: a sequence number becomes an event. */
export function toEvent(n: number): BenchEvent {
  return { id: n, key: n % KEYS, value: n * 3 };
}

/** Filter: keeps 4 of every 5 events. */
export function keep(e: BenchEvent): boolean {
  return e.id % 5 !== 0;
}

/** Key selector of the keyBy. */
export function keyOf(e: BenchEvent): number {
  return e.key;
}

/** Second map, after the keyBy. */
export function enrich(e: BenchEvent): BenchEvent {
  return { id: e.id, key: e.key, value: e.value + 1 };
}

/** How many of the events `0..n-1` pass {@link keep}. */
export function keptCount(n: number): number {
  return n - Math.ceil(n / 5);
}
