/**
 * Encodes captured writes straight into snapshot-file records (see snapshot-file.ts), for the
 * snapshots that go to a file only: a delta's captures and a cache image. {@link materialize}
 * builds a key buffer, often a value buffer and an operation object per write, which the store
 * needs; a file does not, and at a barrier that captures hundreds of thousands of writes those
 * objects cost more than the bytes.
 *
 * The bytes equal those the file writer makes of `materialize(captured)`, a delete being a
 * record with an empty value (as in a delta). There is no TTL cleanup here: callers use this only
 * when no state has a TTL.
 */

import { ValueWriter } from '@eddy/common';
import { CaptureForm, type CapturedWrites, type WriteSink } from './key-entry.js';
import { INT32_STORED_KEY_BYTES, isInt32Key, putInt32StoredKey, writeStoredKey } from './key-layout.js';
import type { RecordArena } from './record-arena.js';
import type { EncodedRecords } from './snapshot-file.js';
import { writeList, writeSingle } from './value-format.js';

/** Shared by all backends of a process: encoding is synchronous and copies out. */
const sharedWriter = new ValueWriter(1 << 20);

/** Appends one write's record to `w`. @throws TypeError when its key or value cannot be encoded. */
function appendRecord(
  w: ValueWriter,
  keyGroup: number,
  stateId: Buffer,
  key: unknown,
  userKey: Buffer | undefined,
  form: CaptureForm,
  value: unknown,
  time: number,
): void {
  const keyAt = w.openFrame();
  writeStoredKey(w, keyGroup, stateId, key, userKey);
  w.closeFrame(keyAt);
  const valueAt = w.openFrame();
  switch (form) {
    case CaptureForm.Delete:
      break;
    case CaptureForm.Encoded:
      w.writeRaw(value as Buffer);
      break;
    case CaptureForm.Primitive:
      writeSingle(w, value, time);
      break;
    case CaptureForm.ListElements:
      writeList(w, value as Buffer[]);
      break;
  }
  w.closeFrame(valueAt);
}

/**
 * Builds one batch of records: writes pushed to it are encoded at once, so the values they
 * reference are read at the push. By default it uses a writer shared by the process: finish one
 * batch before starting the next, synchronously.
 */
export class RecordEncoder implements WriteSink {
  private count = 0;

  /** @param writer the writer to encode into, reset now; the process's shared one by default. */
  constructor(private readonly writer: ValueWriter = sharedWriter) {
    writer.reset();
  }

  push(
    keyGroup: number,
    stateId: Buffer,
    key: unknown,
    userKey: Buffer | undefined,
    form: CaptureForm,
    value: unknown,
    time: number,
  ): void {
    appendRecord(this.writer, keyGroup, stateId, key, userKey, form, value, time);
    this.count++;
  }

  /**
   * Appends the image of one present value of a single-value state: the record {@link push}
   * makes of the slot's image (its `bytes` as they are when it has them, else `value` encoded
   * with `time`), without the push's dispatch through a {@link WriteSink} and a capture form.
   * A full snapshot pushes hundreds of thousands of these in a row.
   * @throws TypeError when the key or value cannot be encoded.
   */
  pushSingle(keyGroup: number, stateId: Buffer, key: unknown, bytes: Buffer | undefined, value: unknown, time: number): void {
    const w = this.writer;
    if (bytes !== undefined && bytes.length < 0x80 && stateId.length === 1 && isInt32Key(key)) {
      // The commonest record of a full snapshot, a running reduce's value under an integer key:
      // both frame lengths fit one byte and are known, so the key is put in one go and no frame
      // is opened and closed (those calls cost about an eighth of an image).
      const at = w.reserve(2 + INT32_STORED_KEY_BYTES);
      const buf = w.buffer;
      buf[at] = INT32_STORED_KEY_BYTES;
      putInt32StoredKey(buf, at + 1, keyGroup, stateId[0]!, key);
      buf[at + 1 + INT32_STORED_KEY_BYTES] = bytes.length;
      w.writeRaw(bytes);
      this.count++;
      return;
    }
    const keyAt = w.openFrame();
    writeStoredKey(w, keyGroup, stateId, key, undefined);
    w.closeFrame(keyAt);
    const valueAt = w.openFrame();
    if (bytes !== undefined) w.writeRaw(bytes);
    else writeSingle(w, value, time);
    w.closeFrame(valueAt);
    this.count++;
  }

  /** Appends record `rec` of `arena` as it is: the record {@link push} makes of that single value's put. */
  pushRecord(arena: RecordArena, rec: number): void {
    arena.copyRecordTo(rec, this.writer);
    this.count++;
  }

  /** Appends every write of `captured`, in order. */
  append(captured: CapturedWrites): void {
    const { keyGroups, stateIds, keys, userKeys, forms, values, times } = captured;
    const writer = this.writer;
    const n = forms.length;
    for (let i = 0; i < n; i++)
      appendRecord(writer, keyGroups[i]!, stateIds[i]!, keys[i], userKeys[i], forms[i]!, values[i], times[i]!);
    this.count += n;
  }

  /** The records pushed and appended so far, copied out of the writer. */
  finish(): EncodedRecords {
    return { bytes: this.writer.copy(), count: this.count };
  }

  /**
   * The records pushed and appended so far, in place in the writer: a transient batch, valid
   * until the writer is used again. Only for a writer that no other encoder shares meanwhile.
   */
  view(): EncodedRecords {
    return { bytes: this.writer.peek(), count: this.count, transient: true };
  }
}

/**
 * The snapshot-file records of captured writes, in order.
 * @throws TypeError when a key or value cannot be encoded (cannot happen for loaded keys and
 *   values the state accepted).
 */
export function encodeCapturedRecords(captured: CapturedWrites): EncodedRecords {
  const encoder = new RecordEncoder();
  encoder.append(captured);
  return encoder.finish();
}
