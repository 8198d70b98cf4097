import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openRocksDbStore } from './rocksdb-store.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-kv-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);

test('the binding contract the backend relies on: batches, getMany, snapshot iterators, ranges', async () => {
  const store = await openRocksDbStore(path.join(root, 'db'));
  try {
    await store.writeBatch([
      { type: 'put', key: b(1, 1), value: b(11) },
      { type: 'put', key: b(1, 2), value: b(12) },
      { type: 'put', key: b(2, 1), value: b(21) },
      { type: 'del', key: b(1, 2) },
    ]);
    assert.deepEqual(await store.get(b(1, 1)), b(11));
    assert.equal(await store.get(b(1, 2)), undefined);
    assert.deepEqual(await store.getMany([b(2, 1), b(9), b(1, 1)]), [b(21), undefined, b(11)]);
    assert.deepEqual(await store.getMany([]), []);

    // The iterator's snapshot is taken when iterate() is called, not at the first nextBatch().
    const it = store.iterate({ gte: b(1), lt: b(2) });
    await store.writeBatch([
      { type: 'put', key: b(1, 3), value: b(13) },
      { type: 'del', key: b(1, 1) },
    ]);
    const seen: Array<[Buffer, Buffer]> = [];
    for (let batch = await it.nextBatch(); batch !== undefined; batch = await it.nextBatch()) seen.push(...batch);
    await it.close();
    assert.deepEqual(seen, [[b(1, 1), b(11)]]);
    await assert.rejects(it.nextBatch(), /the iterator is closed/);

    // Many entries come back in key order, across native read-ahead batches.
    const many = Array.from({ length: 20000 }, (_, i) => {
      const key = Buffer.alloc(5);
      key[0] = 3;
      key.writeUInt32BE(i, 1);
      return { type: 'put' as const, key, value: Buffer.from(`v${i}`) };
    });
    await store.writeBatch(many);
    const all = store.iterate({ gte: b(3), lt: b(4) });
    let count = 0;
    for (let batch = await all.nextBatch(); batch !== undefined; batch = await all.nextBatch()) {
      for (const [key, value] of batch) {
        assert.equal(key.readUInt32BE(1), count);
        assert.equal(value.toString(), `v${count}`);
        count++;
      }
    }
    await all.close();
    assert.equal(count, 20000);

    await store.deleteRange({ gte: b(3), lt: b(4) });
    const after = store.iterate({});
    const rest: Buffer[] = [];
    for (let batch = await after.nextBatch(); batch !== undefined; batch = await after.nextBatch()) rest.push(...batch.map(([k]) => k));
    await after.close();
    assert.deepEqual(rest, [b(1, 3), b(2, 1)]);

    // Closing the store ends iterators that are still open.
    const open = store.iterate({});
    await store.close();
    await assert.rejects(open.nextBatch(), /the iterator is closed/);
    assert.throws(() => store.iterate({}), /the store is closed/);
  } finally {
    await store.close();
  }
});
