/**
 * Keyed running sums over a number sequence, printing one final line per key.
 *
 *   eddy local examples/sequence-sum.ts --workers 2 --parallelism 2 -- --to 100000
 *
 * The numbers 1..N (`--to N`, default 1000) are read by a parallel sequence source, keyed by
 * `n % 10` and summed with a running reduce. A reduce emits an update for every record, so a
 * filter keeps only the update whose count equals the number of records the key receives in
 * total — computed here, when the graph is built, from N alone. Each of the (up to) ten lines
 * printed also says whether the sum matches the arithmetic-series formula, so the job checks itself.
 */
import type { StreamExecutionEnvironment } from '@eddy/api';

/** Running aggregate of one key. */
interface KeySum {
  readonly key: number;
  readonly count: number;
  readonly sum: number;
}

const DEFAULT_TO = 1000;
const KEYS = 10;

/**
 * Reads `--to N` or `--to=N` from the job arguments.
 * @throws Error (the submission then fails with INVALID_ARGUMENT) when N is not a positive
 * integer small enough for every sum to stay exact in a double.
 */
function parseTo(args: readonly string[]): number {
  let raw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--to') raw = args[i + 1];
    else if (a.startsWith('--to=')) raw = a.slice('--to='.length);
  }
  if (raw === undefined) return DEFAULT_TO;
  const n = Number(raw);
  // n * (n + 1) / 2 must stay below 2^53 for the sums to be exact.
  if (!Number.isInteger(n) || n < 1 || n > 100_000_000)
    throw new Error(`--to must be an integer in [1, 100000000], got '${raw}'`);
  return n;
}

/** Count and sum of the numbers in 1..to that are congruent to `key` modulo {@link KEYS}. */
function expectedFor(key: number, to: number): { count: number; sum: number } {
  const first = key === 0 ? KEYS : key;
  if (first > to) return { count: 0, sum: 0 };
  const count = Math.floor((to - first) / KEYS) + 1;
  const last = first + (count - 1) * KEYS;
  return { count, sum: ((first + last) * count) / 2 };
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const to = parseTo(args);
  // Computed at build time from the arguments only, so every process computes the same values.
  const expected = Array.from({ length: KEYS }, (_v, key) => expectedFor(key, to));

  env.setJobName(`sequence-sum 1..${to}`);
  env
    .fromSequence(1, to)
    .name('Numbers')
    .uid('numbers')
    .map((n): KeySum => ({ key: n % KEYS, count: 1, sum: n }))
    .name('To KeySum')
    .keyBy((r) => r.key)
    .reduce((a, b) => ({ key: a.key, count: a.count + b.count, sum: a.sum + b.sum }))
    .name('Running Sum')
    .uid('running-sum')
    .filter((r) => r.count === expected[r.key]?.count)
    .name('Final Only')
    .map((r) => {
      const ok = r.sum === expected[r.key]?.sum ? 'ok' : `MISMATCH, expected ${expected[r.key]?.sum}`;
      return `key ${r.key}: count=${r.count} sum=${r.sum} (${ok})`;
    })
    .name('Format')
    .print();
};
