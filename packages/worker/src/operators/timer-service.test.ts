import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { MapStateDescriptor, ValueStateDescriptor } from '@eddy/api';
import { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { InternalTimerService, parseStoredTimer, storedTimer, TIMER_STATE, TimerDomain } from './timer-service.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-timer-service-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261203 });

test('stored timers parse back exactly: domain, time and window, for any finite times', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  fc.assert(
    fc.property(fc.constantFrom(TimerDomain.EventTime, TimerDomain.ProcessingTime), finite, fc.option(fc.tuple(finite, finite), { nil: undefined }), (domain, time, ns) => {
      const parsed = parseStoredTimer(storedTimer(domain, time, ns));
      assert.equal(parsed.domain, domain);
      // -0 comes back as 0: the same time to the timer index, which keys by SameValueZero.
      assert.ok(parsed.time === time, `${parsed.time} vs ${time}`);
      assert.deepEqual(parsed.ns, ns?.map((x) => x + 0));
    }),
    { numRuns: 1000 },
  );
  assert.equal(storedTimer(TimerDomain.EventTime, 1999, [1000, 2000]), '0:1999:1000:2000');
  assert.equal(storedTimer(TimerDomain.ProcessingTime, -5.25, undefined), '1:-5.25');
});

test('the array form of earlier checkpoints parses too; anything else is refused', () => {
  assert.deepEqual(parseStoredTimer([0, 1999, 1000, 2000]), { domain: TimerDomain.EventTime, time: 1999, ns: [1000, 2000] });
  assert.deepEqual(parseStoredTimer([1, 7]), { domain: TimerDomain.ProcessingTime, time: 7, ns: undefined });
  for (const bad of ['', '0', '0:1:2', '0:x', 'a:b:c:d', [0], [0, 1, 2], ['0', 1], 5, null, { time: 1 }, '0:Infinity'])
    assert.throws(() => parseStoredTimer(bad), RangeError, JSON.stringify(bad));
});

test('implied timers fire in time order with stored ones, are deduplicated with them, and never reach state', async () => {
  const backend = await KeyedStateBackend.open({ dir: path.join(root, 'implied'), maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, cacheBytes: 1 << 20 });
  try {
    const timers = new InternalTimerService(backend);
    const stored = backend.getMapState(new MapStateDescriptor<string, 1>(TIMER_STATE));
    await backend.prefetch(['a', 'b']);
    backend.setCurrentKey('a');
    timers.registerImplied(TimerDomain.EventTime, 1999, [1000, 2000]);
    timers.register(TimerDomain.EventTime, 1999, [1000, 2000]); // the same timer: kept once, not stored
    timers.register(TimerDomain.EventTime, 500, undefined);
    assert.deepEqual(stored.keys(), ['0:500']);
    backend.setCurrentKey('b');
    timers.register(TimerDomain.EventTime, 2999, [2000, 3000]);
    timers.registerImplied(TimerDomain.EventTime, 2999, [2000, 3000]); // already stored: kept once
    timers.restoreImplied(TimerDomain.EventTime, 1500, 'b', [1000, 2000]);
    timers.restoreImplied(TimerDomain.EventTime, 1500, 'b', [1000, 2000]);
    assert.equal(timers.size, 4);
    assert.deepEqual(stored.keys(), ['0:2999:2000:3000']);
    assert.throws(() => timers.registerImplied(TimerDomain.EventTime, Number.NaN, undefined), RangeError);

    const fired: string[] = [];
    await timers.advance(TimerDomain.EventTime, 5000, (t) => {
      fired.push(`${String(backend.getCurrentKey())}@${t.time}${t.stored === undefined ? ' implied' : ''}`);
    });
    assert.deepEqual(fired, ['a@500', 'b@1500 implied', 'a@1999 implied', 'b@2999']);
    assert.equal(timers.size, 0);
    for (const k of ['a', 'b']) {
      backend.setCurrentKey(k);
      assert.deepEqual(stored.keys(), [], `no timer of ${k} left in state`);
    }

    // Deleting an implied timer leaves state alone too.
    backend.setCurrentKey('a');
    timers.registerImplied(TimerDomain.ProcessingTime, 10, undefined);
    timers.delete(TimerDomain.ProcessingTime, 10);
    assert.equal(timers.size, 0);
    assert.deepEqual(stored.keys(), []);
  } finally {
    await backend.close();
  }
});

test('a window-sized bucket fires in cache order across batches; deletes and earlier timers from callbacks take effect at once', async () => {
  const backend = await KeyedStateBackend.open({ dir: path.join(root, 'implied-batches'), maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, cacheBytes: 64 << 20 });
  try {
    const timers = new InternalTimerService(backend);
    // More keys than one firing batch (1024), loaded in ascending order (the cache's order) and
    // registered in a scrambled one.
    const loaded = Array.from({ length: 3000 }, (_v, i) => i);
    await backend.prefetch(loaded);
    const registered = loaded.map((i) => (i * 7919) % 3000);
    for (const k of registered) {
      backend.setCurrentKey(k);
      timers.registerImplied(TimerDomain.EventTime, 1999, [1000, 2000]);
    }
    backend.setCurrentKey(2500);
    timers.register(TimerDomain.EventTime, 1999, undefined); // stored, same time: before the implied ones
    backend.setCurrentKey(0);
    timers.register(TimerDomain.EventTime, 1000, undefined);
    assert.equal(timers.size, 3002);
    assert.equal(timers.nextTime(TimerDomain.EventTime), 1000);

    const fired: string[] = [];
    await timers.advance(TimerDomain.EventTime, 1999, (t) => {
      const k = backend.getCurrentKey() as number;
      fired.push(`${k}@${t.time}`);
      if (t.stored === undefined && k % 10 === 3 && k + 1 < loaded.length) {
        // Deleting a later key's timer of the same window, even one past the next batch.
        backend.setCurrentKey(k + 1);
        timers.delete(TimerDomain.EventTime, 1999, [1000, 2000]);
        backend.setCurrentKey(k);
      }
      if (t.stored === undefined && k === 1500) timers.register(TimerDomain.EventTime, 1500, [0, 1]); // earlier than the rest: fires next
    });
    const expected = ['0@1000', '2500@1999'];
    for (const k of loaded) {
      if (k % 10 === 4) continue; // deleted by the callback of key k - 1
      expected.push(`${k}@1999`);
      if (k === 1500) expected.push('1500@1500');
    }
    assert.deepEqual(fired, expected);
    assert.equal(timers.size, 0);
    assert.equal(timers.nextTime(TimerDomain.EventTime), undefined);
  } finally {
    await backend.close();
  }
});

test('a bucket of few of the cached keys fires in registration order', async () => {
  const backend = await KeyedStateBackend.open({ dir: path.join(root, 'implied-few'), maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, cacheBytes: 64 << 20 });
  try {
    const timers = new InternalTimerService(backend);
    await backend.prefetch(Array.from({ length: 3000 }, (_v, i) => i));
    const registered = Array.from({ length: 100 }, (_v, i) => (i * 7919) % 3000);
    for (const k of registered) {
      backend.setCurrentKey(k);
      timers.registerImplied(TimerDomain.EventTime, 1999, [1000, 2000]);
    }
    const fired: number[] = [];
    await timers.advance(TimerDomain.EventTime, 1999, () => {
      fired.push(backend.getCurrentKey() as number);
    });
    assert.deepEqual(fired, registered);
  } finally {
    await backend.close();
  }
});

test('implied timers of keys not in memory are loaded before they fire', async () => {
  // A cache of a few keys: most keys' state is evicted to RocksDB by the time their timers fire.
  const backend = await KeyedStateBackend.open({ dir: path.join(root, 'implied-evicted'), maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, cacheBytes: 4096 });
  try {
    const timers = new InternalTimerService(backend);
    const values = backend.getState(new ValueStateDescriptor<number>('v'));
    for (let k = 0; k < 2000; k++) {
      await backend.prefetch([k]);
      backend.setCurrentKey(k);
      values.update(k * 3);
      timers.registerImplied(TimerDomain.EventTime, 10, undefined);
    }
    assert.ok(backend.stats().cachedKeys < 2000, `most keys were evicted (${backend.stats().cachedKeys} cached)`);
    let sum = 0;
    let n = 0;
    await timers.advance(TimerDomain.EventTime, 10, () => {
      sum += values.value()!;
      n++;
    });
    assert.equal(n, 2000);
    assert.equal(sum, (3 * 1999 * 2000) / 2);
  } finally {
    await backend.close();
  }
});

/**
 * A window operator's use of implied timers: a key's contents of a window exist exactly while its
 * timer is pending. Registers `keys` (after loading them in ascending order), runs `advance` to
 * 1999 and returns the keys in firing order; `probe` makes cache walks ask the contents.
 */
async function fireWindow(
  dir: string,
  opts: {
    keys: number;
    cacheBytes: number;
    probe: boolean;
    /** The service clears each fired window's contents (the probe's `clear`); the callback only reads them. */
    clearLater?: boolean;
    deleteAfter?: (k: number) => number | undefined;
    earlierAt?: number;
    grow?: boolean;
  },
): Promise<{ fired: string[]; sizeAfter: number; cached: number; evictedWhileFiring: number; events: string[]; leftInWindow: number[] }> {
  const backend = await KeyedStateBackend.open({ dir: path.join(root, dir), maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, cacheBytes: opts.cacheBytes });
  try {
    const timers = new InternalTimerService(backend);
    const contents = backend.getMapState(new MapStateDescriptor<number, number>('contents'));
    const pad = backend.getState(new ValueStateDescriptor<string>('pad'));
    // Fires and clears in the order they happen: `f<key>` and `c<key>`.
    const events: string[] = [];
    const clearLater = opts.clearLater === true;
    if (opts.probe)
      timers.setImpliedProbe(
        (_time, ns) => contents.contains(ns![0]),
        clearLater
          ? (_time, ns) => {
              events.push(`c${String(backend.getCurrentKey())}`);
              assert.ok(contents.contains(ns![0]), `contents of ${String(backend.getCurrentKey())} to clear`);
              contents.remove(ns![0]);
            }
          : undefined,
      );
    for (let i = 0; i < opts.keys; i++) {
      const k = (i * 7919) % opts.keys;
      await backend.prefetch([k]);
      backend.setCurrentKey(k);
      contents.put(1000, k);
      timers.registerImplied(TimerDomain.EventTime, 1999, [1000, 2000]);
    }
    const cached = backend.stats().cachedKeys;
    const evictionsBefore = backend.stats().evictions;
    const fired: string[] = [];
    await timers.advance(TimerDomain.EventTime, 1999, (t) => {
      const k = backend.getCurrentKey() as number;
      if (t.namespace?.[0] === 1000) {
        const read = clearLater && t.stored === undefined ? contents.get(1000) : contents.take(1000);
        assert.equal(read, k, `contents of ${k} when its timer fires`);
        events.push(`f${k}`);
      }
      fired.push(`${k}@${t.time}`);
      const victim = t.stored === undefined ? opts.deleteAfter?.(k) : undefined;
      if (victim !== undefined) {
        // Deleting another key's timer of the same window: its contents stay, its timer must not fire.
        backend.setCurrentKey(victim);
        timers.delete(TimerDomain.EventTime, 1999, [1000, 2000]);
        backend.setCurrentKey(k);
      }
      if (k === opts.earlierAt && t.time === 1999) timers.register(TimerDomain.EventTime, 1500, [0, 1]);
      // State growing while a window fires pushes keys out of memory, some before the walk reaches them.
      if (opts.grow === true) pad.update('x'.repeat(2000));
    });
    const evictedWhileFiring = backend.stats().evictions - evictionsBefore;
    // Every key's contents of the window, cached or not, must be gone.
    const leftInWindow: number[] = [];
    for (let k = 0; k < opts.keys; k++) {
      await backend.prefetch([k]);
      backend.setCurrentKey(k);
      if (contents.contains(1000)) leftInWindow.push(k);
    }
    return { fired, sizeAfter: timers.size, cached, evictedWhileFiring, events, leftInWindow };
  } finally {
    await backend.close();
  }
}

test('a cache walk that asks the state (a probe) fires exactly the timers a walk over the bucket fires, in the same order', async () => {
  const cases = [
    { name: 'plain', keys: 3000, cacheBytes: 64 << 20 },
    { name: 'earlier timer mid-walk', keys: 3000, cacheBytes: 64 << 20, earlierAt: 1500 },
    { name: 'deletes', keys: 3000, cacheBytes: 64 << 20, deleteAfter: (k: number) => (k % 10 === 3 && k + 1 < 3000 ? k + 1 : undefined) },
    // Key 0 fires first: deleting its timer afterwards changes nothing but how the walk goes on.
    { name: 'a delete of a fired timer', keys: 3000, cacheBytes: 64 << 20, deleteAfter: (k: number) => (k === 2999 ? 0 : undefined) },
  ];
  for (const c of cases) {
    const viaBucket = await fireWindow(`probe-off-${c.name}`, { ...c, probe: false });
    const viaProbe = await fireWindow(`probe-on-${c.name}`, { ...c, probe: true });
    const clearedLater = await fireWindow(`probe-clear-${c.name}`, { ...c, probe: true, clearLater: true });
    assert.deepEqual(viaProbe.fired, viaBucket.fired, c.name);
    assert.deepEqual(clearedLater.fired, viaBucket.fired, c.name);
    for (const r of [viaBucket, viaProbe, clearedLater]) {
      assert.equal(r.sizeAfter, 0, c.name);
      // A deleted timer's window keeps its contents; every other key's are gone.
      const deleted = [...new Set(Array.from({ length: c.keys }, (_v, k) => c.deleteAfter?.(k)))].filter((v) => v !== undefined);
      assert.deepEqual(r.leftInWindow, deleted.filter((v) => !r.fired.includes(`${v}@1999`)).sort((a, b) => a - b), c.name);
    }
    // The plain model: keys fire in the cache's order (the order they were loaded in), a deleted
    // timer that has not fired never fires, and an earlier timer fires right after its callback.
    const expected: string[] = [];
    const done = new Set<number>();
    for (let i = 0; i < c.keys; i++) {
      const k = (i * 7919) % c.keys;
      if (done.has(k)) continue;
      done.add(k);
      expected.push(`${k}@1999`);
      const victim = c.deleteAfter?.(k);
      if (victim !== undefined) done.add(victim);
      if (k === c.earlierAt) expected.push(`${k}@1500`);
    }
    assert.deepEqual(viaProbe.fired, expected, c.name);
  }
});

test('a probing walk leaves the timers of keys not in memory queued, and they fire once loaded', async () => {
  const r = await fireWindow('probe-evicted', { keys: 2000, cacheBytes: 64 << 10, probe: true });
  assert.ok(r.cached < 2000 && r.cached >= 100, `a part of the keys stayed cached (${r.cached} of 2000)`);
  assert.deepEqual(
    r.fired.map((f) => Number(f.split('@')[0])).sort((a, b) => a - b),
    Array.from({ length: 2000 }, (_v, k) => k),
  );
  assert.equal(r.sizeAfter, 0);
});

test('keys pushed out of memory while a probing walk fires a window fire once each, after the walk', async () => {
  const r = await fireWindow('probe-evicting', { keys: 3000, cacheBytes: 2 << 20, probe: true, grow: true });
  assert.equal(r.cached, 3000, 'every key was in memory when the window began to fire');
  assert.ok(r.evictedWhileFiring > 0, 'keys were evicted while firing');
  assert.deepEqual(
    r.fired.map((f) => Number(f.split('@')[0])).sort((a, b) => a - b),
    Array.from({ length: 3000 }, (_v, k) => k),
  );
  assert.equal(r.sizeAfter, 0);
});

test('with a clear, a walk emits every result of a window before it clears any contents, and clears each fired key once', async () => {
  const r = await fireWindow('probe-clear-order', { keys: 3000, cacheBytes: 64 << 20, probe: true, clearLater: true });
  assert.equal(r.fired.length, 3000);
  const fires = r.events.filter((e) => e.startsWith('f'));
  const clears = r.events.filter((e) => e.startsWith('c'));
  assert.deepEqual(r.events, [...fires, ...clears], 'all fires come before the first clear');
  assert.deepEqual(
    clears.map((e) => e.slice(1)),
    fires.map((e) => e.slice(1)),
    'each fired key is cleared once, in firing order',
  );
  assert.deepEqual(r.leftInWindow, []);
  assert.equal(r.sizeAfter, 0);
});

test('with a clear, a walk cut short by an earlier timer clears what it fired first, and fires no key twice', async () => {
  const r = await fireWindow('probe-clear-earlier', { keys: 3000, cacheBytes: 64 << 20, probe: true, clearLater: true, earlierAt: 1500 });
  const firedAt1999 = r.fired.filter((f) => f.endsWith('@1999')).map((f) => Number(f.split('@')[0]));
  assert.equal(new Set(firedAt1999).size, 3000, 'each key fired once');
  // Key 1500's earlier timer fires right after it: everything fired before is cleared by then.
  const at = r.events.indexOf('f1500');
  const before = r.events.slice(0, at + 1).filter((e) => e.startsWith('f')).length;
  assert.equal(r.events.slice(at + 1, at + 1 + before).filter((e) => e.startsWith('c')).length, before);
  assert.deepEqual(r.leftInWindow, []);
  assert.equal(r.sizeAfter, 0);
});

test('with a clear, keys pushed out of memory while a window fires are loaded again and cleared', async () => {
  const r = await fireWindow('probe-clear-evicting', { keys: 3000, cacheBytes: 2 << 20, probe: true, grow: true, clearLater: true });
  assert.equal(r.cached, 3000, 'every key was in memory when the window began to fire');
  assert.ok(r.evictedWhileFiring > 0, 'keys were evicted while firing');
  assert.deepEqual(
    r.fired.map((f) => Number(f.split('@')[0])).sort((a, b) => a - b),
    Array.from({ length: 3000 }, (_v, k) => k),
  );
  const clears = r.events.filter((e) => e.startsWith('c'));
  assert.equal(clears.length, 3000, 'one clear per key');
  assert.equal(new Set(clears).size, 3000, 'each key cleared once');
  assert.deepEqual(r.leftInWindow, []);
  assert.equal(r.sizeAfter, 0);
});

test('with a clear, timers of keys not in memory fire batch by batch and are cleared right after their callback', async () => {
  const r = await fireWindow('probe-clear-uncached', { keys: 2000, cacheBytes: 64 << 10, probe: true, clearLater: true });
  assert.ok(r.cached < 2000 && r.cached >= 100, `a part of the keys stayed cached (${r.cached} of 2000)`);
  assert.deepEqual(
    r.fired.map((f) => Number(f.split('@')[0])).sort((a, b) => a - b),
    Array.from({ length: 2000 }, (_v, k) => k),
  );
  // The walk's keys are cleared after the walk; each uncached key right after its own firing.
  const firstClear = r.events.findIndex((e) => e.startsWith('c'));
  const afterWalk = r.events.slice(firstClear);
  const walkFires = r.events.slice(0, firstClear).length;
  assert.equal(walkFires, r.cached, 'the walk fired exactly the cached keys');
  const rest = afterWalk.slice(walkFires);
  assert.equal(rest.length, 2 * (2000 - r.cached), 'a fire and a clear for every key the walk did not reach');
  for (let i = 0; i < rest.length; i += 2) assert.equal(rest[i + 1], `c${rest[i]!.slice(1)}`, `key ${rest[i]} cleared right after it fired`);
  assert.deepEqual(r.leftInWindow, []);
  assert.equal(r.sizeAfter, 0);
});
