/**
 * The embedded metadata store: the whole key space in memory, persisted as one JSON file, so a
 * single coordinator runs with nothing but Node. Not for sharing between processes: two stores
 * on one directory would overwrite each other's writes.
 */
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EddyError, GrpcStatus } from '../errors.js';
import type { MetadataStore } from './metadata-store.js';

/** On-disk layout; `version` lets a later format be told apart from this one. */
interface FileContents {
  version: 1;
  entries: Record<string, string>;
}

const FILE_NAME = 'metadata.json';
const TEMP_PREFIX = `${FILE_NAME}.tmp-`;

/**
 * {@link MetadataStore} kept in memory and persisted to `<dir>/metadata.json`.
 *
 * Every mutation writes the complete new state to a temporary file, fsyncs it, renames it over
 * the old file and fsyncs the directory, so a crash leaves either the old or the new state, never
 * a torn file. Mutations are queued and applied one at a time; the in-memory state changes only
 * after its write succeeded, so a failed write rejects and leaves the store as it was.
 *
 * Errors: a failed write rejects with the file system error; calls after {@link close} reject with
 * {@link EddyError} FAILED_PRECONDITION.
 */
export class FileMetadataStore implements MetadataStore {
  /** Name of the data file inside the store's directory. */
  static readonly FILE_NAME = FILE_NAME;

  private entries: Map<string, string>;
  private writes: Promise<void> = Promise.resolve();
  private tempCounter = 0;
  private closed = false;

  private constructor(
    /** Directory that holds the data file. */
    readonly dir: string,
    entries: Map<string, string>,
  ) {
    this.entries = entries;
  }

  /** Path of the data file. */
  get file(): string {
    return join(this.dir, FILE_NAME);
  }

  /**
   * Opens (creating it when needed) the store in `dir`. A missing data file means an empty
   * store; leftover temporary files from an interrupted write are removed.
   *
   * @throws {EddyError} FAILED_PRECONDITION, naming the file, when the data file is not valid
   * store JSON; the file system error when `dir` cannot be created or read.
   */
  static async open(dir: string): Promise<FileMetadataStore> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, FILE_NAME);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const entries = text === undefined ? new Map<string, string>() : parse(file, text);
    for (const name of await readdir(dir)) {
      if (name.startsWith(TEMP_PREFIX)) await rm(join(dir, name), { force: true });
    }
    return new FileMetadataStore(dir, entries);
  }

  get(key: string): Promise<string | undefined> {
    return this.whenOpen(() => this.entries.get(key));
  }

  put(key: string, value: string): Promise<void> {
    return this.mutate((next) => {
      if (next.get(key) === value && next.has(key)) return { changed: false, result: undefined };
      next.set(key, value);
      return { changed: true, result: undefined };
    });
  }

  delete(key: string): Promise<boolean> {
    return this.mutate((next) => {
      const existed = next.delete(key);
      return { changed: existed, result: existed };
    });
  }

  list(prefix: string): Promise<Array<{ key: string; value: string }>> {
    return this.whenOpen(() =>
      [...this.entries]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => compareBytes(a, b))
        .map(([key, value]) => ({ key, value })),
    );
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.mutate((next) => {
      let deleted = 0;
      for (const key of [...next.keys()]) {
        if (key.startsWith(prefix) && next.delete(key)) deleted++;
      }
      return { changed: deleted > 0, result: deleted };
    });
  }

  /** Waits for queued writes, then rejects further calls. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writes;
  }

  private whenOpen<T>(read: () => T): Promise<T> {
    return this.closed ? Promise.reject(this.closedError()) : Promise.resolve(read());
  }

  /** Queues `change` to run on a copy of the state; the copy replaces the state once it is on disk. */
  private mutate<T>(change: (next: Map<string, string>) => { changed: boolean; result: T }): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    const run = async (): Promise<T> => {
      const next = new Map(this.entries);
      const { changed, result } = change(next);
      if (changed) {
        await this.replaceFile(next);
        // The file now holds `next`; memory must match it even if the directory sync fails.
        this.entries = next;
        await syncDirectory(this.dir);
      }
      return result;
    };
    const op = this.writes.then(run);
    // The queue must go on after a failed write; the caller sees the failure through `op`.
    this.writes = op.then(
      () => undefined,
      () => undefined,
    );
    return op;
  }

  private async replaceFile(entries: Map<string, string>): Promise<void> {
    const contents: FileContents = { version: 1, entries: Object.fromEntries(entries) };
    const temp = join(this.dir, `${TEMP_PREFIX}${process.pid}-${this.tempCounter++}`);
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(JSON.stringify(contents), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  private closedError(): EddyError {
    return new EddyError(GrpcStatus.FAILED_PRECONDITION, `file metadata store (${this.dir}) is closed`);
  }
}

function parse(file: string, text: string): Map<string, string> {
  const corrupt = (why: string, cause?: unknown): EddyError =>
    new EddyError(GrpcStatus.FAILED_PRECONDITION, `corrupt metadata file ${file}: ${why}`, { cause });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw corrupt(err instanceof Error ? err.message : String(err), err);
  }
  if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) {
    throw corrupt('expected an object with "version": 1');
  }
  const entries = (data as { entries?: unknown }).entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw corrupt('"entries" is not an object');
  }
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(entries)) {
    if (typeof value !== 'string') throw corrupt(`value of ${JSON.stringify(key)} is not a string`);
    map.set(key, value);
  }
  return map;
}

/** Orders keys by their UTF-8 bytes, as etcd does (UTF-16 order differs above U+FFFF). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Makes a rename durable. Some platforms cannot fsync a directory; the rename then stays as safe as the OS makes it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
  } finally {
    await handle?.close();
  }
}
