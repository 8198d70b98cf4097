/**
 * `new FileSink({ path })`: one JSON line per record, in part files under `path`.
 *
 * Visibility convention (fixed now, exactly-once with checkpoints later): only finished part
 * files are visible, named `part-<subtask>-<counter>.jsonl`; files in progress are hidden, named
 * `.part-<subtask>-<counter>.jsonl.inprogress`. A part file is finished when it reaches its size
 * limit or when the input ends.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { type Sink, type SinkContext, type SinkWriter } from './sink.js';

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /** Directory for part files; created when missing. */
  readonly path: string;
  /** A part file is rolled (finished) once it reaches this many bytes. Default 128 MiB. */
  readonly maxPartBytes?: number;
}

/**
 * One record as one line of JSON: strings are quoted (so a newline inside stays escaped),
 * bigints become decimal strings, undefined becomes null.
 */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
}

/** Writes JSON lines into part files. See the module comment for naming. */
export class FileSink<T> implements Sink<T> {
  readonly path: string;
  readonly maxPartBytes: number;

  constructor(options: FileSinkOptions) {
    if (!options || typeof options.path !== 'string' || options.path === '')
      throw new Error('FileSink needs a non-empty `path`');
    this.path = options.path;
    this.maxPartBytes = options.maxPartBytes ?? 128 * 1024 * 1024;
  }

  createWriter(ctx: SinkContext): SinkWriter<T> {
    return new FileSinkWriter<T>(this.path, this.maxPartBytes, ctx.subtaskIndex);
  }
}

/** Names of a part file; exported for tests and the exactly-once committer to come. */
export function partFileNames(subtask: number, counter: number): { inProgress: string; finished: string } {
  const base = `part-${subtask}-${counter}.jsonl`;
  return { inProgress: `.${base}.inprogress`, finished: base };
}

class FileSinkWriter<T> implements SinkWriter<T> {
  private fd: number | undefined;
  private counter = 0;
  private partBytes = 0;
  private pending = '';
  private current: { inProgress: string; finished: string } | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxPartBytes: number,
    private readonly subtask: number,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    // Resume numbering after finished parts of an earlier run rather than overwrite them.
    const prefix = `part-${subtask}-`;
    for (const f of fs.readdirSync(dir)) {
      if (f.startsWith(prefix) && f.endsWith('.jsonl')) {
        const n = Number(f.slice(prefix.length, -'.jsonl'.length));
        if (Number.isInteger(n) && n >= this.counter) this.counter = n + 1;
      }
    }
  }

  write(value: T): void {
    this.pending += toJsonLine(value) + '\n';
    if (this.pending.length >= 64 * 1024) this.writePending();
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    if (this.fd === undefined) {
      this.current = partFileNames(this.subtask, this.counter++);
      this.fd = fs.openSync(nodePath.join(this.dir, this.current.inProgress), 'w');
      this.partBytes = 0;
    }
    const data = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    fs.writeSync(this.fd, data);
    this.partBytes += data.length;
    if (this.partBytes >= this.maxPartBytes) this.finishPart();
  }

  private finishPart(): void {
    if (this.fd === undefined || !this.current) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    fs.renameSync(nodePath.join(this.dir, this.current.inProgress), nodePath.join(this.dir, this.current.finished));
    this.current = undefined;
  }

  flush(endOfInput: boolean): void {
    this.writePending();
    if (endOfInput) this.finishPart();
  }

  close(): void {
    // A cancelled or failed writer leaves its in-progress file hidden; it never becomes visible.
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
