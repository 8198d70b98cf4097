/**
 * Checkpoint storage: where snapshot files live (Flink: CheckpointStorage). The interface is what
 * coordinator and worker rely on, so an object store can be added beside the shared directory.
 * Every file is addressed by a path relative to the job's checkpoint directory and carries its
 * size and sha256 in its {@link StateHandle}, checked on every read.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StateHandle } from './checkpoint-metadata.js';

/** Snapshot files of one job. */
export interface CheckpointStorage {
  /** Writes `data` atomically under `relPath` and returns its handle. */
  write(relPath: string, data: Buffer): Promise<StateHandle>;
  /**
   * Reads a file and verifies its size and checksum.
   * @throws Error naming the file when it is missing, truncated or its checksum differs.
   */
  read(handle: StateHandle): Promise<Buffer>;
  /**
   * Checks that a file exists with the handle's size, without reading it: catches missing and
   * truncated files in a stat, but not changed bytes (a reader's checksum does).
   * @throws Error naming the file when it is missing or its size differs.
   */
  checkPresent(handle: StateHandle): Promise<void>;
  /** Deletes files (missing ones are fine) and then empty directories left behind. */
  delete(relPaths: readonly string[]): Promise<void>;
}

/** The directory of a checkpoint's files, relative to the job's directory (Flink's `chk-<n>`). */
export function checkpointDirName(checkpointId: number): string {
  return `chk-${checkpointId}`;
}

/** The checkpoint whose directory ({@link checkpointDirName}) a relative file path lies in; 0 when none. */
export function checkpointIdOfPath(relPath: string): number {
  const m = /^chk-(\d+)\//.exec(relPath);
  return m ? Number(m[1]) : 0;
}

/** sha256 of a buffer, hex. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function unreadable(handle: StateHandle, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return new Error(`checkpoint file ${handle.path} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(err)})`}`);
}

function checkSize(handle: StateHandle, size: number): void {
  if (size !== handle.size) throw new Error(`checkpoint file ${handle.path} has ${size} bytes, expected ${handle.size}`);
}

/** {@link CheckpointStorage} on a directory shared by every process (a shared volume in Kubernetes). */
export class FsCheckpointStorage implements CheckpointStorage {
  /** @param jobDir `<checkpoint-dir>/<jobId>`. */
  constructor(readonly jobDir: string) {}

  /**
   * Absolute path of `relPath`.
   * @throws Error when the path leaves the job's directory.
   */
  resolve(relPath: string): string {
    const abs = path.resolve(this.jobDir, relPath);
    if (!abs.startsWith(path.resolve(this.jobDir) + path.sep)) throw new Error(`checkpoint path '${relPath}' leaves the job's directory`);
    return abs;
  }

  async write(relPath: string, data: Buffer): Promise<StateHandle> {
    const file = this.resolve(relPath);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write, fsync, rename: a reader never sees a half-written file under the final name.
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
    return { path: relPath, size: data.length, sha256: sha256Hex(data) };
  }

  async read(handle: StateHandle): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await fs.promises.readFile(this.resolve(handle.path));
    } catch (err) {
      throw unreadable(handle, err);
    }
    checkSize(handle, data.length);
    const actual = sha256Hex(data);
    if (actual !== handle.sha256)
      throw new Error(`checkpoint file ${handle.path} is corrupt: sha256 ${actual}, expected ${handle.sha256}`);
    return data;
  }

  async checkPresent(handle: StateHandle): Promise<void> {
    let size: number;
    try {
      size = (await fs.promises.stat(this.resolve(handle.path))).size;
    } catch (err) {
      throw unreadable(handle, err);
    }
    checkSize(handle, size);
  }

  async delete(relPaths: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const p of relPaths) {
      const file = this.resolve(p);
      await fs.promises.rm(file, { force: true });
      for (let d = path.dirname(file); d.startsWith(path.resolve(this.jobDir) + path.sep); d = path.dirname(d)) dirs.add(d);
    }
    // Deepest first, so a parent is tried after its children.
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await fs.promises.rmdir(d).catch(() => undefined);
  }
}
