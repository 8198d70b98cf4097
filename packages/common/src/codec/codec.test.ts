import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ValueWriter } from './value-writer.js';
import { ValueReader } from './value-reader.js';
import { RecordBufferBuilder, decodeBuffer, encodeEvent } from './network-buffer.js';
import type { StreamEvent } from './stream-event.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261125 });

function roundTrip(v: unknown): unknown {
  const w = new ValueWriter(16);
  w.writeValue(v);
  const r = new ValueReader(w.copy());
  const out = r.readValue();
  assert.equal(r.remaining, 0);
  return out;
}

test('values round-trip exactly', () => {
  const samples: unknown[] = [
    0, -0, 1, -1, 2147483647, -2147483648, 2147483648, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER,
    '', 'a', 'héllo wörld', '🎉'.repeat(50), 'x'.repeat(100_000), true, false, null, undefined,
    [1, 'two', [3]], { a: 1, b: { c: [null, 'x'] } }, 12345678901234567890n, -5n,
    new Date(1700000000123), new Uint8Array([1, 2, 255]), new Map<unknown, unknown>([[1, 'a'], ['k', { x: 1 }]]),
    new Set([1, 'b']),
  ];
  for (const s of samples) assert.deepEqual(roundTrip(s), s);
  assert.ok(Object.is(roundTrip(-0), -0));
  // An own '__proto__' key stays a key (found by the property below).
  const proto = JSON.parse('{"__proto__":0}') as object;
  assert.deepEqual(roundTrip(proto), proto);
  assert.equal(Object.getPrototypeOf(roundTrip(proto)), Object.prototype);
});

test('arbitrary JSON-like values round-trip (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      assert.deepEqual(roundTrip(v), v);
    }),
    { numRuns: 500 },
  );
});

test('strings and property names round-trip at every length around the fast paths, ASCII or not', () => {
  const chars = ['a', 'é', '€', '🎉', '\u0000', '\u007f', '\u0080'];
  for (const c of chars)
    for (let n = 0; n <= 50; n++) {
      const s = 'x'.repeat(Math.max(0, n - 1)) + (n > 0 ? c : '');
      assert.equal(roundTrip(s), s);
      assert.deepEqual(roundTrip({ [s]: n, [`${s}!`]: s }), { [s]: n, [`${s}!`]: s });
    }
  // Names that share a cache slot, and names whose bytes match a cached name's code units only
  // partly, are each decoded as written (found by the property below).
  const names = Array.from({ length: 20_000 }, (_, i) => `n${i.toString(36)}`);
  const many = Object.fromEntries(names.map((k, i) => [k, i]));
  assert.deepEqual(roundTrip(many), many);
  assert.deepEqual(roundTrip(many), many);
  // An invalid UTF-8 name decodes to U+FFFD and is never confused with a cached ASCII name.
  const w = new ValueWriter(16);
  w.writeValue({ a: 1 });
  const bytes = w.copy();
  assert.deepEqual(new ValueReader(bytes).readValue(), { a: 1 });
  bytes[6] = 0xff;
  assert.deepEqual(new ValueReader(bytes).readValue(), { '\ufffd': 1 });
  assert.deepEqual(new ValueReader(w.copy()).readValue(), { a: 1 });
});

test('object property names round-trip (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ maxLength: 30, unit: 'binary' }), fc.integer()), { maxLength: 8 }), (pairs) => {
      const o = Object.fromEntries(pairs);
      assert.deepEqual(roundTrip(o), o);
      assert.deepEqual(roundTrip(o), o);
    }),
    { numRuns: 1000 },
  );
});

test('unsupported values are rejected with a clear error', () => {
  const w = new ValueWriter();
  assert.throws(() => w.writeValue(() => 1), /cannot serialize a function/);
  assert.throws(() => w.writeValue(Symbol('s')), /cannot serialize a symbol/);
  class Point {
    x = 1;
  }
  assert.throws(() => w.writeValue(new Point()), /instance of Point/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => w.writeValue(cyclic), /deeper than 64/);
});

test('record buffers keep order, timestamps and events', () => {
  const b = new RecordBufferBuilder(64);
  const taken: Buffer[] = [];
  for (let i = 0; i < 100; i++) {
    if (b.add({ i, s: `v${i}` }, i % 3 === 0 ? i * 10 : undefined)) taken.push(b.take()!);
  }
  taken.push(b.take()!);
  assert.equal(b.take(), undefined);
  const ev: StreamEvent = { kind: 'barrier', checkpointId: 7, timestamp: 123, savepoint: false };
  taken.push(encodeEvent(ev));
  const seen: Array<[unknown, number | undefined]> = [];
  const events: StreamEvent[] = [];
  for (const buf of taken) decodeBuffer(buf, { record: (v, ts) => seen.push([v, ts]), event: (e) => events.push(e) });
  assert.equal(seen.length, 100);
  seen.forEach(([v, ts], i) => {
    assert.deepEqual(v, { i, s: `v${i}` });
    assert.equal(ts, i % 3 === 0 ? i * 10 : undefined);
  });
  assert.deepEqual(events, [ev]);
  assert.ok(taken.length > 2, 'small target size splits into several buffers');
});

test('a record that fails to encode leaves the buffer intact', () => {
  const b = new RecordBufferBuilder(1 << 16);
  b.add(1, undefined);
  assert.throws(() => b.add(['ok', 'ok', Symbol('z')], undefined), /cannot serialize a symbol/);
  b.add(2, undefined);
  const seen: unknown[] = [];
  decodeBuffer(b.take()!, { record: (v) => seen.push(v), event: () => assert.fail() });
  assert.deepEqual(seen, [1, 2]);
});

test('malformed buffers raise RangeError, never crash', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeBuffer(Buffer.from(bytes), { record: () => undefined, event: () => undefined });
      } catch (err) {
        assert.ok(err instanceof RangeError || err instanceof SyntaxError, String(err));
      }
    }),
    { numRuns: 2000 },
  );
});
