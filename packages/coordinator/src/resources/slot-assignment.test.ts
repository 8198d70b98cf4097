import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSlots } from './slot-assignment.js';

test('slots spread evenly across workers', () => {
  assert.deepEqual(assignSlots(4, [{ workerId: 'a', freeSlots: 4 }, { workerId: 'b', freeSlots: 4 }]), ['a', 'b', 'a', 'b']);
  const three = assignSlots(4, [
    { workerId: 'a', freeSlots: 2 },
    { workerId: 'b', freeSlots: 2 },
    { workerId: 'c', freeSlots: 2 },
  ])!;
  for (const w of ['a', 'b', 'c']) assert.ok(three.filter((x) => x === w).length >= 1);
});

test('uneven free slots fill the emptiest worker first', () => {
  assert.deepEqual(assignSlots(3, [{ workerId: 'a', freeSlots: 1 }, { workerId: 'b', freeSlots: 3 }]), ['b', 'b', 'a']);
});

test('not enough slots gives undefined', () => {
  assert.equal(assignSlots(5, [{ workerId: 'a', freeSlots: 2 }, { workerId: 'b', freeSlots: 2 }]), undefined);
  assert.equal(assignSlots(1, []), undefined);
  assert.deepEqual(assignSlots(0, []), []);
});

test('never assigns more than a worker offers', () => {
  for (let req = 0; req <= 10; req++) {
    const offers = [
      { workerId: 'a', freeSlots: 3 },
      { workerId: 'b', freeSlots: 0 },
      { workerId: 'c', freeSlots: 5 },
    ];
    const r = assignSlots(req, offers);
    if (req > 8) assert.equal(r, undefined);
    else {
      assert.equal(r!.length, req);
      for (const o of offers) assert.ok(r!.filter((x) => x === o.workerId).length <= o.freeSlots);
    }
  }
});
