import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COMPACT_LIMIT, CompactMap } from './compact-map.js';

fc.configureGlobal({ seed: 20261203 });

/** Few distinct keys, so that sets hit existing keys and deletes find them; NaN included. */
const keyArb = fc.oneof(fc.integer({ min: 0, max: 2 * COMPACT_LIMIT + 2 }), fc.constantFrom('a', 'b', '\u0001x', Number.NaN, 1.5e12, true, null, undefined));

type Op = { op: 'set'; key: unknown; value: number } | { op: 'delete'; key: unknown } | { op: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

function assertSame(actual: CompactMap<unknown, number>, expected: Map<unknown, number>, probes: readonly unknown[]): void {
  assert.equal(actual.count, expected.size);
  assert.deepEqual(actual.entryList(), Array.from(expected));
  assert.deepEqual(actual.valueList(), Array.from(expected.values()));
  const walked: Array<[unknown, number]> = [];
  actual.forEach((v, k) => walked.push([k, v]));
  assert.deepEqual(walked, Array.from(expected));
  for (const k of probes) {
    assert.equal(actual.get(k), expected.get(k));
    assert.equal(actual.has(k), expected.has(k));
  }
}

test('CompactMap behaves as Map (SameValueZero keys, insertion order) through any operations, below and past its limit', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 80 }), fc.array(keyArb, { maxLength: 10 }), (ops, probes) => {
      const actual = new CompactMap<unknown, number>();
      const expected = new Map<unknown, number>();
      for (const o of ops) {
        if (o.op === 'set') {
          assert.equal(actual.set(o.key, o.value), actual);
          expected.set(o.key, o.value);
        } else if (o.op === 'delete') assert.equal(actual.delete(o.key), expected.delete(o.key));
        else {
          actual.clear();
          expected.clear();
        }
        assertSame(actual, expected, [...probes, ...ops.flatMap((x) => (x.op === 'clear' ? [] : [x.key]))]);
      }
    }),
    { numRuns: 300 },
  );
});

test('CompactMap deletes from the middle, the ends and the only entry', () => {
  const m = new CompactMap<number, string>();
  for (let i = 0; i < 4; i++) m.set(i, `v${i}`);
  assert.equal(m.delete(1), true);
  assert.deepEqual(m.entryList(), [[0, 'v0'], [2, 'v2'], [3, 'v3']]);
  assert.equal(m.delete(3), true);
  assert.equal(m.delete(0), true);
  assert.deepEqual(m.entryList(), [[2, 'v2']]);
  assert.equal(m.delete(2), true);
  assert.equal(m.delete(2), false);
  assert.equal(m.count, 0);
  assert.deepEqual(m.entryList(), []);
});

test('CompactMap keeps every entry and their order when it outgrows the array form', () => {
  const m = new CompactMap<number, number>();
  const n = COMPACT_LIMIT * 3;
  for (let i = 0; i < n; i++) m.set(i, i * 10);
  assert.equal(m.count, n);
  assert.deepEqual(m.entryList(), Array.from({ length: n }, (_, i) => [i, i * 10]));
  m.set(0, -1); // an existing key keeps its place
  assert.deepEqual(m.entryList()[0], [0, -1]);
  assert.equal(m.get(n - 1), (n - 1) * 10);
});
