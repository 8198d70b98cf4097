/**
 * Commits FileSink parts (Flink: FileCommitter): the atomic rename of a pre-committed hidden part
 * to its visible name, then a directory fsync. Committing again is a no-op once the visible part
 * is there with the recorded size; on restore, hidden parts no committable names are removed.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { fsyncDir, inProgressName, parsePartFileName } from './part-files.js';
import type { Committer } from './two-phase-commit-sink.js';

/** One pre-committed part file, as stored in checkpoint metadata. */
export interface FileSinkCommittable {
  /** The visible name once committed, `part-<subtask>-<counter>.jsonl`. */
  readonly part: string;
  /** Size of the part when it was pre-committed; checked before and after the commit. */
  readonly bytes: number;
}

/** Commits the parts of one subtask of a FileSink writing into `dir`. */
export class FileCommitter implements Committer<FileSinkCommittable> {
  constructor(
    private readonly dir: string,
    private readonly subtaskIndex: number,
    private readonly parallelism: number,
  ) {}

  async commit(committables: readonly FileSinkCommittable[]): Promise<void> {
    let renamed = false;
    for (const c of committables) {
      const parsed = typeof c?.part === 'string' ? parsePartFileName(c.part) : undefined;
      if (!parsed || parsed.hidden || !Number.isInteger(c.bytes)) throw new Error(`FileSink: invalid committable ${JSON.stringify(c)}`);
      const hidden = nodePath.join(this.dir, inProgressName(c.part));
      const visible = nodePath.join(this.dir, c.part);
      const [pending, committed] = await Promise.all([sizeOf(hidden), sizeOf(visible)]);
      if (pending !== undefined && committed !== undefined)
        throw new Error(`FileSink: cannot commit '${c.part}' in ${this.dir}: both the pending and the committed file exist`);
      const size = pending ?? committed;
      if (size === undefined)
        throw new Error(`FileSink: cannot commit '${c.part}' in ${this.dir}: neither the pending file nor the committed file exists`);
      if (size !== c.bytes)
        throw new Error(`FileSink: cannot commit '${c.part}' in ${this.dir}: it has ${size} bytes, ${c.bytes} were pre-committed`);
      if (pending === undefined) continue; // committed before: a restore commits again
      await fs.promises.rename(hidden, visible);
      renamed = true;
    }
    if (renamed) await fsyncDir(this.dir);
  }

  async abortLingering(restored: readonly FileSinkCommittable[]): Promise<void> {
    const keep = new Set(restored.map((c) => inProgressName(c.part)));
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      const p = parsePartFileName(name);
      // Old subtasks whose committables this subtask restores (see Committer.abortLingering).
      if (!p?.hidden || p.subtask % this.parallelism !== this.subtaskIndex || keep.has(name)) continue;
      // Not made durable by a directory fsync: a removal lost in a crash is repeated at the next restore.
      await fs.promises.rm(nodePath.join(this.dir, name), { force: true });
    }
  }
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
