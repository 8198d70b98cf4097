import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEAD, RecordArena } from './record-arena.js';
import { encodeKey, encodeStateId, storedKey } from './key-layout.js';
import { decodeSingle, encodeSingle, NO_TIME } from './value-format.js';

fc.configureGlobal({ seed: 20261208 });

/** The records of a snapshot, parsed as the snapshot file's reader does: `[key hex, value hex]`. */
function parse(bytes: Buffer): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let at = 0;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new RangeError(`a record runs past the end, at ${at}`);
      const b = bytes[at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const k = varint();
    const key = bytes.subarray(at, at + k);
    at += k;
    const n = varint();
    const value = bytes.subarray(at, at + n);
    at += n;
    if (at > bytes.length) throw new RangeError('a record runs past the end');
    out.push([key.toString('hex'), value.toString('hex')]);
  }
  return out;
}

const sorted = (r: Array<[string, string]>): string[] => r.map((x) => x.join(' ')).sort();

type Op =
  | { readonly op: 'add'; readonly key: number | string; readonly value: unknown; readonly encoded: boolean }
  | { readonly op: 'set'; readonly pick: number; readonly value: unknown; readonly encoded: boolean }
  | { readonly op: 'free'; readonly pick: number }
  | { readonly op: 'snapshot'; readonly recycle: boolean };

// Values of many encoded lengths, so that sets move records as often as they overwrite them.
const valueArb = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 300 }),
  fc.record({ k: fc.integer(), c: fc.integer() }),
  fc.array(fc.integer(), { maxLength: 40 }),
);
// Keys of both the int32 fast path and the general one, long strings making key frames of two-byte length.
const keyArb = fc.oneof(fc.integer({ min: -50, max: 50 }), fc.string({ maxLength: 3 }), fc.string({ minLength: 130, maxLength: 140 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('add' as const), key: keyArb, value: valueArb, encoded: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: valueArb, encoded: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('snapshot' as const), recycle: fc.boolean() }) },
);

test('snapshots hold exactly the live records, with the stored key and the encoded value, through moves, frees and compactions', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 16, max: 4096 }), (ops, initial) => {
      // A small initial buffer: growth and compaction happen within a run.
      const arena = new RecordArena(initial);
      const stateId = encodeStateId(3);
      // id → [stored key hex, encoded value]
      const model = new Map<number, [string, Buffer, unknown]>();
      // Snapshots not handed back, with a copy of their bytes: later snapshots must not reuse them.
      const kept: Array<[Buffer, Buffer]> = [];
      const check = (): Buffer => {
        const snap = arena.snapshot();
        assert.equal(snap.count, model.size);
        assert.equal(arena.count, model.size);
        assert.equal(snap.bytes.length, arena.liveBytes);
        const expected = [...model.values()].map(([k, v]): [string, string] => [k, v.toString('hex')]);
        assert.deepEqual(sorted(parse(snap.bytes)), sorted(expected));
        for (const [id, [, bytes, value]] of model) {
          assert.equal(arena.valueLength(id), bytes.length);
          assert.deepEqual(arena.valueCopy(id), bytes);
          assert.deepEqual(arena.decode(id), value);
        }
        return snap.bytes;
      };
      for (const o of ops) {
        const ids = [...model.keys()];
        switch (o.op) {
          case 'add': {
            const kg = typeof o.key === 'number' ? (o.key + 50) * 300 : o.key.length;
            const bytes = encodeSingle(o.value, NO_TIME);
            const id = o.encoded
              ? arena.addEncoded(kg, stateId, o.key, Buffer.concat([Buffer.from([9]), bytes, Buffer.from([9])]), 1, 1 + bytes.length)
              : arena.add(kg, stateId, o.key, o.value, NO_TIME);
            assert.equal(model.has(id), false, 'a live id given out again');
            model.set(id, [storedKey(kg, stateId, encodeKey(o.key)).toString('hex'), bytes, decodeSingle(bytes)]);
            break;
          }
          case 'set': {
            if (ids.length === 0) break;
            const id = ids[o.pick % ids.length]!;
            const bytes = encodeSingle(o.value, 1700000000000);
            if (o.encoded) arena.setEncoded(id, bytes, 0, bytes.length);
            else arena.set(id, o.value, 1700000000000);
            model.set(id, [model.get(id)![0], bytes, decodeSingle(bytes)]);
            break;
          }
          case 'free': {
            if (ids.length === 0) break;
            const id = ids[o.pick % ids.length]!;
            arena.free(id);
            model.delete(id);
            break;
          }
          case 'snapshot': {
            const bytes = check();
            if (o.recycle) arena.recycle(bytes);
            else kept.push([bytes, Buffer.from(bytes)]);
            break;
          }
        }
      }
      check();
      for (const [bytes, copy] of kept) assert.deepEqual(bytes, copy);
    }),
    { numRuns: 300 },
  );
});

test('a snapshot is a copy: writes after it do not reach it', () => {
  const arena = new RecordArena(64);
  const id = arena.add(1, encodeStateId(0), 7, { c: 1 }, NO_TIME);
  const other = arena.add(2, encodeStateId(0), 8, 'x', NO_TIME);
  const before = arena.snapshot();
  const bytes = Buffer.from(before.bytes);
  arena.set(id, { c: 2 }, NO_TIME); // same length: in place
  arena.set(other, 'a longer value', NO_TIME); // moves
  arena.free(id);
  assert.deepEqual(before.bytes, bytes);
  assert.equal(before.count, 2);
});

test('a value that cannot be encoded changes nothing', () => {
  const arena = new RecordArena(64);
  const id = arena.add(1, encodeStateId(0), 7, 1, NO_TIME);
  const before = arena.snapshot();
  assert.throws(() => arena.set(id, Symbol('no'), NO_TIME), TypeError);
  assert.throws(() => arena.add(1, encodeStateId(0), 8, () => 1, NO_TIME), TypeError);
  assert.throws(() => arena.add(1, encodeStateId(0), Symbol('key'), 1, NO_TIME), TypeError);
  assert.deepEqual(arena.snapshot(), before);
  assert.equal(arena.decode(id), 1);
});

test('a dead record is marked in its first key byte, which no live key group has', () => {
  const arena = new RecordArena(64);
  const id = arena.add(0x7fff, encodeStateId(0), 7, 1, NO_TIME);
  arena.add(0x7fff, encodeStateId(0), 8, 2, NO_TIME);
  const whole = arena.snapshot().bytes;
  assert.ok(whole[1]! < DEAD);
  arena.set(id, 'moves', NO_TIME);
  const after = parse(arena.snapshot().bytes);
  assert.equal(after.length, 2);
  assert.ok(after.every(([k]) => k.startsWith('7fff')));
  arena.clear();
  assert.equal(arena.snapshot().count, 0);
  assert.equal(arena.snapshot().bytes.length, 0);
});

test('a recycled snapshot buffer is reused by the next snapshot that fits it, and only then', () => {
  const arena = new RecordArena(64);
  const stateId = encodeStateId(1);
  const ids = Array.from({ length: 100 }, (_, i) => arena.add(i, stateId, i, 'v'.repeat(2000), NO_TIME));
  const first = arena.snapshot();
  const expected = Buffer.from(first.bytes);
  arena.recycle(first.bytes);
  // Twice: the second hand-back is ignored, so two snapshots never share a buffer.
  arena.recycle(first.bytes);
  const second = arena.snapshot();
  assert.equal(second.bytes.buffer, first.bytes.buffer);
  assert.deepEqual(second.bytes, expected);
  const third = arena.snapshot();
  assert.notEqual(third.bytes.buffer, second.bytes.buffer);
  assert.deepEqual(third.bytes, expected);
  // Bytes the arena did not give out are never taken.
  const foreign = Buffer.alloc(expected.length * 2);
  arena.recycle(foreign);
  assert.notEqual(arena.snapshot().bytes.buffer, foreign.buffer);
  // A spare more than twice the size wanted is not kept busy for a small snapshot.
  arena.recycle(third.bytes);
  for (const id of ids.slice(10)) arena.free(id);
  const small = arena.snapshot();
  assert.notEqual(small.bytes.buffer, third.bytes.buffer);
  assert.equal(parse(small.bytes).length, 10);
});
