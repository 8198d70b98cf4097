import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ImpliedTimerQueue } from './implied-timer-queue.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261207 });

test('an empty queue: size 0, no time, no bucket', () => {
  const q = new ImpliedTimerQueue();
  assert.equal(q.size, 0);
  assert.equal(q.peekTime(), undefined);
  assert.equal(q.first(), undefined);
  assert.equal(q.has(1, 'a', undefined), false);
  assert.equal(q.remove(1, 'a', undefined), false);
});

test('timers are deduplicated per time, key and namespace, and kept apart otherwise', () => {
  const q = new ImpliedTimerQueue();
  assert.equal(q.add(1999, 'a', 'a', [1000, 2000]), true);
  assert.equal(q.add(1999, 'a', 'a', [1000, 2000]), false);
  assert.equal(q.add(1999, 'a', 'a', [1500, 2000]), true, 'another namespace');
  assert.equal(q.add(1999, 'a', 'a', undefined), true, 'no namespace');
  assert.equal(q.add(2999, 'a', 'a', [1000, 2000]), true, 'another time');
  assert.equal(q.add(1999, 'b', 'b', [1000, 2000]), true, 'another key');
  assert.equal(q.size, 5);
  assert.equal(q.has(1999, 'a', [1000, 2000]), true);
  assert.equal(q.has(1999, 'c', [1000, 2000]), false);
  assert.equal(q.remove(1999, 'a', [1500, 2000]), true);
  assert.equal(q.remove(1999, 'a', [1500, 2000]), false);
  assert.equal(q.has(1999, 'a', [1000, 2000]), true, 'the other namespace stays');
  assert.equal(q.size, 4);
});

test('the earliest bucket comes first, its keys in registration order; empty buckets go', () => {
  const q = new ImpliedTimerQueue();
  q.add(30, 'x', 'x', undefined);
  q.add(10, 'b', 'b', [0, 11]);
  q.add(10, 'a', 'a', [0, 11]);
  q.add(20, 'c', 'c', undefined);
  q.add(10, 'd', 'd', [5, 11]);
  assert.equal(q.peekTime(), 10);
  const first = q.first()!;
  assert.deepEqual([first.time, first.namespace, [...first.keys.keys()]], [10, [0, 11], ['b', 'a']]);
  assert.equal(q.take(first, 'b'), true);
  assert.equal(q.take(first, 'b'), false);
  assert.equal(q.take(first, 'a'), true);
  const second = q.first()!;
  assert.deepEqual([second.time, second.namespace, [...second.keys.keys()]], [10, [5, 11], ['d']]);
  assert.equal(q.remove(10, 'd', [5, 11]), true);
  assert.equal(q.peekTime(), 20);
  q.add(5, 'e', 'e', undefined);
  assert.equal(q.peekTime(), 5);
  assert.equal(q.remove(5, 'e', undefined), true);
  assert.equal(q.remove(20, 'c', undefined), true);
  assert.equal(q.remove(30, 'x', undefined), true);
  assert.equal(q.size, 0);
  assert.equal(q.first(), undefined);
});

test('extreme and negative times order correctly', () => {
  const q = new ImpliedTimerQueue();
  const times = [0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 8.5, 1e15];
  for (const t of times) q.add(t, 'k', 'k', undefined);
  const out: number[] = [];
  for (let b = q.first(); b !== undefined; b = q.first()) {
    out.push(b.time);
    q.take(b, 'k');
  }
  assert.deepEqual(out, [...times].sort((a, b) => a - b));
});

type Op =
  | { readonly kind: 'add'; readonly time: number; readonly key: string; readonly ns: number }
  | { readonly kind: 'remove'; readonly time: number; readonly key: string; readonly ns: number }
  | { readonly kind: 'takeFirst' };

const NAMESPACES: ReadonlyArray<readonly [number, number] | undefined> = [undefined, [0, 10], [5, 10]];

test('property: agrees with a model that keeps every timer in a list and picks by time, then namespace, then order', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), time: fc.integer({ min: 0, max: 5 }), key: fc.constantFrom('a', 'b', 'c', 'd'), ns: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('remove' as const), time: fc.integer({ min: 0, max: 5 }), key: fc.constantFrom('a', 'b', 'c', 'd'), ns: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('takeFirst' as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const q = new ImpliedTimerQueue();
      // The model: timers in insertion order; buckets (time, ns) ordered by time, then by the
      // first-created bucket still alive at that time.
      let model: Array<{ time: number; key: string; ns: number }> = [];
      const bucketOrder: Array<{ time: number; ns: number }> = [];
      const id = (t: number, n: number): string => `${t}/${n}`;
      for (const o of ops) {
        if (o.kind === 'add') {
          const isNew = !model.some((m) => m.time === o.time && m.key === o.key && m.ns === o.ns);
          assert.equal(q.add(o.time, o.key, o.key, NAMESPACES[o.ns]), isNew);
          if (isNew) {
            if (!model.some((m) => m.time === o.time && m.ns === o.ns)) bucketOrder.push({ time: o.time, ns: o.ns });
            model.push({ time: o.time, key: o.key, ns: o.ns });
          }
        } else if (o.kind === 'remove') {
          const present = model.some((m) => m.time === o.time && m.key === o.key && m.ns === o.ns);
          assert.equal(q.remove(o.time, o.key, NAMESPACES[o.ns]), present);
          model = model.filter((m) => !(m.time === o.time && m.key === o.key && m.ns === o.ns));
        } else {
          const b = q.first();
          if (model.length === 0) {
            assert.equal(b, undefined);
            continue;
          }
          const minTime = Math.min(...model.map((m) => m.time));
          const firstBucket = bucketOrder.find((x) => x.time === minTime && model.some((m) => m.time === x.time && m.ns === x.ns))!;
          const expectedKey = model.find((m) => m.time === firstBucket.time && m.ns === firstBucket.ns)!.key;
          assert.ok(b !== undefined);
          assert.equal(b.time, minTime);
          assert.deepEqual(b.namespace, NAMESPACES[firstBucket.ns]);
          const key = b.keys.keys().next().value as string;
          assert.equal(key, expectedKey);
          assert.equal(q.take(b, key), true);
          model = model.filter((m) => !(m.time === b.time && m.key === key && m.ns === firstBucket.ns));
        }
        // Buckets that emptied are gone from the model's order too.
        for (let i = bucketOrder.length - 1; i >= 0; i--) {
          const x = bucketOrder[i]!;
          if (!model.some((m) => m.time === x.time && m.ns === x.ns)) bucketOrder.splice(i, 1);
        }
        assert.equal(q.size, model.length);
        assert.equal(q.peekTime(), model.length === 0 ? undefined : Math.min(...model.map((m) => m.time)));
        for (const m of model) assert.equal(q.has(m.time, m.key, NAMESPACES[m.ns]), true, id(m.time, m.ns));
      }
    }),
    { numRuns: 500 },
  );
});
