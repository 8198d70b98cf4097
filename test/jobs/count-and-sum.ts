/** The count-and-sum aggregate the event-time recovery jobs window their numbers with. */
import type { AggregateFunction } from '@eddy/api';

/** Count and sum of a window's numbers. */
export interface CountSum {
  c: number;
  s: number;
}

/** Counts and sums numbers; mergeable, for session windows. */
export const countAndSum: AggregateFunction<number, CountSum, CountSum> = {
  createAccumulator: () => ({ c: 0, s: 0 }),
  add: (n, acc) => ({ c: acc.c + 1, s: acc.s + n }),
  getResult: (acc) => acc,
  merge: (a, b) => ({ c: a.c + b.c, s: a.s + b.s }),
};
