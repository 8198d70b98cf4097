import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  type StateDescriptorOptions,
} from '@eddy/api';
import { assignToKeyGroup, ValueReader, type KeyGroupRange } from '@eddy/common';
import { KeyedStateBackend, type KeyedStateBackendOptions } from './keyed-state-backend.js';
import { keyGroupOf, readStateId } from './key-layout.js';
import { openRocksDbStore, type KvStore } from './rocksdb-store.js';
import { readSnapshotFile, SnapshotFileError } from './snapshot-file.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-snapshot-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const fresh = (name: string): string => path.join(root, `${name}-${seq++}`);

const MAX_PARALLELISM = 128;
const ALL: KeyGroupRange = { start: 0, end: 127 };

/** A backend whose store the test can inspect. */
async function openWithStore(
  range: KeyGroupRange = ALL,
  extra: Partial<KeyedStateBackendOptions> = {},
): Promise<{ backend: KeyedStateBackend; store: KvStore }> {
  const dir = fresh('db');
  const store = await openRocksDbStore(dir);
  const backend = new KeyedStateBackend(
    { dir, maxParallelism: MAX_PARALLELISM, keyGroupRange: range, cacheBytes: 1 << 20, ...extra },
    store,
  );
  return { backend, store };
}

async function dump(store: KvStore): Promise<Array<[Buffer, Buffer]>> {
  const it = store.iterate({});
  const out: Array<[Buffer, Buffer]> = [];
  try {
    for (let b = await it.nextBatch(); b !== undefined; b = await it.nextBatch()) out.push(...b);
  } finally {
    await it.close();
  }
  return out;
}

const descriptors = (ttl?: StateDescriptorOptions) => ({
  value: new ValueStateDescriptor<number>('value', ttl),
  list: new ListStateDescriptor<string>('list', ttl),
  map: new MapStateDescriptor<string, number>('map', ttl),
  sum: new ReducingStateDescriptor<number>('sum', (a, b) => a + b, ttl),
});

/** Writes state for `keys`: value = 2k, list = ['k'], map = {a: k, b: -k}, sum = k. */
async function fill(b: KeyedStateBackend, keys: number[]): Promise<void> {
  const d = descriptors();
  const [value, list, map, sum] = [b.getState(d.value), b.getListState(d.list), b.getMapState(d.map), b.getReducingState(d.sum)];
  await b.prefetch(keys);
  for (const k of keys) {
    b.setCurrentKey(k);
    value.update(2 * k);
    list.add(`${k}`);
    map.put('a', k);
    map.put('b', -k);
    sum.add(k);
  }
}

async function expectFilled(b: KeyedStateBackend, keys: number[], present: boolean): Promise<void> {
  const d = descriptors();
  const [value, list, map, sum] = [b.getState(d.value), b.getListState(d.list), b.getMapState(d.map), b.getReducingState(d.sum)];
  await b.prefetch(keys);
  for (const k of keys) {
    b.setCurrentKey(k);
    assert.equal(value.value(), present ? 2 * k : undefined, `value of ${k}`);
    assert.deepEqual(list.get(), present ? [`${k}`] : [], `list of ${k}`);
    assert.deepEqual(map.entries().sort(), present ? [['a', k], ['b', -k]] : [], `map of ${k}`);
    assert.equal(sum.get(), present ? k : undefined, `sum of ${k}`);
  }
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

test('every stored key starts with its key group and state id; snapshot files read from the store are in stored-key order', async () => {
  // A cache of a few keys: evictions put state in the store, so the snapshot reads the store.
  const { backend, store } = await openWithStore(ALL, { cacheBytes: 16 << 10 });
  try {
    for (const batch of [range(100), range(100, 100), range(100, 200)]) await fill(backend, batch);
    assert.ok(backend.stats().evictions > 0);
    const snap = backend.snapshotSync(7);
    const file = fresh('snap');
    const written = await snap.writeTo(file);
    assert.deepEqual(written.keyGroups, ALL);
    // 300 keys × (value, list, 2 map entries, sum).
    assert.equal(written.records, 1500);

    const stored = await dump(store);
    assert.equal(stored.length, 1500);
    const names = new Set<string>();
    for (const [key] of stored) {
      const { id, end } = readStateId(key);
      names.add(['value', 'list', 'map', 'sum'][id]!);
      const userKey = new ValueReader(key, end).readValue();
      assert.equal(keyGroupOf(key), assignToKeyGroup(userKey, MAX_PARALLELISM), `key group prefix of ${String(userKey)}`);
    }
    assert.equal(names.size, 4);

    const records: Buffer[] = [];
    const read = await readSnapshotFile(file, written.sha256, () => true, async (batch) => {
      for (const [k] of batch) records.push(k);
    });
    assert.equal(read.records, 1500);
    assert.equal(read.header.checkpointId, 7);
    assert.deepEqual(
      read.header.states.map((s) => [s.id, s.name, s.kind]),
      [
        [0, 'value', 'value'],
        [1, 'list', 'list'],
        [2, 'map', 'map'],
        [3, 'sum', 'reducing'],
      ],
    );
    for (let i = 1; i < records.length; i++) assert.ok(Buffer.compare(records[i - 1]!, records[i]!) < 0, 'sorted');
    const groups = records.map(keyGroupOf);
    assert.deepEqual(groups, groups.slice().sort((a, b) => a - b));
  } finally {
    await backend.dispose();
  }
});

test('while every key is cached, full snapshots and bases come from the cache: each entry once, nothing written to the store', async () => {
  const { backend, store } = await openWithStore(ALL, { incremental: true });
  const files: Array<{ file: string; sha256: string }> = [];
  try {
    await fill(backend, range(300));
    const full = backend.snapshotSync(1, 'full');
    assert.equal(full.kind, 'full');
    const file = fresh('cache-full');
    const written = await full.writeTo(file);
    assert.equal(written.records, 1500);
    files.push({ file, sha256: written.sha256 });
    // In cache order, not key order (a walk in key-group order costs a cache miss per entry).
    const keys = new Set<string>();
    await readSnapshotFile(file, written.sha256, () => true, async (batch) => {
      for (const [k] of batch) {
        assert.ok(keyGroupOf(k) >= ALL.start && keyGroupOf(k) <= ALL.end);
        keys.add(k.toString('hex'));
      }
    });
    assert.equal(keys.size, 1500, 'no entry twice');
    // A delta with a base: changes after the barrier reach neither.
    await fill(backend, range(100, 300));
    const delta = backend.snapshotSync(2, 'delta', true);
    assert.equal(delta.kind, 'delta');
    await fill(backend, range(50, 1000));
    const deltaFile = fresh('cache-delta');
    const d = await delta.writeTo(deltaFile);
    assert.equal(d.records, 500, '100 new keys × 5 records');
    const baseFile = fresh('cache-base');
    const base = await delta.base!.writeTo(baseFile);
    assert.equal(base.records, 2000);
    assert.equal((await dump(store)).length, 0, 'the store received no write');
    assert.equal(backend.stats().unstoredKeys, 400);
    for (const chain of [[...files, { file: deltaFile, sha256: d.sha256 }], [{ file: baseFile, sha256: base.sha256 }]]) {
      const restored = await KeyedStateBackend.open({ dir: fresh('db'), maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL, cacheBytes: 1 << 20 });
      try {
        await restored.restore(chain);
        await expectFilled(restored, range(400), true);
        await expectFilled(restored, range(600, 400), false);
      } finally {
        await restored.dispose();
      }
    }
  } finally {
    await backend.dispose();
  }
});

test('restoring one snapshot into two halves keeps only each half’s key groups; merging them back restores all', async () => {
  const keys = range(400);
  const { backend } = await openWithStore();
  const file = fresh('snap');
  let sha256: string;
  try {
    await fill(backend, keys);
    sha256 = (await backend.snapshotSync(1).writeTo(file)).sha256;
  } finally {
    await backend.dispose();
  }
  const halves: KeyGroupRange[] = [
    { start: 0, end: 63 },
    { start: 64, end: 127 },
  ];
  // A cache large enough restores into the cache; a small one spills the restored state into the store.
  for (const cacheBytes of [1 << 20, 16 << 10]) {
    const files: Array<{ file: string; sha256: string }> = [];
    let total = 0;
    for (const half of halves) {
      const { backend: b, store } = await openWithStore(half, { cacheBytes });
      try {
        await b.restore([{ file, sha256 }]);
        const mine = keys.filter((k) => {
          const g = assignToKeyGroup(k, MAX_PARALLELISM);
          return g >= half.start && g <= half.end;
        });
        assert.ok(mine.length > 100 && mine.length < 300, 'both halves own keys');
        const stored = await dump(store);
        if (cacheBytes === 1 << 20) {
          assert.equal(stored.length, 0, 'restored into the cache only');
          assert.equal(b.stats().cachedKeys, mine.length);
          total += b.stats().cachedKeys * 5;
        } else {
          assert.equal(b.stats().cachedKeys, 0, 'spilled into the store');
          for (const [key] of stored) {
            const g = keyGroupOf(key);
            assert.ok(g >= half.start && g <= half.end, `key group ${g} outside [${half.start}, ${half.end}]`);
          }
          total += stored.length;
        }
        await expectFilled(b, mine, true);
        const other = keys.find((k) => !mine.includes(k))!;
        await assert.rejects(b.prefetch([other]), /outside this backend's range/);
        const out = fresh('half');
        files.push({ file: out, sha256: (await b.snapshotSync(2).writeTo(out)).sha256 });
      } finally {
        await b.dispose();
      }
    }
    assert.equal(total, keys.length * 5);
    // Scale back in: one instance restores from both halves.
    const { backend: merged } = await openWithStore(ALL, { cacheBytes });
    try {
      await merged.restore(files);
      await expectFilled(merged, keys, true);
    } finally {
      await merged.dispose();
    }
  }
});

test('a snapshot holds the writes before snapshotSync and none after, while processing and evictions go on', async () => {
  // A small cache: writes after the barrier evict barrier-time entries before the snapshot is written.
  const { backend } = await openWithStore(ALL, { cacheBytes: 16 * 1024 });
  const file = fresh('snap');
  try {
    const before = range(200);
    await fill(backend, before);
    const snap = backend.snapshotSync(3);
    const writing = snap.writeTo(file);
    // After the barrier: change every key, clear some, add new ones.
    const d = descriptors();
    const value = backend.getState(d.value);
    const map = backend.getMapState(d.map);
    const list = backend.getListState(d.list);
    for (let i = 0; i < 200; i += 20) {
      const batch = range(20, i);
      await backend.prefetch(batch);
      for (const k of batch) {
        backend.setCurrentKey(k);
        value.update(-1);
        map.remove('a');
        list.clear();
      }
    }
    await fill(backend, range(200, 1000));
    assert.ok(backend.stats().evictions > 0, 'evictions happened after the barrier');
    const written = await writing;
    const restored = await KeyedStateBackend.open({ dir: fresh('db'), maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL, cacheBytes: 1 << 20 });
    try {
      await restored.restore([{ file, sha256: written.sha256 }]);
      await expectFilled(restored, before, true);
      await expectFilled(restored, range(200, 1000), false);
    } finally {
      await restored.dispose();
    }
    // And the live backend has the later writes.
    await backend.prefetch([5]);
    backend.setCurrentKey(5);
    assert.equal(value.value(), -1);
    assert.deepEqual(map.entries(), [['b', -5]]);
    assert.deepEqual(list.get(), []);
  } finally {
    await backend.dispose();
  }
});

test('MapState.put over an entry after the barrier: the snapshot keeps the barrier value, the state the new one', async () => {
  const { backend } = await openWithStore(ALL, { cacheBytes: 1 << 20 });
  const file = fresh('snap-put');
  const acc = new MapStateDescriptor<number, unknown>('acc');
  const byKey = (a: [number, unknown], b: [number, unknown]): number => a[0] - b[0];
  try {
    const map = backend.getMapState(acc);
    const keys = range(50);
    await backend.prefetch(keys);
    for (const k of keys) {
      backend.setCurrentKey(k);
      map.put(1, k);
      map.put(2, { n: k });
      map.put(1, k + 1); // updated in place before the barrier
      map.put(2, { n: k + 1 });
    }
    const snap = backend.snapshotSync(1);
    for (const k of keys) {
      backend.setCurrentKey(k);
      map.put(1, -k);
      map.put(2, { n: -k });
    }
    const written = await snap.writeTo(file);
    const restored = await KeyedStateBackend.open({ dir: fresh('db'), maxParallelism: MAX_PARALLELISM, keyGroupRange: ALL, cacheBytes: 1 << 20 });
    try {
      await restored.restore([{ file, sha256: written.sha256 }]);
      const rmap = restored.getMapState(acc);
      await restored.prefetch(keys);
      for (const k of keys) {
        restored.setCurrentKey(k);
        assert.deepEqual(rmap.entries().sort(byKey), [[1, k + 1], [2, { n: k + 1 }]]);
      }
    } finally {
      await restored.dispose();
    }
    for (const k of keys) {
      backend.setCurrentKey(k);
      assert.deepEqual(map.entries().sort(byKey), [[1, -k], [2, { n: -k }]]);
    }
  } finally {
    await backend.dispose();
  }
});

test('restore verifies files: missing file, checksum mismatch, truncation, bad magic, other max parallelism', async () => {
  const { backend } = await openWithStore();
  const file = fresh('snap');
  let sha256: string;
  try {
    await fill(backend, range(50));
    sha256 = (await backend.snapshotSync(1).writeTo(file)).sha256;
  } finally {
    await backend.dispose();
  }
  const bytes = readFileSync(file);
  // A changed value byte that keeps the structure intact: only the checksum can tell.
  const corrupt = fresh('corrupt');
  const flipped = Buffer.from(bytes);
  const element = flipped.indexOf(Buffer.from([3, 2, 0x34, 0x39])); // the list element '49'
  assert.ok(element > 0);
  flipped[element + 3] = 0x38;
  writeFileSync(corrupt, flipped);
  const miscounted = fresh('count');
  const recount = Buffer.from(bytes);
  recount[bytes.length - 9]! ^= 1; // last byte of the trailer's u64 record count
  writeFileSync(miscounted, recount);
  const truncated = fresh('truncated');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 30));
  const badMagic = fresh('magic');
  writeFileSync(badMagic, Buffer.concat([Buffer.from('NOTASNAP'), bytes.subarray(8)]));

  const cases: Array<[{ file: string; sha256: string }, RegExp]> = [
    [{ file: fresh('absent'), sha256 }, /snapshot file '.*absent.*': file is missing or unreadable/],
    [{ file, sha256: '0'.repeat(64) }, /checksum mismatch: expected sha256 0{64}, file has [0-9a-f]{64}/],
    [{ file: corrupt, sha256 }, /checksum mismatch: expected sha256 [0-9a-f]{64}, file has [0-9a-f]{64}/],
    [{ file: miscounted, sha256 }, /record count mismatch: trailer says 251, file holds 250/],
    [{ file: truncated, sha256 }, /truncated after \d+ records \(no trailer\)/],
    [{ file: badMagic, sha256 }, /not an Eddy keyed-state snapshot \(bad magic\)/],
  ];
  for (const [ref, message] of cases) {
    const { backend: b, store } = await openWithStore();
    try {
      await assert.rejects(b.restore([{ file, sha256 }, ref]), (err: unknown) => {
        assert.ok(err instanceof SnapshotFileError, String(err));
        assert.match(err.message, message);
        return true;
      });
      // Nothing of the good first file stays behind.
      assert.deepEqual(await dump(store), []);
    } finally {
      await b.dispose();
    }
  }
  const other = await KeyedStateBackend.open({ dir: fresh('db'), maxParallelism: 256, keyGroupRange: { start: 0, end: 255 }, cacheBytes: 1 << 20 });
  try {
    await assert.rejects(other.restore([{ file, sha256 }]), /written with max parallelism 128, this job has 256/);
  } finally {
    await other.dispose();
  }
});

test('TTL: expired values read as absent (per element for lists and maps), reads refresh with OnReadAndWrite', async () => {
  let now = 1000;
  const { backend } = await openWithStore(ALL, { clock: () => now });
  try {
    const d = descriptors({ ttl: { ttlMs: 100 } });
    const value = backend.getState(d.value);
    const list = backend.getListState(d.list);
    const map = backend.getMapState(d.map);
    const sum = backend.getReducingState(d.sum);
    const touched = backend.getState(new ValueStateDescriptor<string>('touched', { ttl: { ttlMs: 100, updateType: 'OnReadAndWrite' } }));
    await backend.prefetch(['k']);
    backend.setCurrentKey('k');
    value.update(1);
    list.add('early');
    map.put('early', 1);
    sum.add(5);
    touched.update('t');
    now = 1050;
    list.add('late');
    map.put('late', 2);
    sum.add(1); // a write restarts the TTL of the reduced value
    assert.equal(touched.value(), 't'); // refreshed to 1050
    now = 1099;
    assert.equal(value.value(), 1);
    assert.deepEqual(list.get(), ['early', 'late']);
    now = 1100;
    assert.equal(value.value(), undefined);
    assert.deepEqual(list.get(), ['late']);
    assert.equal(map.get('early'), undefined);
    assert.equal(map.contains('early'), false);
    assert.deepEqual(map.entries(), [['late', 2]]);
    assert.equal(sum.get(), 6);
    assert.equal(touched.value(), 't'); // refreshed to 1100
    now = 1150;
    assert.deepEqual(list.get(), []);
    assert.equal(map.isEmpty(), true);
    assert.equal(sum.get(), undefined);
    assert.equal(touched.value(), 't'); // refreshed to 1150
    now = 1249;
    assert.equal(touched.value(), 't'); // refreshed to 1249
    now = 1349;
    assert.equal(touched.value(), undefined);
  } finally {
    await backend.dispose();
  }
});

test('TTL: expired entries are left out of snapshot files', async () => {
  let now = 1000;
  const { backend } = await openWithStore(ALL, { clock: () => now });
  const file = fresh('snap');
  try {
    const d = descriptors({ ttl: { ttlMs: 100 } });
    const plain = backend.getState(new ValueStateDescriptor<number>('plain'));
    await backend.prefetch(['old', 'new']);
    backend.setCurrentKey('old');
    backend.getState(d.value).update(1);
    backend.getListState(d.list).add('old-element');
    backend.getMapState(d.map).put('x', 1);
    plain.update(7);
    now = 1060;
    backend.setCurrentKey('new');
    backend.getState(d.value).update(2);
    backend.setCurrentKey('old');
    backend.getListState(d.list).add('new-element');
    now = 1120; // 'old' writes at 1000 expired, writes at 1060 live
    const written = await backend.snapshotSync(1).writeTo(file);
    // Live: new.value, old.list (new-element only), old.plain.
    assert.equal(written.records, 3);
    const restored = await KeyedStateBackend.open({
      dir: fresh('db'),
      maxParallelism: MAX_PARALLELISM,
      keyGroupRange: ALL,
      cacheBytes: 1 << 20,
      clock: () => 0, // nothing would expire by reading: what is absent was dropped from the file
    });
    try {
      await restored.restore([{ file, sha256: written.sha256 }]);
      const r = descriptors({ ttl: { ttlMs: 100 } });
      await restored.prefetch(['old', 'new']);
      restored.setCurrentKey('old');
      assert.equal(restored.getState(r.value).value(), undefined);
      assert.deepEqual(restored.getListState(r.list).get(), ['new-element']);
      assert.equal(restored.getMapState(r.map).isEmpty(), true);
      assert.equal(restored.getState(new ValueStateDescriptor<number>('plain')).value(), 7);
      restored.setCurrentKey('new');
      assert.equal(restored.getState(r.value).value(), 2);
    } finally {
      await restored.dispose();
    }
  } finally {
    await backend.dispose();
  }
});

test('state grows to 10x the cache: the cache stays bounded and every value reads back', async () => {
  const cacheBytes = 64 * 1024;
  const { backend } = await openWithStore(ALL, { cacheBytes });
  try {
    const value = backend.getState(new ValueStateDescriptor<{ id: number; payload: string }>('value'));
    const map = backend.getMapState(new MapStateDescriptor<number, string>('map'));
    const keys = range(2000);
    const batch = 50;
    let peak = 0;
    for (let i = 0; i < keys.length; i += batch) {
      const part = keys.slice(i, i + batch);
      await backend.prefetch(part.map((k) => `key-${k}`));
      for (const k of part) {
        backend.setCurrentKey(`key-${k}`);
        value.update({ id: k, payload: 'x'.repeat(k % 50) });
        map.put(k % 7, `m${k}`);
      }
      peak = Math.max(peak, backend.stats().cachedBytes);
      if (i === 1000) await backend.snapshotSync(1).discard();
    }
    const stats = backend.stats();
    // Over the run, at least 10x the cache was written, and evictions kept it in bounds (two
    // protected batches of 50 keys may overshoot the bound).
    assert.ok(stats.evictions >= 1800, `evictions ${stats.evictions}`);
    assert.ok(peak <= cacheBytes + 2 * batch * 600, `peak ${peak}`);
    assert.ok(stats.cachedKeys < 400, `cached keys ${stats.cachedKeys}`);
    for (let i = 0; i < keys.length; i += batch) {
      const part = keys.slice(i, i + batch);
      await backend.prefetch(part.map((k) => `key-${k}`));
      for (const k of part) {
        backend.setCurrentKey(`key-${k}`);
        assert.deepEqual(value.value(), { id: k, payload: 'x'.repeat(k % 50) });
        assert.deepEqual(map.entries(), [[k % 7, `m${k}`]]);
      }
      assert.ok(backend.stats().cachedBytes <= cacheBytes + 2 * batch * 600);
    }
  } finally {
    await backend.dispose();
  }
});

test('close releases snapshots that were never written, and a closed backend refuses work', async () => {
  const { backend } = await openWithStore();
  await fill(backend, range(10));
  const snap = backend.snapshotSync(1);
  await backend.close();
  await assert.rejects(snap.writeTo(fresh('snap')), /closed/);
  await snap.discard();
  assert.throws(() => backend.snapshotSync(2), /the state backend is closed/);
  await assert.rejects(backend.prefetch([1]), /the state backend is closed/);
  await backend.dispose();
});

test('restore maps state ids by name: files whose instances registered states in different orders merge', async () => {
  const halves: KeyGroupRange[] = [
    { start: 0, end: 63 },
    { start: 64, end: 127 },
  ];
  const keys = range(100);
  const owned = (half: KeyGroupRange): number[] =>
    keys.filter((k) => {
      const g = assignToKeyGroup(k, MAX_PARALLELISM);
      return g >= half.start && g <= half.end;
    });
  const files: Array<{ file: string; sha256: string }> = [];
  for (const [i, half] of halves.entries()) {
    const { backend } = await openWithStore(half);
    try {
      // Instance 0 registers 'a' then 'b' (ids 0, 1); instance 1 the other way round.
      const names = i === 0 ? ['a', 'b'] : ['b', 'a'];
      const states = names.map((n) => backend.getState(new ValueStateDescriptor<string>(n)));
      const mine = owned(half);
      await backend.prefetch(mine);
      for (const k of mine) {
        backend.setCurrentKey(k);
        states.forEach((s, j) => s.update(`${names[j]}${k}`));
      }
      const file = fresh('part');
      files.push({ file, sha256: (await backend.snapshotSync(1).writeTo(file)).sha256 });
    } finally {
      await backend.dispose();
    }
  }
  const { backend: merged } = await openWithStore();
  try {
    await merged.restore(files);
    const b = merged.getState(new ValueStateDescriptor<string>('b'));
    const a = merged.getState(new ValueStateDescriptor<string>('a'));
    await merged.prefetch(keys);
    for (const k of keys) {
      merged.setCurrentKey(k);
      assert.equal(a.value(), `a${k}`);
      assert.equal(b.value(), `b${k}`);
    }
  } finally {
    await merged.dispose();
  }
});

test('a full snapshot is cheap while every key is cached and at least half of them changed since the previous barrier', async () => {
  const { backend } = await openWithStore(ALL, { incremental: true, cacheBytes: 64 << 20 });
  try {
    await fill(backend, range(3000));
    assert.equal(backend.fullSnapshotIsCheap(), false, 'below the size where the choice is worth making');
    await fill(backend, range(5000, 3000));
    assert.equal(backend.fullSnapshotIsCheap(), true, 'every one of 8000 keys changed');
    await backend.snapshotSync(1, 'full').writeTo(fresh('full'));
    assert.equal(backend.fullSnapshotIsCheap(), false, 'nothing changed since the barrier');
    await fill(backend, range(3999));
    assert.equal(backend.fullSnapshotIsCheap(), false, '3999 of 8000 changed');
    await fill(backend, range(1, 3999));
    assert.equal(backend.fullSnapshotIsCheap(), true, '4000 of 8000 changed');
    // While a cache snapshot is being written, another one cannot be taken from the cache.
    const pending = backend.snapshotSync(2, 'full');
    await fill(backend, range(8000));
    assert.equal(backend.fullSnapshotIsCheap(), false, 'a cache snapshot is pending');
    await pending.writeTo(fresh('full'));
    assert.equal(backend.fullSnapshotIsCheap(), true);
  } finally {
    await backend.dispose();
  }
  // Once keys were evicted, a full snapshot reads the store: never cheap.
  const small = await openWithStore(ALL, { incremental: true, cacheBytes: 256 << 10 });

test('with single-value states only, whose full snapshot copies the record arena, a full snapshot is cheap from a quarter of the keys changed', async () => {
  const { backend } = await openWithStore(ALL, { incremental: true, cacheBytes: 64 << 20 });
  const sum = backend.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
  const add = async (keys: number[]): Promise<void> => {
    await backend.prefetch(keys);
    for (const k of keys) {
      backend.setCurrentKey(k);
      sum.add(k);
    }
  };
  try {
    await add(range(3000));
    assert.equal(backend.fullSnapshotIsCheap(), false, 'below the size where the choice is worth making');
    await add(range(5000, 3000));
    assert.equal(backend.fullSnapshotIsCheap(), true, 'every one of 8000 keys changed');
    const full = backend.snapshotSync(1, 'full');
    assert.equal(backend.fullSnapshotIsCheap(), false, 'nothing changed since the barrier');
    await add(range(1999));
    assert.equal(backend.fullSnapshotIsCheap(), false, '1999 of 8000 changed');
    await add(range(1, 1999));
    assert.equal(backend.fullSnapshotIsCheap(), true, '2000 of 8000 changed');
    // A copy of the arena is not a pending cache snapshot: the next one may be taken at once.
    assert.equal((await full.writeTo(fresh('full'))).records, 8000);
    const next = backend.snapshotSync(2, 'full');
    await add(range(2000, 6000));
    assert.equal(backend.fullSnapshotIsCheap(), true, 'a copy of the arena is being written');
    assert.equal((await next.writeTo(fresh('full'))).records, 8000);
  } finally {
    await backend.dispose();
  }
  // A TTL makes snapshots drop expired values as they are written: the half applies again.
  const ttl = await openWithStore(ALL, { incremental: true, cacheBytes: 64 << 20 });
  const value = ttl.backend.getState(new ValueStateDescriptor<number>('value', { ttl: { ttlMs: 60_000 } }));
  try {
    await ttl.backend.prefetch(range(8000));
    for (const k of range(8000)) {
      ttl.backend.setCurrentKey(k);
      value.update(k);
    }
    await ttl.backend.snapshotSync(1, 'full').writeTo(fresh('full'));
    for (const k of range(3000)) {
      ttl.backend.setCurrentKey(k);
      value.update(-k);
    }
    assert.equal(ttl.backend.fullSnapshotIsCheap(), false, '3000 of 8000 changed');
    for (const k of range(1000, 3000)) {
      ttl.backend.setCurrentKey(k);
      value.update(k);
    }
    assert.equal(ttl.backend.fullSnapshotIsCheap(), true, '4000 of 8000 changed');
  } finally {
    await ttl.backend.dispose();
  }
});
  try {
    // The keys of the batches being processed are never evicted: fill in batches.
    for (let from = 0; from < 8000; from += 500) await fill(small.backend, range(500, from));
    assert.ok(small.backend.stats().evictions > 0);
    await fill(small.backend, range(100));
    assert.equal(small.backend.fullSnapshotIsCheap(), false);
  } finally {
    await small.backend.dispose();
  }
});
