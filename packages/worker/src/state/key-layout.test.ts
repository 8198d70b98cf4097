import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ValueReader } from '@eddy/common';
import {
  cacheKeyOf,
  encodeKey,
  encodeStateId,
  INT32_STORED_KEY_BYTES,
  isInt32Key,
  keyGroupOf,
  keyGroupSpan,
  prefixEnd,
  putInt32StoredKey,
  readStateId,
  storedKey,
} from './key-layout.js';
import {
  decodeSingle,
  encodeList,
  encodeSingle,
  isExpired,
  NO_TIME,
  singleWriteTime,
  splitList,
  withWriteTime,
} from './value-format.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261125 });

/** Keys as jobs use them: primitives, tuples (arrays) and plain objects. */
const keyArb: fc.Arbitrary<unknown> = fc.letrec<{ key: unknown }>((tie) => ({
  key: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt(),
    fc.array(tie('key'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('key'), { maxKeys: 3 }),
  ),
})).key;

test('encodeKey decodes back and ignores object field order', () => {
  for (const k of [0, -1, 2 ** 40, 1.5, 'a', '', '\u0001x', true, null, undefined, 5n, [1, 'a'], { b: 1, a: [2] }]) {
    assert.deepEqual(new ValueReader(encodeKey(k)).readValue(), k);
  }
  assert.deepEqual(encodeKey({ a: 1, b: 2 }), encodeKey({ b: 2, a: 1 }));
  assert.notDeepEqual(encodeKey(0), encodeKey(-0));
  assert.notDeepEqual(encodeKey(1), encodeKey('1'));
});

test('no key encoding is a proper prefix of another (map entries of a key are one prefix range)', () => {
  fc.assert(
    fc.property(keyArb, keyArb, (a, b) => {
      const ea = encodeKey(a);
      const eb = encodeKey(b);
      if (ea.equals(eb)) return;
      assert.ok(!(eb.length > ea.length && eb.subarray(0, ea.length).equals(ea)), 'prefix');
      assert.ok(!(ea.length > eb.length && ea.subarray(0, eb.length).equals(eb)), 'prefix');
    }),
    { numRuns: 2000 },
  );
});

test('cacheKeyOf identifies keys exactly as encodeKey does', () => {
  fc.assert(
    fc.property(keyArb, keyArb, (a, b) => {
      const sameEncoding = encodeKey(a).equals(encodeKey(b));
      const ca = cacheKeyOf(a);
      const cb = cacheKeyOf(b);
      // Map semantics: SameValueZero.
      const sameCacheKey = ca === cb || (Number.isNaN(ca) && Number.isNaN(cb));
      assert.equal(sameCacheKey, sameEncoding);
    }),
    { numRuns: 2000 },
  );
  assert.notEqual(cacheKeyOf(0), cacheKeyOf(-0));
  assert.notEqual(cacheKeyOf('\u0001'), cacheKeyOf([]));
  assert.throws(() => cacheKeyOf(Symbol('s')), TypeError);
  assert.throws(() => encodeKey(() => 1), TypeError);
});

test('stored keys start with the key group (u16 BE) and the state id', () => {
  const key = storedKey(0x1234, encodeStateId(300), encodeKey('k'), encodeKey(7));
  assert.equal(keyGroupOf(key), 0x1234);
  assert.deepEqual([key[0], key[1]], [0x12, 0x34]);
  const { id, end } = readStateId(key);
  assert.equal(id, 300);
  assert.equal(end, 4);
  const r = new ValueReader(key, end);
  assert.equal(r.readValue(), 'k');
  assert.equal(r.readValue(), 7);
  assert.deepEqual(encodeStateId(5), Buffer.from([5]));
  assert.throws(() => encodeStateId(-1), RangeError);
  // Parts of every length around the copy threshold are laid out byte for byte.
  for (const n of [0, 1, 63, 64, 65, 300]) {
    const k = Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff));
    const u = Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff));
    const id = encodeStateId(200);
    assert.deepEqual(storedKey(0xfffe, id, k, u), Buffer.concat([Buffer.from([0xff, 0xfe]), id, k, u]), `parts of ${n} bytes`);
    assert.deepEqual(storedKey(7, id, k), Buffer.concat([Buffer.from([0, 7]), id, k]), `no user key, ${n} bytes`);
  }
});

test('prefixEnd bounds exactly the keys with a prefix', () => {
  assert.deepEqual(prefixEnd(Buffer.from([1, 2, 3])), Buffer.from([1, 2, 4]));
  assert.deepEqual(prefixEnd(Buffer.from([1, 0xff, 0xff])), Buffer.from([2]));
  assert.equal(prefixEnd(Buffer.from([0xff])), undefined);
  assert.deepEqual(keyGroupSpan(3, 5), { gte: Buffer.from([0, 3]), lt: Buffer.from([0, 6]) });
  assert.deepEqual(keyGroupSpan(0, 0xffff), { gte: Buffer.from([0, 0]) });
});

test('single values carry an optional write time', () => {
  const plain = encodeSingle({ a: [1, 'x'] }, NO_TIME);
  assert.ok(Number.isNaN(singleWriteTime(plain)));
  assert.deepEqual(decodeSingle(plain), { a: [1, 'x'] });
  const timed = withWriteTime(plain, 1234.5);
  assert.equal(singleWriteTime(timed), 1234.5);
  assert.deepEqual(decodeSingle(timed), { a: [1, 'x'] });
  assert.deepEqual(withWriteTime(timed, NO_TIME), plain);
  assert.ok(isExpired(1000, 10, 1010));
  assert.ok(!isExpired(1000, 10, 1009));
  assert.ok(!isExpired(NO_TIME, 10, 1e15));
  assert.ok(!isExpired(1000, 0, 1e15));
});

test('lists split into their elements', () => {
  const elements = [encodeSingle(1, NO_TIME), encodeSingle('two', 5), encodeSingle([3], NO_TIME)];
  const list = encodeList(elements);
  const split = splitList(list);
  assert.deepEqual(split.map(decodeSingle), [1, 'two', [3]]);
  assert.deepEqual(split.map(singleWriteTime), [NaN, 5, NaN]);
  const many = Array.from({ length: 300 }, (_, i) => encodeSingle(i, NO_TIME));
  assert.deepEqual(splitList(encodeList(many)).map(decodeSingle), many.map((_, i) => i));
  assert.deepEqual(splitList(encodeList([])), []);
  assert.throws(() => splitList(Buffer.concat([list, Buffer.from([1])])), RangeError);
});

test('an int32 key put in one go gives the stored key of its encoding; isInt32Key is exactly the codec\'s Int32', () => {
  const edges = fc.constantFrom(0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 0.5, NaN, Infinity, 2 ** 53);
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.double(), edges), fc.integer({ min: 0, max: 32767 }), fc.integer({ min: 0, max: 127 }), (key, keyGroup, id) => {
      const encoded = encodeKey(key);
      // The codec's Int32: tag 1 and four bytes.
      assert.equal(isInt32Key(key), encoded.length === 5 && encoded[0] === 1, `key ${key}`);
      if (!isInt32Key(key)) return;
      const buf = Buffer.alloc(INT32_STORED_KEY_BYTES + 2, 0xee);
      putInt32StoredKey(buf, 1, keyGroup, id, key);
      const want = storedKey(keyGroup, encodeStateId(id), encoded);
      assert.equal(want.length, INT32_STORED_KEY_BYTES);
      assert.deepEqual(buf.subarray(1, 1 + INT32_STORED_KEY_BYTES), want);
      assert.equal(buf[0], 0xee);
      assert.equal(buf[INT32_STORED_KEY_BYTES + 1], 0xee);
    }),
    { numRuns: 2000, seed: 20261207 },
  );
});
