import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CacheKey } from '../state/key-layout.js';
import { TimerHeap, type Timer } from './timer-heap.js';

function timer(time: number, seq: number, key: unknown = 'k', namespace?: readonly [number, number]): Timer {
  return { time, key, namespace, cacheKey: key as CacheKey, stored: `${time}`, seq };
}

function drain(h: TimerHeap): Timer[] {
  const out: Timer[] = [];
  for (let t = h.pop(); t !== undefined; t = h.pop()) out.push(t);
  return out;
}

/** The order the heap promises: by time, then by registration sequence. */
function byTimeThenSeq(a: Timer, b: Timer): number {
  return a.time - b.time || a.seq - b.seq;
}

test('an empty heap: size 0, peek and pop give undefined', () => {
  const h = new TimerHeap();
  assert.equal(h.size, 0);
  assert.equal(h.peek(), undefined);
  assert.equal(h.pop(), undefined);
  assert.equal(h.size, 0, 'popping an empty heap leaves it empty');
});

test('pop returns timers by time, earliest first; peek shows the next without removing it', () => {
  const h = new TimerHeap();
  for (const [i, time] of [50, 10, 40, 20, 30, -5, 100].entries()) h.push(timer(time, i));
  assert.equal(h.size, 7);
  assert.equal(h.peek()?.time, -5);
  assert.equal(h.peek()?.time, -5, 'peek is idempotent');
  assert.equal(h.size, 7);
  assert.deepEqual(
    drain(h).map((t) => t.time),
    [-5, 10, 20, 30, 40, 50, 100],
  );
  assert.equal(h.size, 0);
});

test('timers of equal time come out by registration sequence, whatever the push order', () => {
  const h = new TimerHeap();
  h.push(timer(7, 3, 'c'));
  h.push(timer(7, 1, 'a'));
  h.push(timer(5, 9, 'first'));
  h.push(timer(7, 2, 'b'));
  h.push(timer(7, 0, 'z'));
  assert.deepEqual(
    drain(h).map((t) => t.key),
    ['first', 'z', 'a', 'b', 'c'],
  );
});

test('the heap returns the very objects pushed, and keeps duplicates (deduplication is the timer service)', () => {
  const h = new TimerHeap();
  const a = timer(1, 0, 'k', [0, 10]);
  const dup = timer(1, 1, 'k', [0, 10]);
  h.push(a);
  h.push(dup);
  assert.equal(h.size, 2);
  assert.equal(h.pop(), a);
  assert.equal(h.pop(), dup);
  assert.equal(h.pop(), undefined);
});

test('extreme times order correctly', () => {
  const h = new TimerHeap();
  h.push(timer(Number.MAX_SAFE_INTEGER, 0));
  h.push(timer(0, 1));
  h.push(timer(Number.MIN_SAFE_INTEGER, 2));
  h.push(timer(Number.MAX_SAFE_INTEGER - 1, 3));
  assert.deepEqual(
    drain(h).map((t) => t.time),
    [Number.MIN_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
  );
});

test('interleaved pushes and pops: a timer earlier than the head becomes the head', () => {
  const h = new TimerHeap();
  h.push(timer(10, 0));
  h.push(timer(20, 1));
  assert.equal(h.pop()?.time, 10);
  h.push(timer(5, 2));
  assert.equal(h.peek()?.time, 5);
  h.push(timer(20, 3));
  h.push(timer(15, 4));
  assert.deepEqual(
    drain(h).map((t) => [t.time, t.seq]),
    [
      [5, 2],
      [15, 4],
      [20, 1],
      [20, 3],
    ],
  );
});

test('many timers: popping gives them sorted (a heap larger than a few levels)', () => {
  const h = new TimerHeap();
  const all: Timer[] = [];
  // A deterministic pseudo-random sequence (LCG) with many equal times.
  let x = 12345;
  for (let i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const t = timer(x % 500, i);
    all.push(t);
    h.push(t);
  }
  assert.equal(h.size, 5000);
  assert.deepEqual(drain(h), all.slice().sort(byTimeThenSeq));
});

test('property: push/pop/peek agree with a sorted-array model', () => {
  type Op = { readonly push: number } | 'pop' | 'peek';
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ push: fc.integer({ min: -20, max: 20 }) }) },
    { weight: 3, arbitrary: fc.constant('pop' as const) },
    { weight: 1, arbitrary: fc.constant('peek' as const) },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const h = new TimerHeap();
      const model: Timer[] = [];
      let seq = 0;
      for (const o of ops) {
        if (o === 'pop') assert.equal(h.pop(), model.shift());
        else if (o === 'peek') assert.equal(h.peek(), model[0]);
        else {
          const t = timer(o.push, seq++);
          h.push(t);
          model.push(t);
          model.sort(byTimeThenSeq);
        }
        assert.equal(h.size, model.length);
        assert.equal(h.peek(), model[0]);
      }
      assert.deepEqual(drain(h), model);
    }),
    { numRuns: 500 },
  );
});

test('property: sequence numbers pushed out of order still break ties by sequence', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }),
      (seqs, times) => {
        const h = new TimerHeap();
        const pushed = seqs.map((s, i) => timer(times[i]!, s));
        for (const t of pushed) h.push(t);
        assert.deepEqual(drain(h), pushed.slice().sort(byTimeThenSeq));
      },
    ),
  );
});
