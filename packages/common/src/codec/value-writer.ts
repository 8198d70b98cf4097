/**
 * Binary encoding of record values for network buffers. Self-describing tagged format, so no
 * schema is needed: numbers (int32 fast path, float64 otherwise), strings, booleans, null,
 * undefined, bigint, Date, byte arrays, arrays, plain objects, Map and Set.
 *
 * Hot path: one call per record. Writes go through a DataView over a growable buffer to avoid
 * Buffer's per-call argument checks.
 */

/** Type tags. Stable: they are part of the wire format. */
export const enum Tag {
  Int32 = 1,
  Float64 = 2,
  String = 3,
  True = 4,
  False = 5,
  Null = 6,
  Undefined = 7,
  Array = 8,
  Object = 9,
  BigInt = 10,
  Date = 11,
  Bytes = 12,
  Map = 13,
  Set = 14,
  /** Prefix of a record that carries an event timestamp (float64) before its value. */
  Timestamped = 0xf0,
}

const MAX_DEPTH = 64;
/**
 * Up to this many bytes, {@link ValueWriter.copy} copies in JavaScript: the native
 * `Buffer.copy` it would call otherwise costs more than a loop over a few dozen bytes.
 */
const SMALL_COPY = 64;
/**
 * Up to this many bytes, {@link ValueWriter.writeRaw} copies in JavaScript. `TypedArray.set`
 * costs about 40 ns whatever the length, a loop about 3.5 ns a byte: a full snapshot copies
 * every value it holds encoded (20 bytes and more for an object), where `set` is cheaper.
 */
const SMALL_RAW_COPY = 12;

/** Appends encoded values to a growable byte buffer. Reuse one writer; call {@link reset} between buffers. */
export class ValueWriter {
  private buf: Buffer;
  private view: DataView;
  /** Bytes written so far. */
  pos = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /**
   * Reserves `n` bytes at the end, for a caller that fills them in itself (a fixed layout written
   * in one go rather than with a call per field). @returns their offset in {@link buffer}.
   */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos = at + n;
    return at;
  }

  /** The buffer written into; a later write may replace it with a larger one. */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Forgets everything written; keeps the allocation. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written so far (safe to hand to gRPC while this writer is reused). */
  copy(): Buffer {
    const n = this.pos;
    const out = Buffer.allocUnsafe(n);
    // State keys and values are mostly a few dozen bytes: a loop beats a native copy call.
    if (n <= SMALL_COPY) for (let i = 0; i < n; i++) out[i] = this.buf[i]!;
    else this.buf.copy(out, 0, 0, n);
    return out;
  }

  /**
   * The bytes written so far, as a view of this writer's buffer, not a copy: valid only until the
   * next write or {@link reset}. For a consumer that is done with them before this writer is used
   * again, a copy per buffer (a fresh allocation, page faults included, for large ones) is waste.
   */
  peek(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  writeU8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  writeU32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  /** Overwrites a u32 written earlier at `at` (for counts known only at the end). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  writeF64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Unsigned LEB128 varint. */
  writeVarUint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  writeString(s: string): void {
    const len = s.length;
    if (len < 43) {
      // At most 3 bytes per UTF-16 unit, so the byte length fits one varint byte (< 128).
      this.ensure(1 + len * 3);
      const start = this.pos + 1;
      const buf = this.buf;
      // Short ASCII strings (property names, most keys) are copied in JavaScript: a native
      // utf8Write call costs several times more than the copy itself.
      let i = 0;
      while (i < len) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i++] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = start + len;
        return;
      }
      const written = buf.utf8Write(s, start);
      this.buf[this.pos] = written;
      this.pos = start + written;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.writeVarUint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.utf8Write(s, this.pos, bytes);
  }

  /** Appends bytes as they are, without a length. */
  writeRaw(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    const buf = this.buf;
    const at = this.pos;
    if (n <= SMALL_RAW_COPY) for (let i = 0; i < n; i++) buf[at + i] = b[i]!;
    else buf.set(b, at);
    this.pos = at + n;
  }

  /**
   * Opens a length-prefixed frame: reserves one byte and returns its offset, for
   * {@link closeFrame} once the frame's bytes are written.
   */
  openFrame(): number {
    this.ensure(1);
    return this.pos++;
  }

  /**
   * Writes the length of the bytes after `at` (an offset from {@link openFrame}) as an unsigned
   * LEB128 varint in the reserved byte, moving the bytes when the varint needs more than one.
   */
  closeFrame(at: number): void {
    let n = this.pos - at - 1;
    if (n < 0x80) {
      this.buf[at] = n;
      return;
    }
    let extra = 0;
    for (let v = n >>> 7; v >= 0x80; v >>>= 7) extra++;
    extra++;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    let i = at;
    while (n >= 0x80) {
      this.buf[i++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[i] = n;
  }

  writeBytes(b: Uint8Array): void {
    this.writeVarUint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * Encodes one value.
   * @throws TypeError for functions, symbols, cyclic or too deeply nested (> 64) structures, and
   *   class instances other than Date, Map, Set and byte arrays.
   */
  writeValue(v: unknown, depth = 0): void {
    switch (typeof v) {
      case 'number':
        if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
          this.ensure(5);
          this.buf[this.pos] = Tag.Int32;
          this.view.setInt32(this.pos + 1, v, true);
          this.pos += 5;
        } else {
          this.ensure(9);
          this.buf[this.pos] = Tag.Float64;
          this.view.setFloat64(this.pos + 1, v, true);
          this.pos += 9;
        }
        return;
      case 'string':
        this.writeU8(Tag.String);
        this.writeString(v);
        return;
      case 'boolean':
        this.writeU8(v ? Tag.True : Tag.False);
        return;
      case 'undefined':
        this.writeU8(Tag.Undefined);
        return;
      case 'bigint':
        this.writeU8(Tag.BigInt);
        this.writeString(v.toString());
        return;
      case 'object':
        this.writeObject(v, depth);
        return;
      default:
        throw new TypeError(`cannot serialize a ${typeof v} in a record`);
    }
  }

  private writeObject(v: object | null, depth: number): void {
    if (v === null) {
      this.writeU8(Tag.Null);
      return;
    }
    if (depth >= MAX_DEPTH) throw new TypeError(`record nests deeper than ${MAX_DEPTH} levels (cyclic?)`);
    if (Array.isArray(v)) {
      this.writeU8(Tag.Array);
      this.writeVarUint(v.length);
      for (let i = 0; i < v.length; i++) this.writeValue(v[i], depth + 1);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      this.writeU8(Tag.Object);
      const countAt = this.pos;
      this.writeU32(0);
      let count = 0;
      for (const k in v) {
        const field = (v as Record<string, unknown>)[k];
        if (typeof field === 'function' || typeof field === 'symbol') continue;
        this.writeString(k);
        this.writeValue(field, depth + 1);
        count++;
      }
      this.patchU32(countAt, count);
      return;
    }
    if (v instanceof Date) {
      this.writeU8(Tag.Date);
      this.writeF64(v.getTime());
      return;
    }
    if (v instanceof Uint8Array) {
      this.writeU8(Tag.Bytes);
      this.writeBytes(v);
      return;
    }
    if (v instanceof Map) {
      this.writeU8(Tag.Map);
      this.writeVarUint(v.size);
      for (const [k, x] of v) {
        this.writeValue(k, depth + 1);
        this.writeValue(x, depth + 1);
      }
      return;
    }
    if (v instanceof Set) {
      this.writeU8(Tag.Set);
      this.writeVarUint(v.size);
      for (const x of v) this.writeValue(x, depth + 1);
      return;
    }
    const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new TypeError(
      `cannot serialize an instance of ${name} in a record; use plain objects, arrays, Date, Map, Set or Uint8Array`,
    );
  }
}
