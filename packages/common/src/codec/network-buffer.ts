/**
 * Wire format of one exchange buffer. A buffer holds either a batch of records or exactly one
 * event, so events stay ordered with records simply by buffer order.
 *
 * ```
 * records: 0x01 count:u32le record*      record := [0xF0 ts:f64le]? value
 * event:   0x02 eventValue               (the event object, encoded as a value)
 * ```
 */
import { ValueReader } from './value-reader.js';
import { Tag, ValueWriter } from './value-writer.js';
import type { StreamEvent } from './stream-event.js';

const KIND_RECORDS = 1;
const KIND_EVENT = 2;
const HEADER_BYTES = 5;

/**
 * Accumulates records into one buffer. `add` reports when the buffer reached its target size so
 * that the caller can hand it over; {@link take} returns the finished bytes and starts a new one.
 */
export class RecordBufferBuilder {
  private readonly writer: ValueWriter;
  private count = 0;

  constructor(private readonly targetBytes: number) {
    this.writer = new ValueWriter(targetBytes + 1024);
    this.startBuffer();
  }

  private startBuffer(): void {
    this.writer.reset();
    this.writer.writeU8(KIND_RECORDS);
    this.writer.writeU32(0);
    this.count = 0;
  }

  /** Records in the current buffer. */
  get size(): number {
    return this.count;
  }

  /** Appends one record. @returns true when the buffer is full and should be taken. */
  add(value: unknown, timestamp: number | undefined): boolean {
    const w = this.writer;
    const mark = w.pos;
    try {
      if (timestamp !== undefined) {
        w.writeU8(Tag.Timestamped);
        w.writeF64(timestamp);
      }
      w.writeValue(value);
    } catch (err) {
      // Leave the buffer as it was, so one bad record cannot corrupt its neighbours.
      w.pos = mark;
      throw err;
    }
    this.count++;
    return w.pos >= this.targetBytes;
  }

  /** The finished buffer (a copy), or undefined when empty; the builder starts a new buffer. */
  take(): Buffer | undefined {
    if (this.count === 0) return undefined;
    this.writer.patchU32(1, this.count);
    const out = this.writer.copy();
    this.startBuffer();
    return out;
  }
}

/** Encodes one event as its own buffer. */
export function encodeEvent(event: StreamEvent): Buffer {
  const w = new ValueWriter(64);
  w.writeU8(KIND_EVENT);
  w.writeValue(event);
  return w.copy();
}

/** Receives the contents of a decoded buffer. */
export interface BufferVisitor {
  record(value: unknown, timestamp: number | undefined): void;
  event(event: StreamEvent): void;
}

/**
 * Decodes `buf`, calling the visitor for each record in order (or once for an event).
 * @throws RangeError when the buffer is malformed.
 */
export function decodeBuffer(buf: Buffer, visitor: BufferVisitor): void {
  const r = new ValueReader(buf);
  const kind = r.readU8();
  if (kind === KIND_RECORDS) {
    if (buf.length < HEADER_BYTES) throw new RangeError('truncated record buffer');
    const count = r.readU32();
    for (let i = 0; i < count; i++) {
      let ts: number | undefined;
      if (buf[r.pos] === Tag.Timestamped) {
        r.pos++;
        ts = r.readF64();
      }
      visitor.record(r.readValue(), ts);
    }
    return;
  }
  if (kind === KIND_EVENT) {
    visitor.event(r.readValue() as StreamEvent);
    return;
  }
  throw new RangeError(`unknown buffer kind ${kind}`);
}
