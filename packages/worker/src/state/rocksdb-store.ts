/**
 * The only module that touches the `rocksdb` binding. Its upstream is discontinued, so the rest
 * of the state backend talks to the promise-based {@link KvStore} interface and a replacement
 * binding (or an in-memory fake) needs to implement only this file's contract.
 */

import { createRequire } from 'node:module';

/** One operation of an atomic {@link KvStore.writeBatch}. */
export type KvWriteOp =
  | { readonly type: 'put'; readonly key: Buffer; readonly value: Buffer }
  | { readonly type: 'del'; readonly key: Buffer };

/** A key range `[gte, lt)` in bytewise order; a missing bound is open. */
export interface KvRange {
  readonly gte?: Buffer;
  readonly lt?: Buffer;
}

/**
 * An iterator over a range of a {@link KvStore}, reading the store as it was when
 * {@link KvStore.iterate} was called (later writes are invisible). Entries arrive in bytewise key
 * order, in batches so that a scan over millions of entries costs few promise round trips.
 * Call {@link close} when done (also after an error) to release the store's snapshot.
 */
export interface KvIterator {
  /** The next batch of `[key, value]` pairs (never empty), or `undefined` at the end of the range. */
  nextBatch(): Promise<Array<[Buffer, Buffer]> | undefined>;
  /** Releases the snapshot; `nextBatch` rejects afterwards. Idempotent. */
  close(): Promise<void>;
}

/** A sorted byte-key/byte-value store with atomic batches and snapshot iterators. */
export interface KvStore {
  /** The value of `key`, or `undefined` when absent. */
  get(key: Buffer): Promise<Buffer | undefined>;
  /** The values of `keys` in the same order (`undefined` when absent), read from one snapshot. */
  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>>;
  /** Applies all `ops` atomically, in order. Resolves once they are visible to readers. */
  writeBatch(ops: readonly KvWriteOp[]): Promise<void>;
  /**
   * Opens an iterator over `range`. The snapshot it reads is taken synchronously inside this
   * call, so a caller that calls it right after a `writeBatch` resolved sees exactly the writes
   * that landed before.
   */
  iterate(range: KvRange): KvIterator;
  /** Deletes every key in `range`. */
  deleteRange(range: KvRange): Promise<void>;
  /** Ends open iterators (their `nextBatch` rejects from then on), then closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link openRocksDbStore}. */
export interface RocksDbStoreOptions {
  /** RocksDB block cache in bytes. Default 8 MiB: the backend keeps its own object cache above it. */
  readonly blockCacheBytes?: number;
  /** RocksDB memtable size in bytes. Default 4 MiB. */
  readonly writeBufferBytes?: number;
}

// Structural types of the parts of `rocksdb@5.2.1` (leveldown API) used here; the package ships
// no type declarations.
type Callback<T = void> = (err: Error | null | undefined, result?: T) => void;
interface LevelIterator {
  next(cb: (err: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
  end(cb: Callback): void;
  /**
   * rocksdb@5.2.1 internal: the rest of the native read-ahead batch, `[..., value, key]` (popped
   * from the end). Draining it directly saves one `process.nextTick` per entry.
   */
  cache?: Buffer[] | null;
}
interface LevelChainedBatch {
  put(key: Buffer, value: Buffer): void;
  del(key: Buffer): void;
  write(cb: Callback): void;
}
interface LevelDown {
  open(options: Record<string, unknown>, cb: Callback): void;
  close(cb: Callback): void;
  get(key: Buffer, options: { asBuffer: true; fillCache?: boolean }, cb: Callback<Buffer>): void;
  getMany(keys: Buffer[], options: { asBuffer: true; fillCache?: boolean }, cb: Callback<Array<Buffer | undefined>>): void;
  /** A chained batch: each put/del is copied into a native write batch at once. */
  batch(): LevelChainedBatch;
  iterator(options: Record<string, unknown>): LevelIterator;
  clear(options: Record<string, unknown>, cb: Callback): void;
}
type LevelDownFactory = (location: string) => LevelDown;

const require = createRequire(import.meta.url);
let factory: LevelDownFactory | undefined;

function loadBinding(): LevelDownFactory {
  factory ??= require('rocksdb') as LevelDownFactory;
  return factory;
}

function isNotFound(err: Error): boolean {
  return /NotFound/i.test(err.message);
}

/** Entries gathered per {@link KvIterator.nextBatch}: enough to amortize the promise, small enough to stream. */
const ITERATOR_BATCH = 4096;

class RocksDbIterator implements KvIterator {
  private done = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly it: LevelIterator,
    private readonly onClose: (it: RocksDbIterator) => void,
  ) {}

  nextBatch(): Promise<Array<[Buffer, Buffer]> | undefined> {
    // A closed iterator must not look like the end of the range: a snapshot would be cut short.
    if (this.closed) return Promise.reject(new Error('the iterator is closed'));
    if (this.done) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const out: Array<[Buffer, Buffer]> = [];
      // The binding fills a native read-ahead buffer (highWaterMark) per round trip; next()
      // serves the first entry, the rest is drained from that buffer directly.
      const step = (err: Error | null | undefined, key?: Buffer, value?: Buffer): void => {
        if (err) {
          reject(err);
          return;
        }
        if (key === undefined || value === undefined) {
          this.done = true;
          resolve(out.length > 0 ? out : undefined);
          return;
        }
        out.push([key, value]);
        const cache = this.it.cache;
        if (Array.isArray(cache)) {
          while (cache.length >= 2 && out.length < ITERATOR_BATCH) {
            const k = cache.pop()!;
            const v = cache.pop()!;
            out.push([k, v]);
          }
        }
        if (out.length >= ITERATOR_BATCH) resolve(out);
        else this.it.next(step);
      };
      this.it.next(step);
    });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => this.it.end((err) => (err ? reject(err) : resolve()))).finally(() =>
      this.onClose(this),
    );
    return this.closed;
  }
}

class RocksDbStore implements KvStore {
  private closed: Promise<void> | undefined;
  /** Iterators not closed yet: closing the database first ends them (the binding would not call back later). */
  private readonly iterators = new Set<RocksDbIterator>();

  constructor(private readonly db: LevelDown) {}

  get(key: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) =>
      this.db.get(key, { asBuffer: true }, (err, value) => {
        if (err) {
          if (isNotFound(err)) resolve(undefined);
          else reject(err);
        } else resolve(value);
      }),
    );
  }

  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    if (keys.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) =>
      this.db.getMany(keys.slice(), { asBuffer: true }, (err, values) => {
        if (err) reject(err);
        else resolve(values ?? []);
      }),
    );
  }

  writeBatch(ops: readonly KvWriteOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    // The chained form skips the array form's per-operation copy and costs about a third less.
    const batch = this.db.batch();
    for (const op of ops) {
      if (op.type === 'put') batch.put(op.key, op.value);
      else batch.del(op.key);
    }
    return new Promise((resolve, reject) => batch.write((err) => (err ? reject(err) : resolve())));
  }

  iterate(range: KvRange): KvIterator {
    const options: Record<string, unknown> = { keyAsBuffer: true, valueAsBuffer: true, highWaterMark: 256 * 1024 };
    if (range.gte) options['gte'] = range.gte;
    if (range.lt) options['lt'] = range.lt;
    if (this.closed) throw new Error('the store is closed');
    const it = new RocksDbIterator(this.db.iterator(options), (i) => this.iterators.delete(i));
    this.iterators.add(it);
    return it;
  }

  deleteRange(range: KvRange): Promise<void> {
    const options: Record<string, unknown> = {};
    if (range.gte) options['gte'] = range.gte;
    if (range.lt) options['lt'] = range.lt;
    return new Promise((resolve, reject) => this.db.clear(options, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.allSettled(Array.from(this.iterators, (it) => it.close()));
      await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
    })();
    return this.closed;
  }
}

/**
 * Opens (creating if missing) a RocksDB database in directory `dir`.
 * @throws the binding's error when the directory cannot be opened (for example, locked by
 *   another open store).
 */
export async function openRocksDbStore(dir: string, options: RocksDbStoreOptions = {}): Promise<KvStore> {
  const db = loadBinding()(dir);
  await new Promise<void>((resolve, reject) =>
    db.open(
      {
        createIfMissing: true,
        errorIfExists: false,
        cacheSize: options.blockCacheBytes ?? 8 << 20,
        writeBufferSize: options.writeBufferBytes ?? 4 << 20,
      },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
  return new RocksDbStore(db);
}
