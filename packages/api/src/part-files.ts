/**
 * Names of FileSink part files and the file system steps every writer and committer shares.
 * Committed parts are visible, `part-<subtask>-<counter>.jsonl`; a part not committed yet — in
 * progress or pre-committed — is hidden under the same name with a leading `.` and the suffix
 * `.inprogress`, so that readers which skip dot files never see uncommitted data.
 */
import * as fs from 'node:fs';

/** Both names of one part file. */
export interface PartFileNames {
  /** Hidden name while in progress or pending: `.part-<subtask>-<counter>.jsonl.inprogress`. */
  readonly inProgress: string;
  /** Visible name once committed: `part-<subtask>-<counter>.jsonl`. */
  readonly finished: string;
}

/** Names of a part file; exported for tests and committers. */
export function partFileNames(subtask: number, counter: number): PartFileNames {
  const finished = `part-${subtask}-${counter}.jsonl`;
  return { inProgress: inProgressName(finished), finished };
}

/** The hidden name of the part that is committed as `finished`. */
export function inProgressName(finished: string): string {
  return `.${finished}.inprogress`;
}

const PART_NAME = /^(\.?)part-(\d+)-(\d+)\.jsonl(\.inprogress)?$/;

/**
 * Parses a file name of a part file.
 * @returns undefined for any other name (including half-hidden forms no writer produces).
 */
export function parsePartFileName(name: string): { subtask: number; counter: number; hidden: boolean } | undefined {
  const m = PART_NAME.exec(name);
  if (!m) return undefined;
  const hidden = m[1] === '.';
  if (hidden !== (m[4] !== undefined)) return undefined;
  return { subtask: Number(m[2]), counter: Number(m[3]), hidden };
}

/**
 * The first counter above every part of `subtask` in `dir`, visible or hidden, so that a new
 * writer never reuses a name an earlier run or attempt used.
 */
export function nextPartCounter(dir: string, subtask: number): number {
  let next = 0;
  for (const name of fs.readdirSync(dir)) {
    const p = parsePartFileName(name);
    if (p && p.subtask === subtask && p.counter >= next) next = p.counter + 1;
  }
  return next;
}

/** Makes renames and creations in `dir` durable (a directory's entries need their own fsync). */
export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Asynchronous {@link fsyncDirSync}. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
