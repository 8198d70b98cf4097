/**
 * The keyed-state snapshot file: one file per operator instance and checkpoint, holding a full
 * snapshot (every live stored entry) or a delta (the changes since the previous barrier). A full
 * snapshot read from RocksDB is in stored-key order; other files are unordered, and a delta lists
 * changes in the order they were made, one key possibly several times (the last one counts).
 *
 * ```
 * header  := magic "EDDYKST1" (8 bytes)
 *            version u16 | maxParallelism u16 | keyGroupStart u16 | keyGroupEnd u16
 *            checkpointId f64 | snapshotTime f64 (epoch ms, the TTL clock at the barrier)
 *            stateCount u16, then per state: id u16 | kind u8 | ttlMs f64 | nameLength u16 | name (UTF-8)
 * records := (keyLength varint ≥ 1 | key | valueLength varint | value)*
 * trailer := 0x00 (a zero key length: end of records) | recordCount u64 | magic "EDDYEND1"
 * ```
 *
 * Integers are big-endian, varints unsigned LEB128; keys and values are the stored bytes (see
 * key-layout.ts and value-format.ts), with the state ids of the header's table. The file's SHA-256
 * is computed while writing and kept by the checkpoint metadata; the reader recomputes it and
 * checks it, the record count and the end magic, so truncation, corruption and a wrong file all
 * fail loudly.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import type { StateKind } from '@eddy/api';
import type { KeyGroupRange } from '@eddy/common';
import { checkStateKind, type StateTableRow } from './state-registry.js';

const MAGIC = Buffer.from('EDDYKST1', 'latin1');
const END_MAGIC = Buffer.from('EDDYEND1', 'latin1');
/** Current format version. */
export const SNAPSHOT_FORMAT_VERSION = 1;
/** Bytes buffered before a write to the file. */
const CHUNK_BYTES = 256 * 1024;

const KIND_CODES: Record<StateKind, number> = { value: 1, list: 2, map: 3, reducing: 4, aggregating: 5 };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([k, c]) => [c, k]));

/** What a snapshot file's header says. */
export interface SnapshotHeader {
  readonly maxParallelism: number;
  readonly keyGroups: KeyGroupRange;
  readonly checkpointId: number;
  readonly snapshotTime: number;
  readonly states: readonly StateTableRow[];
}

/** A snapshot file failed verification (missing, malformed, truncated or wrong checksum). */
export class SnapshotFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`snapshot file '${file}': ${message}`, options);
    this.name = 'SnapshotFileError';
  }
}

/** Encodes a header. */
export function encodeHeader(h: SnapshotHeader): Buffer {
  const names = h.states.map((s) => Buffer.from(s.name, 'utf8'));
  let size = MAGIC.length + 8 + 16 + 2;
  for (const n of names) size += 2 + 1 + 8 + 2 + n.length;
  const out = Buffer.alloc(size);
  let at = MAGIC.copy(out, 0);
  at = out.writeUInt16BE(SNAPSHOT_FORMAT_VERSION, at);
  at = out.writeUInt16BE(h.maxParallelism, at);
  at = out.writeUInt16BE(h.keyGroups.start, at);
  at = out.writeUInt16BE(h.keyGroups.end, at);
  at = out.writeDoubleBE(h.checkpointId, at);
  at = out.writeDoubleBE(h.snapshotTime, at);
  at = out.writeUInt16BE(h.states.length, at);
  h.states.forEach((s, i) => {
    const name = names[i]!;
    at = out.writeUInt16BE(s.id, at);
    at = out.writeUInt8(KIND_CODES[s.kind], at);
    at = out.writeDoubleBE(s.ttlMs, at);
    at = out.writeUInt16BE(name.length, at);
    at += name.copy(out, at);
  });
  return out;
}

/** Thrown internally when a buffer ends before a complete item. */
class Incomplete extends Error {}

/** Decodes a header at the start of `buf`. @throws Incomplete when `buf` is too short. */
function decodeHeader(file: string, buf: Buffer): { header: SnapshotHeader; end: number } {
  const need = (n: number): void => {
    if (buf.length < n) throw new Incomplete();
  };
  need(MAGIC.length + 8 + 16 + 2);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotFileError(file, 'not an Eddy keyed-state snapshot (bad magic)');
  let at = MAGIC.length;
  const version = buf.readUInt16BE(at);
  if (version !== SNAPSHOT_FORMAT_VERSION)
    throw new SnapshotFileError(file, `unsupported format version ${version} (this build reads ${SNAPSHOT_FORMAT_VERSION})`);
  const maxParallelism = buf.readUInt16BE(at + 2);
  const keyGroups = { start: buf.readUInt16BE(at + 4), end: buf.readUInt16BE(at + 6) };
  const checkpointId = buf.readDoubleBE(at + 8);
  const snapshotTime = buf.readDoubleBE(at + 16);
  const count = buf.readUInt16BE(at + 24);
  at += 26;
  const states: StateTableRow[] = [];
  for (let i = 0; i < count; i++) {
    need(at + 13);
    const id = buf.readUInt16BE(at);
    const code = buf.readUInt8(at + 2);
    const ttlMs = buf.readDoubleBE(at + 3);
    const nameLength = buf.readUInt16BE(at + 11);
    at += 13;
    need(at + nameLength);
    const name = buf.toString('utf8', at, at + nameLength);
    at += nameLength;
    const kind = KINDS_BY_CODE.get(code);
    if (kind === undefined) throw new SnapshotFileError(file, `state '${name}' has unknown kind code ${code}`);
    states.push({ id, name, kind: checkStateKind(kind), ttlMs });
  }
  return { header: { maxParallelism, keyGroups, checkpointId, snapshotTime, states }, end: at };
}

/** Bytes of the unsigned LEB128 varint of `n`. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Writes the unsigned LEB128 varint of `n` at `buf[at]`. @returns the offset after it. */
export function writeVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** Reads a varint at `at`. @throws Incomplete when `buf` ends first. */
function readVarint(buf: Buffer, at: number): { value: number; end: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, end: i + 1 };
    scale *= 128;
    if (i - at >= 7) throw new RangeError('varint too long');
  }
  throw new Incomplete();
}

/** What writing a snapshot file produced. */
export interface SnapshotFileInfo {
  /** File size in bytes. */
  readonly bytes: number;
  /** Hex SHA-256 of the whole file. */
  readonly sha256: string;
  /** Records written. */
  readonly records: number;
}

/**
 * Records already in the file's record format (`keyLength key valueLength value`, repeated), as
 * a writer that encodes captured state straight into bytes produces them: no key or value needs a
 * buffer of its own.
 */
export interface EncodedRecords {
  readonly bytes: Buffer;
  /**
   * Records in {@link bytes}. A batch may end inside a record that the next one completes: only
   * the sum over a file's batches has to be its record count.
   */
  readonly count: number;
  /**
   * The bytes are a view of a buffer their source reuses: valid only until the source is asked
   * for its next batch, so the file writer consumes them first (no read-ahead for them).
   */
  readonly transient?: boolean;
}

/** A batch of records to write: stored entries, or records encoded already. */
export type SnapshotBatch = Array<[Buffer, Buffer]> | EncodedRecords;

/**
 * Writes a snapshot file from a source of batches of stored entries, fsyncs it and closes it.
 * `transform` may rewrite a value or drop the entry (`undefined`), for TTL cleanup; it does not
 * see {@link EncodedRecords}, which are written as they are. On error the partial file is deleted.
 */
export async function writeSnapshotFile(
  file: string,
  header: SnapshotHeader,
  nextBatch: () => Promise<SnapshotBatch | undefined>,
  transform: (key: Buffer, value: Buffer) => Buffer | undefined,
): Promise<SnapshotFileInfo> {
  const handle = await open(file, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const emit = async (buf: Buffer): Promise<void> => {
    hash.update(buf);
    bytes += buf.length;
    let off = 0;
    while (off < buf.length) off += (await handle.write(buf, off, buf.length - off)).bytesWritten;
  };
  const flush = async (): Promise<void> => {
    if (used === 0) return;
    await emit(chunk.subarray(0, used));
    used = 0;
  };
  let ahead: Promise<unknown> | undefined;
  try {
    await emit(encodeHeader(header));
    // Read ahead: the store fetches the next batch on its thread while this one is encoded and written.
    // A read-ahead may reject while this function awaits a file write (the store closed under a
    // canceled task): mark it handled at once, so the process does not see an unhandled rejection;
    // awaiting it below still throws.
    const readAhead = (): Promise<SnapshotBatch | undefined> => {
      const p = nextBatch();
      p.catch(() => undefined);
      ahead = p;
      return p;
    };
    let next = readAhead();
    for (let batch = await next; batch !== undefined; batch = await next) {
      if (!Array.isArray(batch)) {
        // A transient batch is written (or copied) before its source is asked for the next one.
        if (!batch.transient) next = readAhead();
        if (batch.bytes.length <= CHUNK_BYTES - used) {
          batch.bytes.copy(chunk, used);
          used += batch.bytes.length;
        } else {
          await flush();
          await emit(batch.bytes);
        }
        records += batch.count;
        if (batch.transient) next = readAhead();
        continue;
      }
      next = readAhead();
      for (const [key, stored] of batch) {
        const value = transform(key, stored);
        if (value === undefined) continue;
        const size = varintLength(key.length) + key.length + varintLength(value.length) + value.length;
        if (used + size > CHUNK_BYTES) await flush();
        if (size > CHUNK_BYTES) {
          const big = Buffer.allocUnsafe(size);
          let at = writeVarint(big, 0, key.length);
          at += key.copy(big, at);
          at = writeVarint(big, at, value.length);
          value.copy(big, at);
          await emit(big);
        } else {
          used = writeVarint(chunk, used, key.length);
          used += key.copy(chunk, used);
          used = writeVarint(chunk, used, value.length);
          used += value.copy(chunk, used);
        }
        records++;
      }
    }
    await flush();
    const trailer = Buffer.alloc(1 + 8 + END_MAGIC.length);
    trailer.writeBigUInt64BE(BigInt(records), 1);
    END_MAGIC.copy(trailer, 9);
    await emit(trailer);
    // The checkpoint is acknowledged as durable once this resolves.
    await handle.sync();
    await handle.close();
  } catch (err) {
    await ahead?.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await unlink(file).catch(() => undefined);
    throw err;
  }
  return { bytes, sha256: hash.digest('hex'), records };
}

/**
 * Records of a snapshot file as offsets into one read buffer, so that a reader that drops most
 * of them (a restore applying the newest file first) allocates nothing per record. As with
 * {@link readSnapshotFile}, a view kept beyond the batch keeps the whole read buffer alive.
 */
export class RecordBatch {
  /** Four offsets per record into {@link buf}: key start, key end, value start, value end. */
  readonly offsets: number[] = [];

  constructor(readonly buf: Buffer) {}

  /** Records in the batch. */
  get count(): number {
    return this.offsets.length >>> 2;
  }

  /** Record `i`'s key, a view into the read buffer. */
  key(i: number): Buffer {
    return this.buf.subarray(this.offsets[4 * i], this.offsets[4 * i + 1]);
  }

  /** Record `i`'s value (empty for a delete in a delta), a view into the read buffer. */
  value(i: number): Buffer {
    return this.buf.subarray(this.offsets[4 * i + 2], this.offsets[4 * i + 3]);
  }
}

/**
 * Reads a snapshot file: `onHeader` sees the header first and may return `false` to stop reading
 * (the file is then not verified further); `onBatch` receives the records in order, in batches,
 * and is awaited before more of the file is read. Keys and values are views into a read buffer of
 * up to a few MiB: a caller that keeps one beyond its batch should copy it, or it keeps the whole
 * buffer alive. After the last record the trailer's record count,
 * the end magic and the whole file's SHA-256 are checked.
 * @throws SnapshotFileError when the file is missing or fails a check (after `onBatch` may
 *   already have seen some records: the caller undoes their effect).
 */
export async function readSnapshotFile(
  file: string,
  expectedSha256: string,
  onHeader: (header: SnapshotHeader) => boolean,
  onBatch: (records: Array<[Buffer, Buffer]>) => Promise<void>,
): Promise<{ header: SnapshotHeader; records: number; read: boolean }> {
  return readSnapshotRecords(file, expectedSha256, onHeader, (batch) => {
    const records: Array<[Buffer, Buffer]> = [];
    for (let i = 0; i < batch.count; i++) records.push([batch.key(i), batch.value(i)]);
    return onBatch(records);
  });
}

/**
 * {@link readSnapshotFile} with the records of a batch as a {@link RecordBatch} of offsets, for
 * readers that touch records without keeping views of them.
 * @throws SnapshotFileError as {@link readSnapshotFile} does.
 */
export async function readSnapshotRecords(
  file: string,
  expectedSha256: string,
  onHeader: (header: SnapshotHeader) => boolean,
  onBatch: (batch: RecordBatch) => Promise<void>,
): Promise<{ header: SnapshotHeader; records: number; read: boolean }> {
  try {
    await stat(file);
  } catch (err) {
    throw new SnapshotFileError(file, 'file is missing or unreadable', { cause: err });
  }
  const hash = createHash('sha256');
  let pending: Buffer = Buffer.alloc(0);
  let header: SnapshotHeader | undefined;
  let records = 0;
  let trailerCount: bigint | undefined;
  let trailingBytes = 0;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      hash.update(data);
      if (trailerCount !== undefined) {
        trailingBytes += data.length;
        continue;
      }
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      let at = 0;
      if (header === undefined) {
        try {
          const decoded = decodeHeader(file, pending);
          header = decoded.header;
          at = decoded.end;
        } catch (err) {
          if (err instanceof Incomplete) continue;
          throw err;
        }
        if (!onHeader(header)) return { header, records: 0, read: false };
      }
      const batch = new RecordBatch(pending);
      const offsets = batch.offsets;
      for (;;) {
        try {
          const k = readVarint(pending, at);
          if (k.value === 0) {
            if (pending.length < k.end + 8 + END_MAGIC.length) break;
            trailerCount = pending.readBigUInt64BE(k.end);
            if (!pending.subarray(k.end + 8, k.end + 8 + END_MAGIC.length).equals(END_MAGIC))
              throw new SnapshotFileError(file, 'bad end magic (corrupt trailer)');
            trailingBytes = pending.length - (k.end + 8 + END_MAGIC.length);
            at = pending.length;
            break;
          }
          const v = readVarint(pending, k.end + k.value);
          if (pending.length < v.end + v.value) break;
          offsets.push(k.end, k.end + k.value, v.end, v.end + v.value);
          at = v.end + v.value;
        } catch (err) {
          if (err instanceof Incomplete) break;
          if (err instanceof RangeError) throw new SnapshotFileError(file, `malformed record ${records + batch.count}`, { cause: err });
          throw err;
        }
      }
      pending = pending.subarray(at);
      records += batch.count;
      if (batch.count > 0) await onBatch(batch);
    }
  } finally {
    stream.destroy();
  }
  if (header === undefined) throw new SnapshotFileError(file, 'truncated header');
  if (trailerCount === undefined) throw new SnapshotFileError(file, `truncated after ${records} records (no trailer)`);
  if (trailingBytes !== 0) throw new SnapshotFileError(file, `${trailingBytes} unexpected bytes after the trailer`);
  if (trailerCount !== BigInt(records))
    throw new SnapshotFileError(file, `record count mismatch: trailer says ${trailerCount}, file holds ${records}`);
  const sha256 = hash.digest('hex');
  if (sha256 !== expectedSha256.toLowerCase())
    throw new SnapshotFileError(file, `checksum mismatch: expected sha256 ${expectedSha256}, file has ${sha256}`);
  return { header, records, read: true };
}
