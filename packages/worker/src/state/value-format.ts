/**
 * How state values are stored:
 *
 * ```
 * single := flags (u8: bit 0 = a timestamp follows) [writeTime (f64 little-endian, epoch ms)] value
 * list   := count (unsigned LEB128) single{count}
 * ```
 *
 * `value` is @eddy/common's self-describing value encoding. ValueState, ReducingState and
 * AggregatingState store one `single`; a MapState entry's value is a `single`; a ListState stores
 * one `list` whose elements carry their own timestamps, because Flink's list TTL expires elements
 * one by one. The write time is present only for states with a TTL; a value without one never
 * expires (it was written while the state had no TTL).
 *
 * Pure functions only.
 */

import { ValueReader, ValueWriter } from '@eddy/common';
import { readStateId } from './key-layout.js';

const HAS_TIME = 1;

/** Shared by all backends of a process: encoding is synchronous and copies out. */
const writer = new ValueWriter(64 * 1024);

/** The time-less write time: never expires. */
export const NO_TIME = Number.NaN;

/**
 * Encodes one value with an optional write time.
 * @param writeTime epoch ms, or {@link NO_TIME} for a state without TTL.
 * @throws TypeError for values the codec cannot serialize.
 */
export function encodeSingle(value: unknown, writeTime: number): Buffer {
  writer.reset();
  writeSingle(writer, value, writeTime);
  return writer.copy();
}

/** Appends the encoding of {@link encodeSingle} to `w`. @throws TypeError as it does. */
export function writeSingle(w: ValueWriter, value: unknown, writeTime: number): void {
  if (Number.isNaN(writeTime)) w.writeU8(0);
  else {
    w.writeU8(HAS_TIME);
    w.writeF64(writeTime);
  }
  w.writeValue(value);
}

/** Appends the encoding of {@link encodeList} to `w`. */
export function writeList(w: ValueWriter, elements: readonly Buffer[]): void {
  w.writeVarUint(elements.length);
  for (const e of elements) w.writeRaw(e);
}

/** The write time of an encoded single, {@link NO_TIME} when it has none. */
export function singleWriteTime(bytes: Buffer): number {
  return singleWriteTimeAt(bytes, 0);
}

/** The write time of the encoded single at `buf[at]`, {@link NO_TIME} when it has none. */
export function singleWriteTimeAt(buf: Buffer, at: number): number {
  return (buf[at]! & HAS_TIME) !== 0 ? buf.readDoubleLE(at + 1) : NO_TIME;
}

/** A copy of an encoded single with its write time replaced (the value bytes are kept as they are). */
export function withWriteTime(bytes: Buffer, writeTime: number): Buffer {
  const offset = (bytes[0]! & HAS_TIME) !== 0 ? 9 : 1;
  const hasTime = !Number.isNaN(writeTime);
  const out = Buffer.allocUnsafe((hasTime ? 9 : 1) + bytes.length - offset);
  out[0] = hasTime ? HAS_TIME : 0;
  if (hasTime) out.writeDoubleLE(writeTime, 1);
  bytes.copy(out, hasTime ? 9 : 1, offset);
  return out;
}

/** Decodes the value of an encoded single. @throws RangeError on malformed input. */
export function decodeSingle(bytes: Buffer): unknown {
  return new ValueReader(bytes, (bytes[0]! & HAS_TIME) !== 0 ? 9 : 1).readValue();
}

/** Values that are immutable, so the cache may keep them unencoded until they are written out. */
export type Primitive = number | string | boolean | bigint | null | undefined;

/** True for {@link Primitive} values (not symbols, which the codec rejects). */
export function isPrimitive(v: unknown): v is Primitive {
  const t = typeof v;
  return v === null || t === 'number' || t === 'string' || t === 'boolean' || t === 'bigint' || t === 'undefined';
}

/**
 * The encoded size of a primitive as a single, without encoding it (strings are assumed mostly
 * ASCII; this feeds cache accounting, not the file format).
 */
export function estimateSingleSize(v: Primitive, writeTime: number): number {
  const head = Number.isNaN(writeTime) ? 1 : 9;
  switch (typeof v) {
    case 'number':
      return head + 9;
    case 'string':
      return head + 2 + v.length;
    case 'bigint':
      return head + 24;
    default:
      return head + 1;
  }
}

/** True when a value written at `writeTime` has expired at `now` under `ttlMs` (0 = no TTL). */
export function isExpired(writeTime: number, ttlMs: number, now: number): boolean {
  // NaN (no write time) compares false: such values never expire.
  return ttlMs > 0 && writeTime + ttlMs <= now;
}

/** Encodes a list from its already encoded elements. */
export function encodeList(elements: readonly Buffer[]): Buffer {
  let head = 1;
  for (let n = elements.length; n >= 0x80; n >>>= 7) head++;
  let size = head;
  for (const e of elements) size += e.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let n = elements.length;
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  for (const e of elements) at += e.copy(out, at);
  return out;
}

/**
 * Splits an encoded list into its encoded elements (views into `bytes`).
 * @throws RangeError on malformed input.
 */
export function splitList(bytes: Buffer): Buffer[] {
  const r = new ValueReader(bytes);
  const n = r.readVarUint();
  if (n > r.remaining) throw new RangeError('list length exceeds its bytes');
  const out = new Array<Buffer>(n);
  for (let i = 0; i < n; i++) {
    const start = r.pos;
    if ((r.readU8() & HAS_TIME) !== 0) r.readF64();
    r.readValue();
    out[i] = bytes.subarray(start, r.pos);
  }
  if (r.remaining !== 0) throw new RangeError('trailing bytes after list');
  return out;
}

/**
 * The snapshot writer's TTL cleanup for states with a TTL: a function of a stored entry that
 * returns `undefined` for an expired value, the list without its expired elements, or the value
 * unchanged. Entries of other states pass through.
 */
export function expiredEntryFilter(
  states: ReadonlyArray<{ readonly id: number; readonly kind: string; readonly ttlMs: number }>,
  now: number,
): (key: Buffer, value: Buffer) => Buffer | undefined {
  const byId = new Map(states.filter((s) => s.ttlMs > 0).map((s) => [s.id, s]));
  if (byId.size === 0) return (_key, value) => value;
  return (key, value) => {
    const state = byId.get(readStateId(key).id);
    if (state === undefined) return value;
    if (state.kind !== 'list') return isExpired(singleWriteTime(value), state.ttlMs, now) ? undefined : value;
    const elements = splitList(value);
    const live = elements.filter((e) => !isExpired(singleWriteTime(e), state.ttlMs, now));
    if (live.length === elements.length) return value;
    return live.length === 0 ? undefined : encodeList(live);
  };
}
