/**
 * How keyed state is laid out in the sorted key-value store. Every stored key is
 *
 * ```
 * keyGroup (u16 big-endian) | stateId (unsigned LEB128 varint) | key (encodeKey) [| userKey (encodeKey), MapState only]
 * ```
 *
 * The key group comes first so that one key group's entries are contiguous: a snapshot written in
 * key order is in key-group order, and a key-group range is one byte range. `stateId` is a small
 * number assigned per registered state name; snapshot files carry the name table so ids can be
 * remapped on restore. `encodeKey` is self-delimiting (no encoding is a prefix of another), so the
 * entries of one key of a MapState are exactly the keys starting with that key's prefix.
 *
 * Pure functions only.
 */

import { ValueWriter } from '@eddy/common';

/** Bytes of the key-group prefix. Max parallelism is at most 32768, so a u16 always fits. */
export const KEY_GROUP_BYTES = 2;

// Type tags of @eddy/common's codec (its `Tag` const enum cannot be read across packages under
// isolated modules). Keys reuse the codec's format so that `ValueReader.readValue` decodes them.
const TAG_INT32 = 1;
const TAG_ARRAY = 8;
const TAG_OBJECT = 9;
const MAX_DEPTH = 64;

const keyWriter = new ValueWriter(256);

function writeKey(w: ValueWriter, v: unknown, depth: number): void {
  if (typeof v !== 'object' || v === null || depth >= MAX_DEPTH) {
    w.writeValue(v, depth);
    return;
  }
  if (Array.isArray(v)) {
    w.writeU8(TAG_ARRAY);
    w.writeVarUint(v.length);
    for (const e of v as unknown[]) writeKey(w, e, depth + 1);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    // Date, Uint8Array, Map, Set: the codec's own encoding (Map and Set in insertion order).
    w.writeValue(v, depth);
    return;
  }
  // Plain objects: fields sorted by name, so that {a, b} and {b, a} are the same key (as their
  // key-group hash already is).
  const record = v as Record<string, unknown>;
  const names = Object.keys(record)
    .filter((k) => typeof record[k] !== 'function' && typeof record[k] !== 'symbol')
    .sort();
  w.writeU8(TAG_OBJECT);
  w.writeU32(names.length);
  for (const k of names) {
    w.writeString(k);
    writeKey(w, record[k], depth + 1);
  }
}

/**
 * The deterministic, self-delimiting encoding of a key (a current key or a MapState user key) in
 * @eddy/common's value format, readable with `ValueReader.readValue`. Equal keys encode equally:
 * plain-object fields are sorted by name. Numbers encode by value (`0` and `-0` differ, as their
 * Flink hash codes do).
 * @throws TypeError for functions, symbols, class instances the codec rejects and cycles.
 */
export function encodeKey(key: unknown): Buffer {
  keyWriter.reset();
  writeKey(keyWriter, key, 0);
  return keyWriter.copy();
}

/**
 * Appends the stored key of `key` (see the module comment) to `w`: the bytes of
 * `storedKey(keyGroup, stateIdBytes, encodeKey(key), userKeyBytes)`, without building them.
 * @throws TypeError as {@link encodeKey} does.
 */
export function writeStoredKey(
  w: ValueWriter,
  keyGroup: number,
  stateIdBytes: Buffer,
  key: unknown,
  userKeyBytes: Buffer | undefined,
): void {
  w.writeU8(keyGroup >>> 8);
  w.writeU8(keyGroup & 0xff);
  w.writeRaw(stateIdBytes);
  writeKey(w, key, 0);
  if (userKeyBytes !== undefined) w.writeRaw(userKeyBytes);
}

/** Whether the codec encodes `key` as an Int32: an integer in the int32 range, and not -0. */
export function isInt32Key(key: unknown): key is number {
  return typeof key === 'number' && (key | 0) === key && (key !== 0 || 1 / key > 0);
}

/** Bytes of the stored key of an int32 key ({@link isInt32Key}) with a one-byte state id. */
export const INT32_STORED_KEY_BYTES = 8;

/**
 * Puts at `buf[at]` the {@link INT32_STORED_KEY_BYTES} bytes of the stored key of an int32 key
 * (see {@link isInt32Key}) with a one-byte state id (an id below 128): the bytes
 * {@link writeStoredKey} writes, without a call per field.
 */
export function putInt32StoredKey(buf: Buffer, at: number, keyGroup: number, stateIdByte: number, key: number): void {
  buf[at] = keyGroup >>> 8;
  buf[at + 1] = keyGroup & 0xff;
  buf[at + 2] = stateIdByte;
  buf[at + 3] = TAG_INT32;
  // Little-endian two's complement, as the codec writes an Int32.
  buf[at + 4] = key & 0xff;
  buf[at + 5] = (key >>> 8) & 0xff;
  buf[at + 6] = (key >>> 16) & 0xff;
  buf[at + 7] = (key >>> 24) & 0xff;
}

/**
 * A JavaScript `Map` key that identifies `key` the way {@link encodeKey} does: the key itself for
 * strings, numbers, bigints, booleans, null and undefined (cheap), a `'\u0001'`-prefixed string of
 * its encoding for composite keys, `-0` and strings that begin with `'\u0001'` (so none collide).
 */
export type CacheKey = string | number | bigint | boolean | null | undefined;

/** See {@link CacheKey}. @throws TypeError as {@link encodeKey} does. */
export function cacheKeyOf(key: unknown): CacheKey {
  switch (typeof key) {
    case 'string':
      return key.charCodeAt(0) === 1 ? composite(key) : key;
    case 'number':
      return key === 0 && 1 / key < 0 ? composite(key) : key;
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return key;
    case 'object':
      return key === null ? null : composite(key);
    default:
      throw new TypeError(`a ${typeof key} cannot be used as a state key`);
  }
}

function composite(key: unknown): string {
  return '\u0001' + encodeKey(key).toString('latin1');
}

/** The unsigned LEB128 encoding of a state id. */
export function encodeStateId(id: number): Buffer {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new RangeError(`state id out of range: ${id}`);
  const bytes: number[] = [];
  let v = id;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/**
 * Reads the state id of a stored key.
 * @returns the id and the offset of the first byte after it.
 * @throws RangeError for a key too short to hold a key group and a state id.
 */
export function readStateId(storedKey: Buffer): { id: number; end: number } {
  return readStateIdAt(storedKey, 0, storedKey.length);
}

/**
 * {@link readStateId} of the stored key `buf[start, end)`, for keys read in place from a file
 * buffer. @returns the id and the offset in `buf` of the first byte after it.
 * @throws RangeError for a key too short to hold a key group and a state id.
 */
export function readStateIdAt(buf: Buffer, start: number, end: number): { id: number; end: number } {
  let id = 0;
  let shift = 0;
  const first = start + KEY_GROUP_BYTES;
  for (let i = first; i < end && i < first + 3; i++) {
    const b = buf[i]!;
    id += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { id, end: i + 1 };
    shift += 7;
  }
  throw new RangeError('stored key has no valid state id');
}

/** A stored key with its state id replaced by `stateIdBytes` (restore maps a file's ids to local ones). */
export function withStateId(key: Buffer, stateIdBytes: Buffer): Buffer {
  const { end } = readStateId(key);
  if (end - KEY_GROUP_BYTES === stateIdBytes.length && stateIdBytes.equals(key.subarray(KEY_GROUP_BYTES, end))) return key;
  const out = Buffer.allocUnsafe(KEY_GROUP_BYTES + stateIdBytes.length + key.length - end);
  key.copy(out, 0, 0, KEY_GROUP_BYTES);
  stateIdBytes.copy(out, KEY_GROUP_BYTES);
  key.copy(out, KEY_GROUP_BYTES + stateIdBytes.length, end);
  return out;
}

/** The key group of a stored key. */
export function keyGroupOf(storedKey: Buffer): number {
  return keyGroupAt(storedKey, 0);
}

/** {@link keyGroupOf} of the stored key that begins at `start` in `buf` (a file buffer holds many). */
export function keyGroupAt(buf: Buffer, start: number): number {
  return buf.readUInt16BE(start);
}

/**
 * A stored key: `keyGroup | stateId | key [| userKey]`. Without a user key it is a single-value or
 * list state's key, and a MapState's key prefix.
 */
export function storedKey(keyGroup: number, stateIdBytes: Buffer, keyBytes: Buffer, userKeyBytes?: Buffer): Buffer {
  const head = KEY_GROUP_BYTES + stateIdBytes.length;
  const out = Buffer.allocUnsafe(head + keyBytes.length + (userKeyBytes?.length ?? 0));
  out[0] = keyGroup >>> 8;
  out[1] = keyGroup & 0xff;
  let at = KEY_GROUP_BYTES;
  for (let i = 0; i < stateIdBytes.length; i++) out[at++] = stateIdBytes[i]!;
  at = put(out, at, keyBytes);
  if (userKeyBytes !== undefined) put(out, at, userKeyBytes);
  return out;
}

/**
 * Copies `part` into `out` at `at`; @returns the end. Built once per write, and parts are mostly a
 * few bytes: a plain loop beats a native copy call up to a few dozen.
 */
function put(out: Buffer, at: number, part: Buffer): number {
  const n = part.length;
  if (n > 64) return at + part.copy(out, at);
  for (let i = 0; i < n; i++) out[at + i] = part[i]!;
  return at + n;
}

/**
 * The smallest byte string greater than every string that starts with `prefix` (the exclusive end
 * of a prefix scan), or `undefined` when there is none (`prefix` is all 0xff).
 */
export function prefixEnd(prefix: Buffer): Buffer | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! !== 0xff) {
      const out = Buffer.from(prefix.subarray(0, i + 1));
      out[i] = prefix[i]! + 1;
      return out;
    }
  }
  return undefined;
}

/** The stored-key range `[gte, lt)` holding key groups `start..end` (inclusive). */
export function keyGroupSpan(start: number, end: number): { gte: Buffer; lt?: Buffer } {
  const gte = Buffer.alloc(KEY_GROUP_BYTES);
  gte.writeUInt16BE(start, 0);
  if (end + 1 > 0xffff) return { gte };
  const lt = Buffer.alloc(KEY_GROUP_BYTES);
  lt.writeUInt16BE(end + 1, 0);
  return { gte, lt };
}
