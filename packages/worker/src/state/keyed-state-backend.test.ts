import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  type AggregatingState,
  type ListState,
  type MapState,
  type ReducingState,
  type ValueState,
} from '@eddy/api';
import { KeyedStateBackend, type KeyedStateBackendOptions, type KeyedStateSnapshot } from './keyed-state-backend.js';
import type { RocksMapState } from './keyed-states.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261125 });

const root = mkdtempSync(path.join(tmpdir(), 'eddy-state-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => path.join(root, `b${dirs++}`);

const MAX_PARALLELISM = 128;
const ALL_GROUPS = { start: 0, end: MAX_PARALLELISM - 1 };

function open(cacheBytes: number, extra: Partial<KeyedStateBackendOptions> = {}): Promise<KeyedStateBackend> {
  return KeyedStateBackend.open({ dir: freshDir(), maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL_GROUPS, cacheBytes, ...extra });
}

type Key = number | string | [number, string];
type Val = number | string | boolean | null | { a: number } | number[];
type UserKey = number | string;

const keys: Key[] = [0, 1, 2, 3, 'a', 'b', 'c', [1, 'x']];
const keyArb = fc.constantFrom(...keys);
const userKeyArb: fc.Arbitrary<UserKey> = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('p', 'q'));
const valArb: fc.Arbitrary<Val> = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.record({ a: fc.integer() }, { noNullPrototype: true }),
  fc.array(fc.integer(), { maxLength: 3 }),
);

type Op =
  | { t: 'value.update'; k: Key; v: Val }
  | { t: 'value.clear'; k: Key }
  | { t: 'list.add'; k: Key; v: Val }
  | { t: 'list.addAll'; k: Key; vs: Val[] }
  | { t: 'list.update'; k: Key; vs: Val[] }
  | { t: 'list.clear'; k: Key }
  | { t: 'map.put'; k: Key; uk: UserKey; v: Val }
  | { t: 'map.putAll'; k: Key; entries: Array<[UserKey, Val]> }
  | { t: 'map.remove'; k: Key; uk: UserKey }
  | { t: 'map.take'; k: Key; uk: UserKey }
  | { t: 'map.clear'; k: Key }
  | { t: 'reduce.add'; k: Key; n: number }
  | { t: 'reduce.clear'; k: Key }
  | { t: 'agg.add'; k: Key; n: number }
  | { t: 'agg.clear'; k: Key }
  | { t: 'read'; k: Key; uk: UserKey }
  | { t: 'restore' }
  | { t: 'barrier' };

const smallInt = fc.integer({ min: -1000, max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('value.update' as const), k: keyArb, v: valArb }),
  fc.record({ t: fc.constant('value.clear' as const), k: keyArb }),
  fc.record({ t: fc.constant('list.add' as const), k: keyArb, v: valArb }),
  fc.record({ t: fc.constant('list.addAll' as const), k: keyArb, vs: fc.array(valArb, { maxLength: 3 }) }),
  fc.record({ t: fc.constant('list.update' as const), k: keyArb, vs: fc.array(valArb, { maxLength: 3 }) }),
  fc.record({ t: fc.constant('list.clear' as const), k: keyArb }),
  fc.record({ t: fc.constant('map.put' as const), k: keyArb, uk: userKeyArb, v: valArb }),
  fc.record({ t: fc.constant('map.putAll' as const), k: keyArb, entries: fc.array(fc.tuple(userKeyArb, valArb), { maxLength: 3 }) }),
  fc.record({ t: fc.constant('map.remove' as const), k: keyArb, uk: userKeyArb }),
  fc.record({ t: fc.constant('map.take' as const), k: keyArb, uk: userKeyArb }),
  fc.record({ t: fc.constant('map.clear' as const), k: keyArb }),
  fc.record({ t: fc.constant('reduce.add' as const), k: keyArb, n: smallInt }),
  fc.record({ t: fc.constant('reduce.clear' as const), k: keyArb }),
  fc.record({ t: fc.constant('agg.add' as const), k: keyArb, n: smallInt }),
  fc.record({ t: fc.constant('agg.clear' as const), k: keyArb }),
  fc.record({ t: fc.constant('read' as const), k: keyArb, uk: userKeyArb }),
  fc.constant({ t: 'restore' as const }),
  fc.constant({ t: 'barrier' as const }),
);
/** An operation sequence long enough to cross evictions, reloads and several barriers. */
const opsArb = fc.array(opArb, { minLength: 40, maxLength: 120, size: 'max' });
/**
 * Which states a sequence registers: all kinds, or only the single-value ones, whose full
 * snapshots from the cache are copies of the record arena (record-arena.ts).
 */
type StateSet = 'all' | 'single';
const singleOpArb = opArb.filter((op) => !op.t.startsWith('list.') && !op.t.startsWith('map.'));
/** {@link opsArb} for the single-value states only. */
const singleOpsArb = fc.array(singleOpArb, { minLength: 40, maxLength: 120, size: 'max' });
/** Every how many barriers a snapshot is full rather than a delta. */
const fullEveryArb = fc.integer({ min: 1, max: 6 });

/** The plain model of one key's state. */
interface ModelKey {
  value?: Val;
  list: Val[];
  map: Map<string, [UserKey, Val]>;
  sum?: number;
  agg?: { sum: number; count: number };
}
type Model = Map<string, ModelKey>;
const id = (k: unknown): string => JSON.stringify(k);

function modelOf(model: Model, k: Key): ModelKey {
  let m = model.get(id(k));
  if (m === undefined) {
    m = { list: [], map: new Map() };
    model.set(id(k), m);
  }
  return m;
}

function copyModel(model: Model): Model {
  return new Map(Array.from(model, ([k, m]) => [k, { ...m, list: m.list.slice(), map: new Map(m.map) }]));
}

const average: { createAccumulator(): { sum: number; count: number }; add(v: number, acc: { sum: number; count: number }): { sum: number; count: number }; getResult(acc: { sum: number; count: number }): string } = {
  createAccumulator: () => ({ sum: 0, count: 0 }),
  // Mutates the accumulator in place, as Flink aggregate functions often do.
  add: (v, acc) => {
    acc.sum += v;
    acc.count++;
    return acc;
  },
  getResult: (acc) => `${acc.sum}/${acc.count}`,
};

interface States {
  value: ValueState<Val>;
  /** Absent for the single-value {@link StateSet}. */
  list: ListState<Val> | undefined;
  map: RocksMapState<UserKey, Val> | undefined;
  sum: ReducingState<number>;
  agg: AggregatingState<number, string>;
}

function statesOf(b: KeyedStateBackend, set: StateSet = 'all'): States {
  return {
    value: b.getState(new ValueStateDescriptor<Val>('value')),
    list: set === 'all' ? b.getListState(new ListStateDescriptor<Val>('list')) : undefined,
    map: set === 'all' ? b.getMapState(new MapStateDescriptor<UserKey, Val>('map')) : undefined,
    sum: b.getReducingState(new ReducingStateDescriptor<number>('sum', (a, c) => a + c)),
    agg: b.getAggregatingState(new AggregatingStateDescriptor('agg', average)),
  };
}

const byKey = (a: [unknown, unknown], b: [unknown, unknown]): number => (id(a[0]) < id(b[0]) ? -1 : id(a[0]) > id(b[0]) ? 1 : 0);

/** Checks every state of key `k` against the model. */
function checkKey(s: States, m: ModelKey | undefined, k: Key): void {
  const at = `key ${id(k)}`;
  assert.deepEqual(s.value.value(), m?.value, `${at} value`);
  if (s.list !== undefined) assert.deepEqual(s.list.get(), m?.list ?? [], `${at} list`);
  if (s.map !== undefined) {
    const entries = Array.from(m?.map.values() ?? []).sort(byKey);
    assert.deepEqual(s.map.entries().sort(byKey), entries, `${at} map entries`);
    assert.deepEqual(s.map.keys().map(id).sort(), entries.map(([uk]) => id(uk)).sort(), `${at} map keys`);
    assert.equal(s.map.values().length, entries.length, `${at} map values`);
    assert.equal(s.map.isEmpty(), entries.length === 0, `${at} map isEmpty`);
  }
  assert.equal(s.sum.get(), m?.sum, `${at} reducing`);
  assert.equal(s.agg.get(), m?.agg === undefined ? undefined : `${m.agg.sum}/${m.agg.count}`, `${at} aggregating`);
}

async function checkAll(b: KeyedStateBackend, model: Model, set: StateSet = 'all'): Promise<void> {
  const s = statesOf(b, set);
  await b.prefetch(keys);
  for (const k of keys) {
    b.setCurrentKey(k);
    checkKey(s, model.get(id(k)), k);
  }
}

async function restoreInto(snap: KeyedStateSnapshot, cacheBytes: number, extra: Partial<KeyedStateBackendOptions> = {}): Promise<KeyedStateBackend> {
  const file = path.join(root, `snap-${dirs++}`);
  const written = await snap.writeTo(file);
  const restored = await open(cacheBytes, extra);
  await restored.restore([{ file, sha256: written.sha256 }]);
  return restored;
}

/** Applies one state operation to the backend's states and to the model; `read` checks them. */
function applyOp(s: States, m: ModelKey, op: Exclude<Op, { t: 'restore' } | { t: 'barrier' }>): void {
  switch (op.t) {
    case 'value.update':
      s.value.update(op.v);
      m.value = op.v;
      break;
    case 'value.clear':
      s.value.clear();
      delete m.value;
      break;
    case 'list.add':
      s.list!.add(op.v);
      m.list.push(op.v);
      break;
    case 'list.addAll':
      s.list!.addAll(op.vs);
      m.list.push(...op.vs);
      break;
    case 'list.update':
      s.list!.update(op.vs);
      m.list = op.vs.slice();
      break;
    case 'list.clear':
      s.list!.clear();
      m.list = [];
      break;
    case 'map.put':
      s.map!.put(op.uk, op.v);
      m.map.set(id(op.uk), [op.uk, op.v]);
      break;
    case 'map.putAll':
      s.map!.putAll(op.entries);
      for (const [uk, v] of op.entries) m.map.set(id(uk), [uk, v]);
      break;
    case 'map.remove':
      s.map!.remove(op.uk);
      m.map.delete(id(op.uk));
      break;
    case 'map.take':
      assert.deepEqual(s.map!.take(op.uk), m.map.get(id(op.uk))?.[1]);
      m.map.delete(id(op.uk));
      break;
    case 'map.clear':
      s.map!.clear();
      m.map.clear();
      break;
    case 'reduce.add':
      s.sum.add(op.n);
      m.sum = (m.sum ?? 0) + op.n;
      break;
    case 'reduce.clear':
      s.sum.clear();
      delete m.sum;
      break;
    case 'agg.add':
      s.agg.add(op.n);
      m.agg = { sum: (m.agg?.sum ?? 0) + op.n, count: (m.agg?.count ?? 0) + 1 };
      break;
    case 'agg.clear':
      s.agg.clear();
      delete m.agg;
      break;
    case 'read':
      checkKey(s, m, op.k);
      if (s.map !== undefined) {
        assert.deepEqual(s.map.get(op.uk), m.map.get(id(op.uk))?.[1]);
        assert.equal(s.map.contains(op.uk), m.map.has(id(op.uk)));
      }
      break;
  }
}

/** Runs one operation sequence against a backend and the model; checks reads as it goes. */
async function runSequence(ops: Op[], cacheBytes: number, extra: Partial<KeyedStateBackendOptions> = {}, set: StateSet = 'all'): Promise<void> {
  let b = await open(cacheBytes, extra);
  let s = statesOf(b, set);
  const model: Model = new Map();
  const barriers: Array<{ snap: KeyedStateSnapshot; model: Model }> = [];
  let barrierCount = 0;
  // Each barrier's snapshot holds exactly the state at its barrier, whatever came after.
  const verifyBarriers = async (): Promise<void> => {
    for (const { snap, model: atBarrier } of barriers.splice(0)) {
      const restored = await restoreInto(snap, cacheBytes);
      try {
        await checkAll(restored, atBarrier, set);
      } finally {
        await restored.dispose();
      }
    }
  };
  try {
    for (const op of ops) {
      if (op.t === 'restore') {
        const restored = await restoreInto(b.snapshotSync(1), cacheBytes, extra);
        // Snapshots must be written before their backend closes.
        await verifyBarriers();
        await b.dispose();
        b = restored;
        s = statesOf(b, set);
        continue;
      }
      if (op.t === 'barrier') {
        if (barrierCount++ < 3) barriers.push({ snap: b.snapshotSync(2), model: copyModel(model) });
        continue;
      }
      await b.prefetch([op.k]);
      b.setCurrentKey(op.k);
      const m = modelOf(model, op.k);
      applyOp(s, m, op);
    }
    await checkAll(b, model, set);
    await verifyBarriers();
  } finally {
    for (const { snap } of barriers) await snap.discard();
    await b.dispose();
  }
}

test('all state kinds behave like a plain model under random operations, evictions, barriers and restores', async () => {
  // 1200 bytes hold about two keys: almost every operation evicts and reloads.
  await fc.assert(
    fc.asyncProperty(opsArb, (ops) => runSequence(ops, 1200)),
    { numRuns: 20 },
  );
});

test('the same with barriers captured one entry at a time, so that later writes and evictions interleave with the capture', async () => {
  await fc.assert(
    fc.asyncProperty(opsArb, (ops) =>
      runSequence(ops, 1200, { barrierSliceEntries: 1 }),
    ),
    { numRuns: 20 },
  );
});

test('the same sequences without evictions (everything cached)', async () => {
  await fc.assert(
    fc.asyncProperty(opsArb, (ops) => runSequence(ops, 64 << 20)),
    { numRuns: 8 },
  );
});

test('the same with a cache of a few keys: restores fit in the cache, then their keys are evicted and read back', async () => {
  await fc.assert(
    fc.asyncProperty(opsArb, (ops) => runSequence(ops, 3000, { incremental: true })),
    { numRuns: 10 },
  );
});

test('state of a key is only reachable after prefetch, and only for owned key groups', async () => {
  const b = await KeyedStateBackend.open({
    dir: freshDir(),
    maxParallelism: MAX_PARALLELISM,
    keyGroupRange: { start: 0, end: 63 },
    cacheBytes: 1 << 20,
  });
  try {
    const v = b.getState(new ValueStateDescriptor<number>('v'));
    assert.throws(() => v.value(), /no current key/);
    // Find one key inside and one outside the range [0, 63].
    const { assignToKeyGroup } = await import('@eddy/common');
    const inside = Array.from({ length: 100 }, (_, i) => `k${i}`).find((k) => assignToKeyGroup(k, MAX_PARALLELISM) <= 63)!;
    const outside = Array.from({ length: 100 }, (_, i) => `k${i}`).find((k) => assignToKeyGroup(k, MAX_PARALLELISM) > 63)!;
    b.setCurrentKey(inside);
    assert.equal(b.isCached(inside), false);
    assert.throws(() => v.value(), /is not loaded: await prefetch/);
    await b.prefetch([inside]);
    assert.equal(b.isCached(inside), true);
    assert.equal(v.value(), undefined);
    v.update(5);
    assert.equal(v.value(), 5);
    await assert.rejects(b.prefetch([outside]), /outside this backend's range \[0, 63\]/);
    assert.throws(() => b.getListState(new ListStateDescriptor('v')), /'v' is a value state; it cannot be used as a list state/);
    assert.throws(() => v.update((() => 1) as unknown as number), TypeError);
    assert.equal(v.value(), 5, 'a failed update leaves the value unchanged');
  } finally {
    await b.dispose();
  }
});

test('values are copied on write: mutating an object after update does not reach a checkpoint', async () => {
  const b = await open(1 << 20);
  try {
    const v = b.getState(new ValueStateDescriptor<{ n: number }>('v'));
    await b.prefetch(['k']);
    b.setCurrentKey('k');
    const obj = { n: 1 };
    v.update(obj);
    const snap = b.snapshotSync(1);
    obj.n = 2; // mutated without update
    v.update({ n: 3 }); // written after the barrier
    const restored = await restoreInto(snap, 1 << 20);
    try {
      const rv = restored.getState(new ValueStateDescriptor<{ n: number }>('v'));
      await restored.prefetch(['k']);
      restored.setCurrentKey('k');
      assert.deepEqual(rv.value(), { n: 1 });
    } finally {
      await restored.dispose();
    }
  } finally {
    await b.dispose();
  }
});

test('open deletes a directory an earlier backend left, and refuses a foreign non-empty one', async () => {
  const dir = freshDir();
  const options = { dir, maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL_GROUPS, cacheBytes: 1 << 20 };
  const first = await KeyedStateBackend.open(options);
  const v = first.getState(new ValueStateDescriptor<number>('v'));
  await first.prefetch(['k']);
  first.setCurrentKey('k');
  v.update(1);
  await first.snapshotSync(1).discard(); // the value is now in RocksDB
  await first.close(); // a crash: the directory stays
  writeFileSync(path.join(dir, 'leftover.txt'), 'from the earlier attempt');
  const second = await KeyedStateBackend.open(options);
  try {
    assert.equal(existsSync(path.join(dir, 'leftover.txt')), false, 'the old directory was deleted');
    await second.prefetch(['k']);
    second.setCurrentKey('k');
    assert.equal(second.getState(new ValueStateDescriptor<number>('v')).value(), undefined);
  } finally {
    await second.dispose();
  }
  assert.equal(existsSync(dir), false);
  const foreign = freshDir();
  mkdirSync(foreign);
  writeFileSync(path.join(foreign, 'precious.txt'), 'keep me');
  await assert.rejects(
    KeyedStateBackend.open({ ...options, dir: foreign }),
    /is not empty and was not created by a state backend; refusing to delete it/,
  );
  assert.equal(readFileSync(path.join(foreign, 'precious.txt'), 'utf8'), 'keep me');
});

test('a batch found cached through isCached stays cached while it is processed, even as writes evict', async () => {
  // 16 keys of 300-700 bytes each, in a cache of about 10 keys.
  const b = await open(6 * 1024);
  try {
    const value = b.getState(new ValueStateDescriptor<string>('v'));
    const model = new Map<number, string>();
    let x = 7;
    const next = (): number => Math.floor((x = (x * 1103515245 + 12345) % 2147483648) / 65536) % 16;
    let skipped = 0;
    for (let round = 0; round < 400; round++) {
      const batch = Array.from({ length: 4 }, next);
      // The operator's pattern: await only when some key is cold.
      if (!batch.every((k) => b.isCached(k))) await b.prefetch(batch);
      else skipped++;
      for (const [i, k] of batch.entries()) {
        b.setCurrentKey(k);
        assert.equal(value.value(), model.get(k));
        // Writes evict; the keys after the first are often clean (a barrier wrote them), so an
        // unprotected one would be dropped rather than kept in flight.
        if (i === 0 || next() < 4) {
          const v = `${round}:${'y'.repeat(300 + ((round * 37) % 400))}`;
          value.update(v);
          model.set(k, v);
        }
      }
      if (round % 5 === 0) await b.snapshotSync(round).discard();
    }
    assert.ok(skipped > 10, `batches all cached: ${skipped}`);
    assert.ok(b.stats().evictions > 100, `evictions ${b.stats().evictions}`);
    const keys = Array.from(model.keys());
    await b.prefetch(keys);
    for (const k of keys) {
      b.setCurrentKey(k);
      assert.equal(value.value(), model.get(k));
    }
  } finally {
    await b.dispose();
  }
});

test('without barriers, evictions keep the count of dirty keys exact and the state intact', async () => {
  // About 20 keys of ~250 bytes fit; 3000 keys are written in rounds, so most writes follow an
  // eviction of the same key (clean in flight, reinstated, dirty again).
  const b = await open(8 * 1024);
  try {
    const value = b.getState(new ValueStateDescriptor<string>('v'));
    const model = new Map<number, string>();
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 500; k++) {
        const key = (k * 7 + round) % 60;
        await b.prefetch([key]);
        b.setCurrentKey(key);
        assert.equal(value.value(), model.get(key));
        const v = `${round}:${k}:${'z'.repeat(200)}`;
        value.update(v);
        model.set(key, v);
      }
    }
    assert.ok(b.stats().evictions > 1000, `evictions ${b.stats().evictions}`);
    // Dirty keys are exactly the cached keys (each was written after it was loaded): an evicted
    // key was written out and is clean.
    const { cachedKeys, dirtyKeys } = b.stats();
    assert.ok(cachedKeys > 5, `cached ${cachedKeys}`);
    assert.equal(dirtyKeys, cachedKeys);
    const snap = b.snapshotSync(1);
    const file = path.join(root, `dirty-${dirs++}.snap`);
    const written = await snap.writeTo(file);
    assert.equal(written.records, model.size);
  } finally {
    await b.dispose();
  }
});

test('descriptors validate their arguments (API contract)', () => {
  assert.throws(() => new ValueStateDescriptor(''), /non-empty string/);
  assert.throws(() => new ValueStateDescriptor('v', { ttl: { ttlMs: 0 } }), /ttl.ttlMs must be a positive finite number/);
  assert.throws(
    () => new ValueStateDescriptor('v', { ttl: { ttlMs: 5, updateType: 'Never' as 'OnReadAndWrite' } }),
    /ttl.updateType must be 'OnCreateAndWrite' or 'OnReadAndWrite'/,
  );
  assert.deepEqual(new ListStateDescriptor('l', { ttl: { ttlMs: 5 } }).ttl, { ttlMs: 5, updateType: 'OnCreateAndWrite' });
  assert.throws(() => new ReducingStateDescriptor<number>('r', 5 as unknown as (a: number, b: number) => number), /needs a reduce function/);
  const richFunction = {
    factor: 10,
    reduce(a: number, b: number): number {
      return a * this.factor + b;
    },
  };
  const rich = new ReducingStateDescriptor<number>('r', richFunction);
  assert.equal(rich.reduceFunction(1, 2), 12);
  assert.throws(
    () => new AggregatingStateDescriptor('a', { createAccumulator: () => 0, add: (v: number, a: number) => a + v } as never),
    /needs an aggregate function with createAccumulator, add and getResult/,
  );
  assert.equal(new MapStateDescriptor('m').kind, 'map');
});

/**
 * Incremental snapshots: at every barrier the backend writes a delta (or, when `fullEvery` says so
 * or the delta log overflowed, a full snapshot); restoring the chain since the last full snapshot
 * into a fresh backend gives exactly the model at that barrier, evictions and deletes included.
 */
async function runIncremental(ops: Op[], cacheBytes: number, fullEvery: number, set: StateSet = 'all'): Promise<void> {
  const b = await KeyedStateBackend.open({ dir: freshDir(), maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL_GROUPS, cacheBytes, incremental: true });
  const s = statesOf(b, set);
  const model: Model = new Map();
  let chain: Array<{ file: string; sha256: string }> = [];
  let barriers = 0;
  try {
    for (const op of [...ops, { t: 'barrier' } as Op]) {
      if (op.t === 'restore' || op.t === 'barrier') {
        const snap = b.snapshotSync(++barriers, barriers % fullEvery === 1 || fullEvery === 1 ? 'full' : 'delta');
        const file = path.join(root, `inc-${dirs++}`);
        const written = await snap.writeTo(file);
        if (snap.kind === 'full') chain = [];
        chain.push({ file, sha256: written.sha256 });
        const restored = await open(cacheBytes);
        try {
          await restored.restore(chain);
          await checkAll(restored, model, set);
        } finally {
          await restored.dispose();
        }
        continue;
      }
      await b.prefetch([op.k]);
      b.setCurrentKey(op.k);
      const m = modelOf(model, op.k);
      applyOp(s, m, op);
    }
    // The live state too: keys evicted after checkpoint-only captures read back from their images.
    await checkAll(b, model, set);
  } finally {
    await b.dispose();
  }
}

test('incremental snapshots: a full snapshot and the deltas after it restore exactly the state at each barrier', async () => {
  // Small cache: most changes reach the store through evictions between barriers.
  await fc.assert(
    fc.asyncProperty(opsArb, fullEveryArb, (ops, fullEvery) =>
      runIncremental(ops, 1200, fullEvery),
    ),
    { numRuns: 20 },
  );
  await fc.assert(
    fc.asyncProperty(opsArb, (ops) => runIncremental(ops, 64 << 20, 1000)),
    { numRuns: 8 },
  );
  // A few keys' worth: entries stay unstored across barriers, then are evicted and read back.
  await fc.assert(
    fc.asyncProperty(opsArb, fullEveryArb, (ops, fullEvery) => runIncremental(ops, 3000, fullEvery)),
    { numRuns: 12 },
  );
});

/**
 * As {@link runIncremental}, but each snapshot is written only at the end, after all later
 * operations ran, with barriers captured one entry per slice: what a barrier captures lazily,
 * while processing, evictions and reloads go on, must still be exactly the state at the barrier.
 */
async function runIncrementalDeferred(ops: Op[], cacheBytes: number, fullEvery: number, set: StateSet = 'all'): Promise<void> {
  const extra = { incremental: true, barrierSliceEntries: 1 };
  const b = await open(cacheBytes, extra);
  const s = statesOf(b, set);
  const model: Model = new Map();
  const pending: Array<{ snap: KeyedStateSnapshot; model: Model }> = [];
  let barriers = 0;
  try {
    for (const op of [...ops, { t: 'barrier' } as Op]) {
      if (op.t === 'restore' || op.t === 'barrier') {
        // Every third barrier also pins a base: a full snapshot of the same barrier.
        const kind = barriers % fullEvery === 0 || fullEvery === 1 ? 'full' : 'delta';
        const snap = b.snapshotSync(++barriers, kind, barriers % 3 === 0);
        pending.push({ snap, model: copyModel(model) });
        continue;
      }
      await b.prefetch([op.k]);
      b.setCurrentKey(op.k);
      const m = modelOf(model, op.k);
      applyOp(s, m, op);
    }
    let chain: Array<{ file: string; sha256: string }> = [];
    for (const { snap, model: atBarrier } of pending.splice(0)) {
      const file = path.join(root, `inc-${dirs++}`);
      const written = await snap.writeTo(file);
      if (snap.kind === 'full') chain = [];
      chain.push({ file, sha256: written.sha256 });
      const checks = [chain.slice()];
      if (snap.base !== undefined) {
        const baseFile = `${file}.base`;
        checks.push([{ file: baseFile, sha256: (await snap.base.writeTo(baseFile)).sha256 }]);
      }
      for (const files of checks) {
        const restored = await open(cacheBytes);
        try {
          await restored.restore(files);
          await checkAll(restored, atBarrier, set);
        } finally {
          await restored.dispose();
        }
      }
    }
    await checkAll(b, model, set);
  } finally {
    for (const { snap } of pending) await snap.discard();
    await b.dispose();
  }
}

test('incremental snapshots written long after their barriers, with captures interleaved with later writes', async () => {
  await fc.assert(
    fc.asyncProperty(opsArb, fullEveryArb, (ops, fullEvery) =>
      runIncrementalDeferred(ops, 1200, fullEvery),
    ),
    { numRuns: 20 },
  );
  // Everything cached: full snapshots and bases come from the cache, captured as late as this.
  await fc.assert(
    fc.asyncProperty(opsArb, fullEveryArb, (ops, fullEvery) => runIncrementalDeferred(ops, 64 << 20, fullEvery)),
    { numRuns: 12 },
  );
  await fc.assert(
    fc.asyncProperty(opsArb, fullEveryArb, (ops, fullEvery) => runIncrementalDeferred(ops, 3000, fullEvery)),
    { numRuns: 12 },
  );
});

test('single-value states only, whose full snapshots from the cache copy the record arena: the same model, evictions, barriers and restores', async () => {
  await fc.assert(
    fc.asyncProperty(singleOpsArb, (ops) => runSequence(ops, 1200, {}, 'single')),
    { numRuns: 15 },
  );
  await fc.assert(
    fc.asyncProperty(singleOpsArb, (ops) => runSequence(ops, 64 << 20, { barrierSliceEntries: 1 }, 'single')),
    { numRuns: 10 },
  );
  await fc.assert(
    fc.asyncProperty(singleOpsArb, (ops) => runSequence(ops, 2000, { incremental: true }, 'single')),
    { numRuns: 10 },
  );
});

test('single-value states only: chains of arena snapshots and deltas restore exactly the state at each barrier, written at once or long after', async () => {
  // All cached: full snapshots copy the arena and absorb their generation; deltas follow them.
  await fc.assert(
    fc.asyncProperty(singleOpsArb, fullEveryArb, (ops, fullEvery) => runIncremental(ops, 64 << 20, fullEvery, 'single')),
    { numRuns: 12 },
  );
  // A few keys' worth: arena snapshots, then evictions of entries their generation left dirty, then store snapshots.
  await fc.assert(
    fc.asyncProperty(singleOpsArb, fullEveryArb, (ops, fullEvery) => runIncremental(ops, 2000, fullEvery, 'single')),
    { numRuns: 12 },
  );
  await fc.assert(
    fc.asyncProperty(singleOpsArb, fullEveryArb, (ops, fullEvery) => runIncrementalDeferred(ops, 64 << 20, fullEvery, 'single')),
    { numRuns: 10 },
  );
  await fc.assert(
    fc.asyncProperty(singleOpsArb, fullEveryArb, (ops, fullEvery) => runIncrementalDeferred(ops, 2000, fullEvery, 'single')),
    { numRuns: 10 },
  );
});

test('a delta log that outgrows its bound turns the next snapshot into a full one', async () => {
  const b = await KeyedStateBackend.open({ dir: freshDir(), maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL_GROUPS, cacheBytes: 4096, incremental: true });
  try {
    const v = b.getState(new ValueStateDescriptor<string>('v'));
    const keysToWrite = Array.from({ length: 10_000 }, (_x, i) => i);
    for (let i = 0; i < keysToWrite.length; i += 100) {
      const batch = keysToWrite.slice(i, i + 100);
      await b.prefetch(batch);
      for (const k of batch) {
        b.setCurrentKey(k);
        v.update('x'.repeat(100));
      }
    }
    const snap = b.snapshotSync(1, 'delta');
    assert.equal(snap.kind, 'full', 'more than 1 MiB of evicted writes since the last barrier');
    await snap.discard();
    const next = b.snapshotSync(2, 'delta');
    assert.equal(next.kind, 'delta', 'the log starts afresh after each barrier');
    await next.discard();
  } finally {
    await b.dispose();
  }
});

test('a delta holds every change of its generation when the dirty list stopped early and the cache grew after', async () => {
  // 100 cached keys, 40 changed: the dirty list stops at 25 (a quarter of the cache). Then 1000
  // more keys are loaded without changes, so that a list of 40 would be short enough to walk
  // instead of the cache: the barrier must know the list is incomplete.
  const b = await open(64 * 1024 * 1024, { incremental: true });
  try {
    const value = b.getState(new ValueStateDescriptor<number>('v'));
    const keys = Array.from({ length: 100 }, (_, k) => k);
    await b.prefetch(keys);
    for (const k of keys) {
      b.setCurrentKey(k);
      value.update(0);
    }
    const base = b.snapshotSync(1, 'full');
    const baseFile = path.join(root, `listed-${dirs++}.base`);
    const baseWritten = await base.writeTo(baseFile);
    for (let k = 0; k < 40; k++) {
      b.setCurrentKey(k);
      value.update(k + 1);
    }
    const more = Array.from({ length: 1000 }, (_, k) => 1000 + k);
    await b.prefetch(more);
    for (const k of more) {
      b.setCurrentKey(k);
      assert.equal(value.value(), undefined);
    }
    assert.equal(b.stats().cachedKeys, 1100);
    const delta = b.snapshotSync(2, 'delta');
    assert.equal(delta.kind, 'delta');
    const deltaFile = path.join(root, `listed-${dirs++}.delta`);
    const deltaWritten = await delta.writeTo(deltaFile);
    assert.equal(deltaWritten.records, 40);
    const restored = await open(64 * 1024 * 1024);
    try {
      await restored.restore([
        { file: baseFile, sha256: baseWritten.sha256 },
        { file: deltaFile, sha256: deltaWritten.sha256 },
      ]);
      const back = restored.getState(new ValueStateDescriptor<number>('v'));
      await restored.prefetch(keys);
      for (const k of keys) {
        restored.setCurrentKey(k);
        assert.equal(back.value(), k < 40 ? k + 1 : 0, `key ${k}`);
      }
    } finally {
      await restored.dispose();
    }
  } finally {
    await b.dispose();
  }
});

test('map entries put and removed between checkpoints, never written to the store, leave nothing behind (a window operator whose state fits the cache)', async () => {
  // Every round each key puts a new user key (the next window) and removes the previous one (it
  // fired); a checkpoint follows. The state is the same size after every round.
  const b = await open(64 * 1024 * 1024);
  const written: Array<{ file: string; sha256: string }> = [];
  try {
    const windows = b.getMapState(new MapStateDescriptor<number, number>('w'));
    const keysOf = Array.from({ length: 100 }, (_, k) => k);
    await b.prefetch(keysOf);
    const sizes: number[] = [];
    for (let round = 0; round < 30; round++) {
      const start = 1_700_000_000_000 + round * 1000;
      for (const k of keysOf) {
        b.setCurrentKey(k);
        windows.put(start, k + round);
        if (round > 0) windows.remove(start - 1000);
      }
      const snap = b.snapshotSync(round + 1);
      const file = path.join(root, `windows-${dirs++}`);
      written.push({ file, sha256: (await snap.writeTo(file)).sha256 });
      sizes.push(b.stats().cachedBytes);
    }
    assert.equal(b.stats().evictions, 0);
    assert.deepEqual(sizes.slice(2), Array.from({ length: 28 }, () => sizes[1]), `cached bytes per round: ${sizes.join(' ')}`);
    const restored = await open(64 * 1024 * 1024);
    try {
      await restored.restore([written.at(-1)!]);
      const back = restored.getMapState(new MapStateDescriptor<number, number>('w'));
      await restored.prefetch(keysOf);
      for (const k of keysOf) {
        restored.setCurrentKey(k);
        assert.deepEqual(Array.from(back.entries()), [[1_700_000_000_000 + 29 * 1000, k + 29]]);
      }
    } finally {
      await restored.dispose();
    }
  } finally {
    await b.dispose();
  }
});

/**
 * Writes 60 new keys of ~250 bytes from `from` on, in a cache of 8 KB (about 20 such keys fit),
 * which pushes older keys out; then waits until their writes landed: a read of a new key queues
 * behind them, so a key evicted meanwhile is read back from the store, not taken back from a
 * write in flight.
 */
async function writeOthers(b: KeyedStateBackend, m: MapState<number, string>, from: number): Promise<void> {
  for (let k = from + 1; k <= from + 60; k++) {
    await b.prefetch([k]);
    b.setCurrentKey(k);
    m.put(0, 'z'.repeat(200));
  }
  await b.prefetch([-1 - from]);
  assert.equal(b.stats().inFlightKeys, 0);
}

test('a map entry removed after its map was read back from the store is deleted in the store, across a checkpoint-only capture', async () => {
  // Incremental, so that the barrier is a delta: captured for the checkpoint only (a full
  // snapshot that reads the store would write the delete to the store at the barrier).
  const b = await open(8 * 1024, { incremental: true });
  try {
    const m = b.getMapState(new MapStateDescriptor<number, string>('m'));
    const evictKey0 = async (round: number): Promise<void> => {
      await writeOthers(b, m, round * 1000);
      assert.equal(b.isCached(0), false);
    };
    await b.prefetch([0]);
    b.setCurrentKey(0);
    for (const uk of [1, 2, 3]) m.put(uk, `v${uk}`);
    const before = b.stats().evictions;
    await evictKey0(1);
    assert.ok(b.stats().evictions > before);
    await b.prefetch([0]);
    b.setCurrentKey(0);
    assert.deepEqual(Array.from(m.keys()), [1, 2, 3]);
    m.remove(2);
    // Captured for the checkpoint only: the store still holds user key 2 until key 0 is written.
    const delta = b.snapshotSync(1, 'delta');
    assert.equal(delta.kind, 'delta');
    await delta.writeTo(path.join(root, `in-store-${dirs++}`));
    await evictKey0(2);
    await b.prefetch([0]);
    b.setCurrentKey(0);
    assert.deepEqual(Array.from(m.entries()), [
      [1, 'v1'],
      [3, 'v3'],
    ]);
  } finally {
    await b.dispose();
  }
});

test('a map entry removed after a full snapshot wrote its map to the store is deleted in the store', async () => {
  const b = await open(8 * 1024, { incremental: true });
  try {
    const m = b.getMapState(new MapStateDescriptor<number, string>('m'));
    // Other keys were evicted, so the full snapshot reads the store: its barrier writes key 0's
    // map there while key 0 stays cached.
    await writeOthers(b, m, 1000);
    await b.prefetch([0]);
    b.setCurrentKey(0);
    for (const uk of [1, 2, 3]) m.put(uk, `v${uk}`);
    const full = b.snapshotSync(1, 'full');
    await full.writeTo(path.join(root, `full-${dirs++}`));
    assert.equal(b.isCached(0), true);
    b.setCurrentKey(0);
    m.remove(2);
    const delta = b.snapshotSync(2, 'delta');
    assert.equal(delta.kind, 'delta');
    await delta.writeTo(path.join(root, `delta-${dirs++}`));
    await writeOthers(b, m, 2000);
    assert.equal(b.isCached(0), false);
    await b.prefetch([0]);
    b.setCurrentKey(0);
    assert.deepEqual(Array.from(m.keys()), [1, 3]);
  } finally {
    await b.dispose();
  }
});

/** Writes `snap` to a new file and appends it to `chain`. @returns the records written. */
async function writeToChain(chain: Array<{ file: string; sha256: string }>, snap: KeyedStateSnapshot): Promise<number> {
  const file = path.join(root, `chain-${dirs++}`);
  const written = await snap.writeTo(file);
  chain.push({ file, sha256: written.sha256 });
  return written.records;
}

/** Key 'k''s entries of map state `name` in a new backend restored from `chain`, by user key. */
async function restoredEntries(chain: Array<{ file: string; sha256: string }>, name: string): Promise<Array<[number, unknown]>> {
  const restored = await open(64 * 1024 * 1024);
  try {
    await restored.restore(chain);
    const m = restored.getMapState(new MapStateDescriptor<number, unknown>(name));
    await restored.prefetch(['k']);
    restored.setCurrentKey('k');
    // A restore reads the newest file first: its order is not the original one.
    return m.entries().sort((x, y) => x[0] - y[0]);
  } finally {
    await restored.dispose();
  }
}

test('a removed map entry’s cell serves the next new entry: state, deltas and restores see only the new entry', async () => {
  const b = await open(64 * 1024 * 1024, { incremental: true });
  const chain: Array<{ file: string; sha256: string }> = [];
  try {
    const m = b.getMapState(new MapStateDescriptor<number, string>('m'));
    await b.prefetch(['k']);
    b.setCurrentKey('k');
    m.put(1, 'one');
    await writeToChain(chain, b.snapshotSync(1, 'full'));
    // Within one generation: 2 is put, changed, removed (its cell parked, and still in the dirty
    // list), then 3 takes the cell; 1 is removed and 4 takes its cell.
    m.put(2, 'two');
    m.put(2, 'two again');
    m.remove(2);
    m.put(3, 'three');
    m.remove(1);
    m.put(4, 'four');
    assert.deepEqual(m.entries(), [
      [3, 'three'],
      [4, 'four'],
    ]);
    const delta = b.snapshotSync(2, 'delta');
    assert.equal(delta.kind, 'delta');
    await writeToChain(chain, delta);
    m.put(3, 'three later');
    assert.deepEqual(await restoredEntries(chain, 'm'), [
      [3, 'three'],
      [4, 'four'],
    ]);
  } finally {
    await b.dispose();
  }
});

test('a map changed many times between captures keeps its dirty list short, and captures each live change once', async () => {
  const b = await open(64 * 1024 * 1024, { incremental: true });
  const chain: Array<{ file: string; sha256: string }> = [];
  try {
    const m = b.getMapState(new MapStateDescriptor<number, number>('m'));
    await b.prefetch(['k']);
    b.setCurrentKey('k');
    m.put(-1, -1);
    assert.equal(await writeToChain(chain, b.snapshotSync(1, 'full')), 1);
    // 200 entries put and all but the last removed again: far more dirty cells than live ones,
    // so the list drops its dead cells as it grows.
    for (let i = 0; i < 200; i++) {
      m.put(i, i * 10);
      m.put(i, i * 10 + 1);
      if (i > 0) m.remove(i - 1);
    }
    assert.deepEqual(m.entries(), [
      [-1, -1],
      [199, 1991],
    ]);
    // The delta: each removed entry's delete and the last entry's put, once.
    const delta = b.snapshotSync(2, 'delta');
    assert.equal(delta.kind, 'delta');
    assert.equal(await writeToChain(chain, delta), 200);
    assert.deepEqual(await restoredEntries(chain, 'm'), [
      [-1, -1],
      [199, 1991],
    ]);
  } finally {
    await b.dispose();
  }
});
