import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CacheKey } from '../state/key-layout.js';
import type { Timer } from './timer-heap.js';
import { TimerIndex } from './timer-index.js';

function timer(time: number, cacheKey: CacheKey, namespace: readonly [number, number] | undefined, seq: number): Timer {
  return { time, key: cacheKey, cacheKey, namespace, stored: `${time}`, seq };
}

test('a timer is found by time, key and namespace, and only by them', () => {
  const index = new TimerIndex();
  const t = timer(10, 'a', [0, 10], 0);
  index.add(t);
  assert.equal(index.find(10, 'a', [0, 10]), t);
  assert.equal(index.find(10, 'a', [0, 11]), undefined);
  assert.equal(index.find(10, 'a', undefined), undefined);
  assert.equal(index.find(11, 'a', [0, 10]), undefined);
  assert.equal(index.find(10, 'b', [0, 10]), undefined);
  assert.equal(index.size, 1);
});

test('several namespaces of one key and time are kept apart', () => {
  const index = new TimerIndex();
  const a = timer(5, 1, [0, 5], 0);
  const b = timer(5, 1, [2, 5], 1);
  const c = timer(5, 1, undefined, 2);
  index.add(a);
  index.add(b);
  index.add(c);
  assert.equal(index.size, 3);
  assert.equal(index.remove(5, 1, [2, 5]), b);
  assert.equal(index.find(5, 1, [0, 5]), a);
  assert.equal(index.find(5, 1, undefined), c);
  assert.equal(index.remove(5, 1, [2, 5]), undefined);
  assert.equal(index.size, 2);
});

test('a deleted and re-registered timer makes the old object stale', () => {
  const index = new TimerIndex();
  const old = timer(7, 'k', undefined, 0);
  index.add(old);
  index.remove(7, 'k', undefined);
  const again = timer(7, 'k', undefined, 1);
  index.add(again);
  assert.equal(index.isLive(old), false);
  assert.equal(index.isLive(again), true);
  assert.equal(index.removeTimer(old), false);
  assert.equal(index.removeTimer(again), true);
  assert.equal(index.size, 0);
});

test('matches a set of string ids under random adds and removes (fast-check model)', () => {
  const coord = fc.tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom<CacheKey>('a', 'b', 1, 2, null),
    fc.option(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 3, max: 4 })), { nil: undefined }),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), coord), { maxLength: 200 }), (ops) => {
      const index = new TimerIndex();
      const model = new Map<string, Timer>();
      let seq = 0;
      for (const [add, [time, key, ns]] of ops) {
        const id = `${time}|${typeof key}:${String(key)}|${ns === undefined ? '-' : ns.join(',')}`;
        if (add) {
          if (index.find(time, key, ns) !== undefined) {
            assert.ok(model.has(id));
            continue;
          }
          assert.ok(!model.has(id));
          const t = timer(time, key, ns, seq++);
          index.add(t);
          model.set(id, t);
        } else {
          assert.equal(index.remove(time, key, ns), model.get(id));
          model.delete(id);
        }
        assert.equal(index.size, model.size);
      }
      for (const t of model.values()) assert.ok(index.isLive(t));
    }),
    { numRuns: 300 },
  );
});
