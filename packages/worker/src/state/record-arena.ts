/**
 * The encoded values of single-value states (ValueState, ReducingState, AggregatingState), kept
 * as snapshot-file records (`keyLength key valueLength value`, see snapshot-file.ts) in one
 * buffer per backend: one record per present slot, its key the slot's stored key.
 *
 * Why: a full snapshot taken from the cache used to visit every cached entry and encode its
 * record, some 100–150 ns per entry, most of it memory stalls on scattered objects. With the
 * records kept here, written when a value is written (when it is encoded anyway), such a snapshot
 * is a copy of this buffer. A value written again with the same encoded length is overwritten in
 * place; otherwise its record moves to the end and the old one is marked dead (its key's first
 * byte, the high byte of a key group below 32768, becomes {@link DEAD}). Dead records are skipped
 * by {@link RecordArena.snapshot} and dropped by a compaction: when the buffer grows, or when it
 * is full and at least half of it is dead.
 *
 * Records are addressed by small integer ids that stay valid while a record moves; an id is
 * reused once its record is freed.
 */

import { constants as bufferConstants } from 'node:buffer';
import { ValueReader, ValueWriter } from '@eddy/common';
import { INT32_STORED_KEY_BYTES, isInt32Key, putInt32StoredKey, writeStoredKey } from './key-layout.js';
import { varintLength, writeVarint, type EncodedRecords } from './snapshot-file.js';
import { writeSingle } from './value-format.js';

/** The first key byte of a dead record: no key group (below 32768) begins with it. */
export const DEAD = 0xff;

/** Shared by all arenas of a process: a record is encoded here first, so a value that cannot be encoded changes nothing. */
const scratch = new ValueWriter(64 * 1024);

/** A spare snapshot buffer up to this much above twice the size wanted is still reused. */
const SPARE_SLACK = 64 * 1024;

/** Below this many bytes a loop copies faster than a native copy call. */
const SMALL_COPY = 64;

/** Copies `src[from, to)` to `dst[at]`. */
function copyBytes(src: Buffer, from: number, to: number, dst: Buffer, at: number): void {
  if (to - from <= SMALL_COPY) for (let i = from; i < to; i++) dst[at++] = src[i]!;
  else src.copy(dst, at, from, to);
}

/** Reads the unsigned LEB128 varint at `at` into `out`: its value and the offset after it. */
function readVarint(buf: Buffer, at: number, out: { value: number; end: number }): void {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = buf[at++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  out.value = value;
  out.end = at;
}

/** One backend's records of single-value slots (see the module comment). */
export class RecordArena {
  private buf: Buffer;
  /** Bytes in use, dead records included. */
  private used = 0;
  private deadBytes = 0;
  private live = 0;
  /** By id: the record's first byte, -1 for a free id. (Offsets may pass 2³¹: float64.) */
  private starts: Float64Array;
  /** By id: the first byte of the record's value. */
  private valueStarts: Float64Array;
  /** By id: the byte after the record. */
  private ends: Float64Array;
  private nextId = 0;
  private readonly freeIds: number[] = [];
  private readonly varint = { value: 0, end: 0 };
  /**
   * A snapshot's buffer handed back by {@link recycle}, for the next snapshot: a fresh buffer of
   * some megabytes costs a page fault per 4 KiB on its first write, three times the copy itself.
   */
  private spare: Buffer | undefined;
  /** Snapshot buffers of this arena not yet recycled (so foreign or twice-recycled bytes are refused). */
  private readonly ownsSnapshot = new WeakSet<ArrayBufferLike>();

  /** @param initialBytes the buffer's initial size; it doubles as needed. */
  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.starts = new Float64Array(1024);
    this.valueStarts = new Float64Array(1024);
    this.ends = new Float64Array(1024);
  }

  /** Live records. */
  get count(): number {
    return this.live;
  }

  /** Bytes of the live records. */
  get liveBytes(): number {
    return this.used - this.deadBytes;
  }

  /**
   * Adds the record of a new value under `key`'s stored key.
   * @returns its id.
   * @throws TypeError when the key or value cannot be encoded, RangeError when the arena would
   *   outgrow the largest buffer; nothing changes then.
   */
  add(keyGroup: number, stateId: Buffer, key: unknown, value: unknown, writeTime: number): number {
    const w = scratch;
    w.reset();
    this.writeKeyFrame(w, keyGroup, stateId, key);
    const valueAt = w.openFrame();
    writeSingle(w, value, writeTime);
    w.closeFrame(valueAt);
    return this.append(w);
  }

  /**
   * Adds the record of a value already encoded (a single, see value-format.ts): `bytes[from, to)`.
   * @returns its id.
   * @throws TypeError when the key cannot be encoded, RangeError as {@link add}; nothing changes then.
   */
  addEncoded(keyGroup: number, stateId: Buffer, key: unknown, bytes: Buffer, from: number, to: number): number {
    const w = scratch;
    w.reset();
    this.writeKeyFrame(w, keyGroup, stateId, key);
    w.writeVarUint(to - from);
    const at = w.reserve(to - from);
    copyBytes(bytes, from, to, w.buffer, at);
    return this.append(w);
  }

  private writeKeyFrame(w: ValueWriter, keyGroup: number, stateId: Buffer, key: unknown): void {
    if (stateId.length === 1 && isInt32Key(key)) {
      // The commonest key: both the frame length and the key are known, put in one go.
      const at = w.reserve(1 + INT32_STORED_KEY_BYTES);
      w.buffer[at] = INT32_STORED_KEY_BYTES;
      putInt32StoredKey(w.buffer, at + 1, keyGroup, stateId[0]!, key);
      return;
    }
    const keyAt = w.openFrame();
    writeStoredKey(w, keyGroup, stateId, key, undefined);
    w.closeFrame(keyAt);
  }

  /** Appends the record in `w` under a new id. */
  private append(w: ValueWriter): number {
    const n = w.pos;
    const at = this.reserve(n);
    const id = this.newId();
    const buf = this.buf;
    copyBytes(w.buffer, 0, n, buf, at);
    this.starts[id] = at;
    readVarint(buf, at, this.varint);
    readVarint(buf, this.varint.end + this.varint.value, this.varint);
    this.valueStarts[id] = this.varint.end;
    this.ends[id] = at + n;
    this.live++;
    return id;
  }

  private newId(): number {
    const reused = this.freeIds.pop();
    if (reused !== undefined) return reused;
    const id = this.nextId++;
    if (id === this.starts.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.valueStarts = grow(this.valueStarts);
      this.ends = grow(this.ends);
    }
    return id;
  }

  /** Reserves `n` bytes at the end (see {@link makeRoom}). @returns their offset. */
  private reserve(n: number): number {
    this.makeRoom(n);
    const at = this.used;
    this.used += n;
    return at;
  }

  /**
   * Makes `n` bytes fit after {@link used}, compacting or growing the buffer when they do not: live
   * records may move.
   * @throws RangeError when the live records and `n` would pass the largest buffer; nothing changes then.
   */
  private makeRoom(n: number): void {
    if (this.used + n <= this.buf.length) return;
    // Dead records first: they go when they are at least half of what is used.
    if (2 * this.deadBytes >= this.used && this.liveBytes + n <= this.buf.length) {
      this.compact(this.buf.length);
      return;
    }
    const need = this.liveBytes + n;
    if (need > bufferConstants.MAX_LENGTH)
      throw new RangeError(
        `the state's values need ${need} bytes in memory, more than a buffer holds (${bufferConstants.MAX_LENGTH}): lower the state cache size`,
      );
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    this.compact(Math.min(size, bufferConstants.MAX_LENGTH));
  }

  /** Rewrites the live records, by id, into a buffer of `size` bytes. */
  private compact(size: number): void {
    const from = this.buf;
    const to = Buffer.allocUnsafe(size);
    let at = 0;
    for (let id = 0; id < this.nextId; id++) {
      const start = this.starts[id]!;
      if (start < 0) continue;
      const end = this.ends[id]!;
      copyBytes(from, start, end, to, at);
      this.starts[id] = at;
      this.valueStarts[id] = this.valueStarts[id]! - start + at;
      this.ends[id] = at + end - start;
      at += end - start;
    }
    this.buf = to;
    this.used = at;
    this.deadBytes = 0;
  }

  /**
   * Replaces the value of record `id`: in place when its encoding has the same length, else the
   * record moves.
   * @throws TypeError when the value cannot be encoded, RangeError as {@link add}; nothing changes then.
   */
  set(id: number, value: unknown, writeTime: number): void {
    const w = scratch;
    w.reset();
    writeSingle(w, value, writeTime);
    this.setValue(id, w.buffer, 0, w.pos);
  }

  /** Replaces the value of record `id` by an encoded single, `bytes[from, to)`. @throws RangeError as {@link add}; nothing changes then. */
  setEncoded(id: number, bytes: Buffer, from: number, to: number): void {
    this.setValue(id, bytes, from, to);
  }

  private setValue(id: number, src: Buffer, from: number, to: number): void {
    const n = to - from;
    const valueStart = this.valueStarts[id]!;
    if (this.ends[id]! - valueStart === n) {
      copyBytes(src, from, to, this.buf, valueStart);
      return;
    }
    // The record moves to the end, its key frame (which ends where the old value's length
    // begins) with it. Room is made first, while the record is live: a compaction moves it.
    readVarint(this.buf, this.starts[id]!, this.varint);
    const keyFrameBytes = this.varint.end + this.varint.value - this.starts[id]!;
    const size = keyFrameBytes + varintLength(n) + n;
    this.makeRoom(size);
    const start = this.starts[id]!;
    const buf = this.buf;
    const at = this.used;
    copyBytes(buf, start, start + keyFrameBytes, buf, at);
    this.kill(id);
    this.used += size;
    const v = writeVarint(buf, at + keyFrameBytes, n);
    copyBytes(src, from, to, buf, v);
    this.starts[id] = at;
    this.valueStarts[id] = v;
    this.ends[id] = v + n;
  }

  /** Marks record `id`'s bytes dead. */
  private kill(id: number): void {
    const start = this.starts[id]!;
    readVarint(this.buf, start, this.varint);
    this.buf[this.varint.end] = DEAD;
    this.deadBytes += this.ends[id]! - start;
  }

  /** Frees record `id`: its value is gone; the id may be given out again. */
  free(id: number): void {
    this.kill(id);
    this.starts[id] = -1;
    this.freeIds.push(id);
    this.live--;
  }

  /** The encoded length of record `id`'s value. */
  valueLength(id: number): number {
    return this.ends[id]! - this.valueStarts[id]!;
  }

  /** Decodes record `id`'s value. @throws RangeError on corrupt bytes. */
  decode(id: number): unknown {
    const start = this.valueStarts[id]!;
    // A single: flags (bit 0: a write time follows), the time if any, then the value.
    return new ValueReader(this.buf, (this.buf[start]! & 1) !== 0 ? start + 9 : start + 1).readValue();
  }

  /** A copy of record `id`'s encoded value (a single, see value-format.ts). */
  valueCopy(id: number): Buffer {
    const start = this.valueStarts[id]!;
    const end = this.ends[id]!;
    const out = Buffer.allocUnsafe(end - start);
    copyBytes(this.buf, start, end, out, 0);
    return out;
  }

  /** Appends record `id` as it is to `w`. */
  copyRecordTo(id: number, w: ValueWriter): void {
    const start = this.starts[id]!;
    const end = this.ends[id]!;
    const at = w.reserve(end - start);
    copyBytes(this.buf, start, end, w.buffer, at);
  }

  /**
   * The live records as they are now, back to back in a copy that later writes do not reach (one
   * memory copy when no record is dead; otherwise a scan that skips the dead ones). The copy may
   * be handed back with {@link recycle} once it has been written.
   */
  snapshot(): EncodedRecords {
    const buf = this.buf;
    const used = this.used;
    const out = this.snapshotBuffer(used - this.deadBytes);
    if (this.deadBytes === 0) {
      buf.copy(out, 0, 0, used);
      return { bytes: out, count: this.live };
    }
    const v = this.varint;
    let o = 0;
    let runStart = 0;
    let at = 0;
    while (at < used) {
      readVarint(buf, at, v);
      const dead = buf[v.end] === DEAD;
      readVarint(buf, v.end + v.value, v);
      const next = v.end + v.value;
      if (dead) {
        o += buf.copy(out, o, runStart, at);
        runStart = next;
      }
      at = next;
    }
    o += buf.copy(out, o, runStart, used);
    if (o !== out.length) throw new Error(`internal: arena snapshot copied ${o} of ${out.length} live bytes`);
    return { bytes: out, count: this.live };
  }

  /**
   * Takes back the bytes of a snapshot of this arena for a later snapshot to copy into. The
   * caller must not read them afterwards: the next snapshot overwrites them.
   */
  recycle(bytes: Buffer): void {
    // Only a whole buffer from snapshotBuffer (never a pool slice) is taken back.
    if (bytes.byteOffset !== 0 || !this.ownsSnapshot.has(bytes.buffer)) return;
    this.ownsSnapshot.delete(bytes.buffer);
    const whole = Buffer.from(bytes.buffer);
    if (this.spare === undefined || whole.length > this.spare.length) this.spare = whole;
  }

  /**
   * `size` bytes for a snapshot: the spare when it fits without wasting more than half of it,
   * else a new buffer with an eighth more room, so a slowly growing arena reuses it. A spare that
   * does not fit is dropped: the new buffer takes its place once recycled.
   */
  private snapshotBuffer(size: number): Buffer {
    const spare = this.spare;
    this.spare = undefined;
    const whole =
      spare !== undefined && spare.length >= size && spare.length <= 2 * size + SPARE_SLACK
        ? spare
        : Buffer.allocUnsafeSlow(Math.min(bufferConstants.MAX_LENGTH, size + (size >> 3)));
    this.ownsSnapshot.add(whole.buffer);
    return whole.subarray(0, size);
  }

  /** Frees every record. */
  clear(): void {
    this.spare = undefined;
    this.used = 0;
    this.deadBytes = 0;
    this.live = 0;
    this.nextId = 0;
    this.freeIds.length = 0;
  }
}
