import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ValueWriter } from '@eddy/common';
import { encodeCapturedRecords, RecordEncoder } from './captured-records.js';
import { CaptureForm, CapturedWrites, materialize } from './key-entry.js';
import { encodeKey, encodeStateId } from './key-layout.js';
import { readSnapshotFile, writeSnapshotFile, type SnapshotBatch, type SnapshotHeader } from './snapshot-file.js';
import { encodeSingle, NO_TIME } from './value-format.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-captured-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(root, `f${n++}`);

const header: SnapshotHeader = {
  maxParallelism: 4096,
  keyGroups: { start: 0, end: 4095 },
  checkpointId: 7,
  snapshotTime: 1700000000000,
  states: [{ id: 0, name: 'v', kind: 'value', ttlMs: 0 }],
};

/** The records the file writer makes of materialized writes: a delete has an empty value. */
function viaMaterialize(c: CapturedWrites): Array<[Buffer, Buffer]> {
  return materialize(c).map((op) => [op.key, op.type === 'put' ? op.value : Buffer.alloc(0)]);
}

async function writeAndRead(batches: SnapshotBatch[]): Promise<{ records: Array<[string, string]>; sha256: string; count: number }> {
  const file = fresh();
  let next = 0;
  const info = await writeSnapshotFile(
    file,
    header,
    () => Promise.resolve(batches[next++]),
    (_k, v) => v,
  );
  const records: Array<[string, string]> = [];
  const read = await readSnapshotFile(file, info.sha256, () => true, async (batch) => {
    for (const [k, v] of batch) records.push([k.toString('hex'), v.toString('hex')]);
  });
  assert.equal(read.records, info.records);
  return { records, sha256: info.sha256, count: info.records };
}

test('ValueWriter frames: the length prefix is the LEB128 varint of the bytes after it, at any length', () => {
  for (const len of [0, 1, 127, 128, 129, 300, 16383, 16384, 20000, 2_100_000]) {
    const w = new ValueWriter(16);
    w.writeU8(0xaa);
    const at = w.openFrame();
    const body = Buffer.alloc(len, 7);
    if (len > 0) body[len - 1] = 9;
    w.writeRaw(body);
    w.closeFrame(at);
    w.writeU8(0xbb);
    const out = w.copy();
    let varint = 0;
    let scale = 1;
    let i = 1;
    for (;;) {
      const b = out[i++]!;
      varint += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    assert.equal(varint, len);
    assert.equal(out[0], 0xaa);
    assert.deepEqual(out.subarray(i, i + len), body);
    assert.equal(out[i + len], 0xbb);
    assert.equal(out.length, i + len + 1);
  }
});

test('captured writes encoded straight into records equal the file writer’s records of their materialized operations', async () => {
  const sid = [encodeStateId(0), encodeStateId(200)];
  const key = fc.oneof(fc.integer(), fc.string(), fc.double(), fc.array(fc.integer(), { maxLength: 3 }), fc.record({ a: fc.string(), b: fc.integer() }));
  const write = fc.record({
    keyGroup: fc.integer({ min: 0, max: 4095 }),
    state: fc.integer({ min: 0, max: 1 }),
    key,
    userKey: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    form: fc.constantFrom(CaptureForm.Delete, CaptureForm.Encoded, CaptureForm.Primitive, CaptureForm.ListElements),
    value: fc.oneof(fc.integer(), fc.string({ maxLength: 300 }), fc.boolean(), fc.constant(null)),
    time: fc.oneof(fc.constant(NO_TIME), fc.integer({ min: 0, max: 2 ** 40 })),
    elements: fc.integer({ min: 0, max: 140 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(write, { maxLength: 40 }), fc.integer({ min: 1, max: 3 }), async (writes, split) => {
      const parts = Array.from({ length: split }, () => new CapturedWrites());
      writes.forEach((w, i) => {
        const value =
          w.form === CaptureForm.Encoded
            ? encodeSingle(w.value, w.time)
            : w.form === CaptureForm.ListElements
              ? Array.from({ length: w.elements }, (_, e) => encodeSingle(`${String(w.value)}${e}`, w.time))
              : w.value;
        const userKey = w.userKey === undefined ? undefined : encodeKey(w.userKey);
        parts[i % split]!.push(w.keyGroup, sid[w.state]!, w.key, userKey, w.form, value, w.time);
      });
      const expected = await writeAndRead(parts.map(viaMaterialize));
      const encoded = await writeAndRead(parts.map((p) => encodeCapturedRecords(p)));
      assert.deepEqual(encoded.records, expected.records);
      assert.equal(encoded.sha256, expected.sha256, 'the same bytes');
      assert.equal(encoded.count, writes.length);
      // One encoder fed by pushes and appends builds the same batch.
      const encoder = new RecordEncoder();
      for (const p of parts)
        for (let i = 0; i < p.length; i++)
          encoder.push(p.keyGroups[i]!, p.stateIds[i]!, p.keys[i], p.userKeys[i], p.forms[i]!, p.values[i], p.times[i]!);
      const one = encoder.finish();
      assert.equal(one.count, writes.length);
      assert.equal((await writeAndRead([one])).sha256, expected.sha256);
    }),
    { numRuns: 150, seed: 20261204 },
  );
});

test('pushSingle encodes the records a slot image pushes: its bytes as they are, else the value with its time', () => {
  // Values of 128 encoded bytes and more, state ids of two bytes and keys just outside the int32
  // range take the general path; the others the one for an int32 key.
  const value = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 60 }),
    fc.string({ minLength: 120, maxLength: 140 }),
    fc.boolean(),
    fc.constant(null),
    fc.record({ k: fc.integer(), c: fc.integer() }),
  );
  const intEdges = fc.constantFrom(0, -0, 1, -1, 127, 128, 255, 256, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 0.5, 2 ** 40);
  const single = fc.record({
    keyGroup: fc.constantFrom(0, 1, 127, 128, 255, 256, 32767),
    stateId: fc.constantFrom(0, 3, 127, 128, 300),
    key: fc.oneof(fc.integer(), intEdges, fc.string(), fc.record({ a: fc.string(), b: fc.integer() })),
    value,
    time: fc.oneof(fc.constant(NO_TIME), fc.integer({ min: 0, max: 2 ** 40 })),
    encoded: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(single, { maxLength: 30 }), (singles) => {
      const expected = new CapturedWrites();
      const direct = new RecordEncoder(new ValueWriter(64));
      for (const s of singles) {
        const primitive = s.value === null || typeof s.value !== 'object';
        // What SingleSlot.image pushes: bytes when the slot has them, a primitive as it is, else an encoding.
        const bytes = s.encoded ? encodeSingle(s.value, s.time) : undefined;
        const sid = encodeStateId(s.stateId);
        if (bytes !== undefined) expected.push(s.keyGroup, sid, s.key, undefined, CaptureForm.Encoded, bytes, s.time);
        else if (primitive) expected.push(s.keyGroup, sid, s.key, undefined, CaptureForm.Primitive, s.value, s.time);
        else expected.push(s.keyGroup, sid, s.key, undefined, CaptureForm.Encoded, encodeSingle(s.value, s.time), s.time);
        direct.pushSingle(s.keyGroup, sid, s.key, bytes, s.value, s.time);
      }
      const want = encodeCapturedRecords(expected);
      const got = direct.finish();
      assert.equal(got.count, singles.length);
      assert.deepEqual(got.bytes, want.bytes);
    }),
    { numRuns: 500, seed: 20261207 },
  );
});

test('encoded batches larger than the write chunk, mixed with stored entries, keep their order', async () => {
  const sid = encodeStateId(0);
  const big = new CapturedWrites();
  for (let i = 0; i < 20_000; i++) big.push(i % 4096, sid, i, undefined, CaptureForm.Primitive, `value-${i}`, NO_TIME);
  const small = new CapturedWrites();
  small.push(5, sid, 'x', undefined, CaptureForm.Delete, undefined, NO_TIME);
  const expected = await writeAndRead([viaMaterialize(small), viaMaterialize(big), viaMaterialize(small)]);
  const mixed = await writeAndRead([encodeCapturedRecords(small), viaMaterialize(big), encodeCapturedRecords(big), viaMaterialize(small)]);
  assert.equal(expected.count, 20_002);
  assert.equal(mixed.count, 40_002);
  assert.deepEqual(mixed.records.slice(0, 20_001), expected.records.slice(0, 20_001));
  assert.deepEqual(mixed.records.slice(20_001), [...expected.records.slice(1, 20_001), ...expected.records.slice(20_001)]);
});

test('transient batches from one reused writer are written before the next is encoded, larger than a write chunk or not', async () => {
  const sid = encodeStateId(0);
  const parts = [1, 20_000, 3, 20_000, 2].map((n, p) => {
    const c = new CapturedWrites();
    for (let i = 0; i < n; i++) c.push(i % 4096, sid, `${p}-${i}`, undefined, CaptureForm.Primitive, `value-${p}-${i}`, NO_TIME);
    return c;
  });
  const expected = await writeAndRead(parts.map(viaMaterialize));
  // Every batch is a view of the same writer's buffer: encoding a batch overwrites the previous one.
  const writer = new ValueWriter(1024);
  let next = 0;
  const file = fresh();
  const info = await writeSnapshotFile(
    file,
    header,
    () => {
      const part = parts[next++];
      if (part === undefined) return Promise.resolve(undefined);
      const encoder = new RecordEncoder(writer);
      encoder.append(part);
      const batch = encoder.view();
      assert.equal(batch.transient, true);
      return Promise.resolve(batch);
    },
    (_k, v) => v,
  );
  assert.equal(info.records, expected.count);
  assert.equal(info.sha256, expected.sha256, 'the same bytes as copied batches');
});
