import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeHeader, readSnapshotFile, SnapshotFileError, writeSnapshotFile, type SnapshotHeader } from './snapshot-file.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-snapfile-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(root, `f${n++}`);

const header: SnapshotHeader = {
  maxParallelism: 128,
  keyGroups: { start: 10, end: 20 },
  checkpointId: 42,
  snapshotTime: 1700000000000,
  states: [
    { id: 0, name: 'count', kind: 'value', ttlMs: 0 },
    { id: 1, name: 'überzählig', kind: 'map', ttlMs: 60000 },
  ],
};

/** A source handing out `records` in batches of `size`. */
function source(records: Array<[Buffer, Buffer]>, size = 3): () => Promise<Array<[Buffer, Buffer]> | undefined> {
  let at = 0;
  return async () => {
    if (at >= records.length) return undefined;
    const batch = records.slice(at, at + size);
    at += size;
    return batch;
  };
}

async function readAll(file: string, sha256: string): Promise<{ header: SnapshotHeader; records: Array<[Buffer, Buffer]> }> {
  const records: Array<[Buffer, Buffer]> = [];
  const result = await readSnapshotFile(file, sha256, () => true, async (batch) => {
    records.push(...batch);
  });
  return { header: result.header, records };
}

test('records round-trip, including ones larger than a write chunk; the checksum is the file’s SHA-256', async () => {
  const records: Array<[Buffer, Buffer]> = [
    [Buffer.from([0, 10, 0, 1]), Buffer.from('a')],
    [Buffer.from([0, 11, 1, 2]), Buffer.alloc(0)],
    [Buffer.from([0, 12, 0, 3]), Buffer.alloc(600 * 1024, 7)],
    [Buffer.from([0, 20, 1, 4]), Buffer.alloc(300, 1)],
  ];
  const file = fresh();
  const info = await writeSnapshotFile(file, header, source(records), (_k, v) => v);
  assert.equal(info.records, 4);
  const bytes = readFileSync(file);
  assert.equal(info.bytes, bytes.length);
  assert.equal(info.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.deepEqual(bytes.subarray(0, 8).toString('latin1'), 'EDDYKST1');
  assert.deepEqual(bytes.subarray(bytes.length - 8).toString('latin1'), 'EDDYEND1');
  assert.deepEqual(bytes.subarray(0, encodeHeader(header).length), encodeHeader(header));
  const back = await readAll(file, info.sha256);
  assert.deepEqual(back.header, header);
  assert.deepEqual(back.records, records);
});

test('the transform drops and rewrites entries; the trailer counts what was written', async () => {
  const records: Array<[Buffer, Buffer]> = Array.from({ length: 10 }, (_, i) => [Buffer.from([0, 10, 0, i]), Buffer.from([i])]);
  const file = fresh();
  const info = await writeSnapshotFile(file, header, source(records), (k, v) => (k[3]! % 2 === 0 ? undefined : Buffer.from([v[0]! * 2])));
  assert.equal(info.records, 5);
  const back = await readAll(file, info.sha256);
  assert.deepEqual(
    back.records.map(([k, v]) => [k[3], v[0]]),
    [
      [1, 2],
      [3, 6],
      [5, 10],
      [7, 14],
      [9, 18],
    ],
  );
});

test('bytes after the trailer, and a header the caller rejects', async () => {
  const file = fresh();
  await writeSnapshotFile(file, header, source([]), (_k, v) => v);
  appendFileSync(file, Buffer.from([1, 2, 3]));
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  await assert.rejects(readAll(file, sha256), (err: unknown) => err instanceof SnapshotFileError && /3 unexpected bytes after the trailer/.test(err.message));
  let batches = 0;
  const skipped = await readSnapshotFile(file, 'ignored', () => false, async () => {
    batches++;
  });
  assert.equal(skipped.read, false);
  assert.equal(batches, 0);
});

test('a failed write leaves no partial file', async () => {
  const file = fresh();
  await assert.rejects(
    writeSnapshotFile(file, header, async () => {
      throw new Error('store failed');
    }, (_k, v) => v),
    /store failed/,
  );
  assert.equal(existsSync(file), false);
});

test('a read-ahead that fails while a write is pending is reported by the writer, never as an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    // The first batch is large, so writing it takes file writes; the read-ahead rejects meanwhile.
    const big: Array<[Buffer, Buffer]> = Array.from({ length: 2000 }, (_v, i) => [Buffer.from(`k${i}`), Buffer.alloc(1000, 1)]);
    let calls = 0;
    const next = (): Promise<Array<[Buffer, Buffer]> | undefined> =>
      calls++ === 0 ? Promise.resolve(big) : Promise.reject(new Error('the iterator is closed'));
    const file = fresh();
    await assert.rejects(writeSnapshotFile(file, header, next, (_k, v) => v), /the iterator is closed/);
    assert.equal(existsSync(file), false, 'the partial file is deleted');
    // Unhandled rejections are reported after the microtask queue drains; give it a macrotask.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
