/**
 * The writer of one FileSink subtask: JSON lines into hidden part files, which a roll or a
 * pre-commit closes. Under checkpointing a closed part stays hidden until the committer renames
 * it; without checkpointing a part rolled by size is published at once (a bounded input's last
 * part goes through the committer at the end).
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { FileSinkCommittable } from './file-committer.js';
import { fsyncDirSync, inProgressName, nextPartCounter, partFileNames, type PartFileNames } from './part-files.js';
import type { PrecommittingSinkWriter } from './two-phase-commit-sink.js';

/** Buffered characters written to the part file at once. */
const WRITE_CHUNK_CHARS = 64 * 1024;

/** Writes one subtask's records; see the module comment. */
export class FileSinkWriter<T> implements PrecommittingSinkWriter<T, FileSinkCommittable> {
  private fd: number | undefined;
  private current: PartFileNames | undefined;
  private partBytes = 0;
  private counter: number;
  private pending = '';
  /** Parts closed (fsynced) since the last pre-commit. */
  private closed: FileSinkCommittable[] = [];
  /** A part file was created since the directory was last fsynced. */
  private dirDirty = false;

  constructor(
    private readonly dir: string,
    private readonly maxPartBytes: number,
    private readonly subtask: number,
    private readonly checkpointing: boolean,
    private readonly toLine: (value: T) => string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    // Above hidden names too: leftovers the committer is about to remove were used by an earlier
    // attempt, and a name must never be reused.
    this.counter = nextPartCounter(dir, subtask);
  }

  write(value: T): void {
    this.pending += this.toLine(value) + '\n';
    if (this.pending.length >= WRITE_CHUNK_CHARS) this.writePending();
  }

  /** Writes buffered records into the hidden part file; never makes anything visible. */
  flush(_endOfInput: boolean): void {
    this.writePending();
  }

  prepareCommit(_checkpointId: number): FileSinkCommittable[] {
    this.writePending();
    this.closePart();
    // The pending files' directory entries must survive a crash as much as their contents.
    if (this.dirDirty) fsyncDirSync(this.dir);
    this.dirDirty = false;
    const out = this.closed;
    this.closed = [];
    return out;
  }

  close(): void {
    // A cancelled or failed writer leaves its part hidden; a restore removes it.
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    if (this.fd === undefined) this.openPart();
    const data = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    fs.writeSync(this.fd!, data);
    this.partBytes += data.length;
    if (this.partBytes >= this.maxPartBytes) this.roll();
  }

  private openPart(): void {
    const names = partFileNames(this.subtask, this.counter++);
    try {
      // 'wx': an existing file is never overwritten, whoever wrote it.
      this.fd = fs.openSync(nodePath.join(this.dir, names.inProgress), 'wx');
    } catch (err) {
      throw new Error(`FileSink: cannot create part file '${names.inProgress}' in ${this.dir}`, { cause: err });
    }
    this.current = names;
    this.partBytes = 0;
    this.dirDirty = true;
  }

  private closePart(): void {
    if (this.fd === undefined || !this.current) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.closed.push({ part: this.current.finished, bytes: this.partBytes });
    this.current = undefined;
  }

  private roll(): void {
    this.closePart();
    if (this.checkpointing) return;
    // Without checkpoints nothing would ever commit a rolled part of an unbounded job.
    for (const c of this.closed) fs.renameSync(nodePath.join(this.dir, inProgressName(c.part)), nodePath.join(this.dir, c.part));
    fsyncDirSync(this.dir);
    this.dirDirty = false;
    this.closed = [];
  }
}
