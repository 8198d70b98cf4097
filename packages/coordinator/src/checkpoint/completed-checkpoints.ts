/**
 * Completed checkpoints at rest: loading them from the metadata store, choosing the one to
 * restore (falling back past corrupt ones, loudly), sweeping orphaned files and deleting a job's
 * checkpoints according to the retention policy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkpointFiles,
  describeError,
  keys,
  type CheckpointStorage,
  type CompletedCheckpoint,
  type Logger,
  type MetadataStore,
} from '@eddy/common';

/** Completed checkpoints of a job, oldest first. Unreadable entries are skipped with an error log. */
export async function loadCompletedCheckpoints(store: MetadataStore, jobId: string, logger: Logger): Promise<CompletedCheckpoint[]> {
  const out: CompletedCheckpoint[] = [];
  for (const { key, value } of await store.list(keys.checkpointsPrefix(jobId))) {
    try {
      out.push(JSON.parse(value) as CompletedCheckpoint);
    } catch (err) {
      logger.error({ key, err: describeError(err) }, 'unreadable checkpoint metadata skipped');
    }
  }
  return out.sort((a, b) => a.checkpointId - b.checkpointId);
}

/**
 * How far {@link verifyCheckpoint} checks a file: `present` stats it (exists, size matches),
 * `contents` reads it and compares its sha256 too.
 */
export type VerifyDepth = 'present' | 'contents';

/**
 * Checks every file of a checkpoint to the given depth.
 * @returns undefined when intact, else what is wrong.
 */
export async function verifyCheckpoint(c: CompletedCheckpoint, storage: CheckpointStorage, depth: VerifyDepth): Promise<string | undefined> {
  for (const t of c.tasks) {
    for (const op of Object.values(t.operators)) {
      for (const h of op.keyed) {
        try {
          if (depth === 'contents') await storage.read(h);
          else await storage.checkPresent(h);
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      }
    }
  }
  return undefined;
}

/**
 * The newest intact checkpoint. Corrupt or incomplete ones are reported at error level and
 * dropped (metadata deleted), so that recovery falls back to the one before.
 *
 * Checkpoints up to `readContentsUpTo` have every file read and hashed; newer ones are only
 * checked for presence and size. Workers hash every file they restore and fail their task on a
 * mismatch, so a checkpoint whose changed bytes slipped past the stat is caught by the attempt
 * that restores it; the caller then passes that checkpoint's id on the next restart, and this
 * drops it. Reading all files up front would cost every recovery a second pass over the state.
 */
export async function selectRestoreCheckpoint(
  completed: CompletedCheckpoint[],
  storage: CheckpointStorage,
  store: MetadataStore,
  logger: Logger,
  readContentsUpTo = 0,
): Promise<CompletedCheckpoint | undefined> {
  for (let i = completed.length - 1; i >= 0; i--) {
    const c = completed[i]!;
    const problem = await verifyCheckpoint(c, storage, c.checkpointId <= readContentsUpTo ? 'contents' : 'present');
    if (problem === undefined) return c;
    logger.error(
      { jobId: c.jobId, checkpointId: c.checkpointId, problem },
      `checkpoint ${c.checkpointId} is damaged; falling back to the previous checkpoint`,
    );
    completed.splice(i, 1);
    await store.delete(keys.checkpoint(c.jobId, c.checkpointId)).catch(() => undefined);
  }
  return undefined;
}

/** Files under `root` (relative paths), and its subdirectories (absolute, parents before children). */
function listTree(root: string, dir = root, out = { files: [] as string[], dirs: [] as string[] }): { files: string[]; dirs: string[] } {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.dirs.push(p);
      listTree(root, p, out);
    } else out.files.push(path.relative(root, p));
  }
  return out;
}

/**
 * Deletes every file under the job's checkpoint directory that no retained checkpoint refers to
 * (files of aborted checkpoints and of tasks that died before acknowledging). Call only while no
 * task of the job runs.
 * @returns the deleted paths.
 */
export async function sweepOrphans(jobDir: string, retained: readonly CompletedCheckpoint[], storage: CheckpointStorage): Promise<string[]> {
  const keep = new Set(retained.flatMap(checkpointFiles));
  const tree = listTree(jobDir);
  const orphans = tree.files.filter((f) => !keep.has(f));
  await storage.delete(orphans);
  // A task that died (or was canceled) between creating its directory and writing a file leaves
  // an empty directory that no file listing reveals. Children first, so emptied parents go too.
  for (const d of tree.dirs.reverse()) await fs.promises.rmdir(d).catch(() => undefined);
  return orphans;
}

/** Removes the job's checkpoint metadata and its whole checkpoint directory. */
export async function deleteAllCheckpoints(store: MetadataStore, jobId: string, jobDir: string): Promise<void> {
  await store.deletePrefix(keys.checkpointsPrefix(jobId));
  await fs.promises.rm(jobDir, { recursive: true, force: true });
}

/**
 * Keeps only the latest checkpoint of a job (retention on FAILED: it stays available for a
 * manual restart); deletes the others' metadata and unreferenced files.
 */
export async function retainLatestOnly(
  store: MetadataStore,
  completed: readonly CompletedCheckpoint[],
  jobDir: string,
  storage: CheckpointStorage,
): Promise<void> {
  const latest = completed[completed.length - 1];
  for (const c of completed) if (c !== latest) await store.delete(keys.checkpoint(c.jobId, c.checkpointId));
  await sweepOrphans(jobDir, latest ? [latest] : [], storage);
}
