/** Decoding counterpart of {@link ValueWriter}. */
import { Tag } from './value-writer.js';

/** Longest property name (in bytes) kept in {@link NAMES}. */
const NAME_MAX = 24;
/**
 * Recently decoded ASCII property names, by a hash of their bytes (a direct-mapped cache shared
 * by all readers: a collision only costs a decode).
 */
const NAMES = new Array<string | undefined>(4096);

/** Reads values from one encoded buffer. Construct per buffer; cheap. */
export class ValueReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  readU8(): number {
    if (this.pos >= this.buf.length) throw new RangeError('truncated buffer');
    return this.buf[this.pos++]!;
  }

  readU32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readF64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  readVarUint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.readU8();
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 35) throw new RangeError('varint too long');
    }
  }

  readString(): string {
    const len = this.readVarUint();
    const start = this.pos;
    const end = start + len;
    if (end > this.buf.length) throw new RangeError('truncated string');
    this.pos = end;
    return this.buf.utf8Slice(start, end);
  }

  /**
   * {@link readString} for object property names: a record type repeats the same few names in
   * every record, so short ASCII names come from {@link NAMES} instead of a native decode each.
   */
  private readName(): string {
    const len = this.readVarUint();
    const buf = this.buf;
    const start = this.pos;
    const end = start + len;
    if (end > buf.length) throw new RangeError('truncated string');
    this.pos = end;
    if (len > NAME_MAX) return buf.utf8Slice(start, end);
    let h = len;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + buf[i]!) | 0;
    const slot = (h ^ (h >>> 12)) & (NAMES.length - 1);
    const cached = NAMES[slot];
    // Equal lengths and equal code units against bytes match only for ASCII, the only names cached.
    if (cached !== undefined && cached.length === len) {
      let i = 0;
      while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return cached;
    }
    const name = buf.utf8Slice(start, end);
    if (name.length === len) NAMES[slot] = name;
    return name;
  }

  /** Decodes one value written by `ValueWriter.writeValue`. @throws RangeError on malformed input. */
  readValue(): unknown {
    const tag = this.readU8() as Tag;
    switch (tag) {
      case Tag.Int32: {
        const v = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return v;
      }
      case Tag.Float64:
        return this.readF64();
      case Tag.String:
        return this.readString();
      case Tag.True:
        return true;
      case Tag.False:
        return false;
      case Tag.Null:
        return null;
      case Tag.Undefined:
        return undefined;
      case Tag.Array: {
        const n = this.readVarUint();
        if (n > this.remaining) throw new RangeError('array length exceeds buffer');
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.readValue();
        return a;
      }
      case Tag.Object: {
        const n = this.readU32();
        if (n > this.remaining) throw new RangeError('object size exceeds buffer');
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.readName();
          const v = this.readValue();
          // Plain assignment of '__proto__' would set the prototype instead of an own property.
          if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else o[k] = v;
        }
        return o;
      }
      case Tag.BigInt:
        return BigInt(this.readString());
      case Tag.Date:
        return new Date(this.readF64());
      case Tag.Bytes: {
        const n = this.readVarUint();
        if (this.pos + n > this.buf.length) throw new RangeError('truncated bytes');
        const out = new Uint8Array(n);
        out.set(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return out;
      }
      case Tag.Map: {
        const n = this.readVarUint();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.readValue();
          m.set(k, this.readValue());
        }
        return m;
      }
      case Tag.Set: {
        const n = this.readVarUint();
        const s = new Set<unknown>();
        for (let i = 0; i < n; i++) s.add(this.readValue());
        return s;
      }
      default:
        throw new RangeError(`unknown value tag ${tag} at offset ${this.pos - 1}`);
    }
  }
}
