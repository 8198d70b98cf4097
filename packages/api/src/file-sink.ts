/**
 * `new FileSink({ path })`: one JSON line per record, in part files under `path`; exactly-once
 * with checkpoints, through the two-phase commit of {@link TwoPhaseCommittingSink}.
 *
 * Visibility: only committed part files are visible, named `part-<subtask>-<counter>.jsonl`.
 * Every other file starts with `.`: parts in progress and parts pre-committed at a checkpoint but
 * not committed yet are `.part-<subtask>-<counter>.jsonl.inprogress`.
 * - With checkpointing, a part is closed at every checkpoint barrier (and when it reaches
 *   `maxPartBytes`) and becomes visible when that checkpoint completes. A restore commits the
 *   checkpoint's parts again (a no-op for those already visible) and removes the hidden leftovers,
 *   whose records the restored job writes again.
 * - Without checkpointing, a part becomes visible when it reaches `maxPartBytes` or the input ends.
 *
 * Counters continue above every part name of the subtask already in the directory, hidden ones
 * included, so a name is never reused across runs, restarts and attempts.
 */
import { FileCommitter, type FileSinkCommittable } from './file-committer.js';
import { FileSinkWriter } from './file-sink-writer.js';
import type { SinkContext } from './sink.js';
import type { Committer, PrecommittingSinkWriter, TwoPhaseCommittingSink } from './two-phase-commit-sink.js';

export type { FileSinkCommittable } from './file-committer.js';
export { partFileNames, type PartFileNames } from './part-files.js';

/** Options of {@link FileSink}. */
export interface FileSinkOptions {
  /** Directory for part files; created when missing. */
  readonly path: string;
  /** A part file is rolled (closed) once it reaches this many bytes. Default 128 MiB. */
  readonly maxPartBytes?: number;
}

/**
 * One record as one line of JSON: strings are quoted (so a newline inside stays escaped),
 * bigints become decimal strings, undefined becomes null.
 */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
}

/** Writes JSON lines into part files. See the module comment for naming and visibility. */
export class FileSink<T> implements TwoPhaseCommittingSink<T, FileSinkCommittable> {
  readonly path: string;
  readonly maxPartBytes: number;

  constructor(options: FileSinkOptions) {
    if (!options || typeof options.path !== 'string' || options.path === '')
      throw new Error('FileSink needs a non-empty `path`');
    this.path = options.path;
    this.maxPartBytes = options.maxPartBytes ?? 128 * 1024 * 1024;
  }

  createWriter(ctx: SinkContext): PrecommittingSinkWriter<T, FileSinkCommittable> {
    return new FileSinkWriter<T>(this.path, this.maxPartBytes, ctx.subtaskIndex, ctx.checkpointingEnabled, toJsonLine);
  }

  createCommitter(ctx: SinkContext): Committer<FileSinkCommittable> {
    return new FileCommitter(this.path, ctx.subtaskIndex, ctx.parallelism);
  }
}
