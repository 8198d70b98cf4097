import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { FsCheckpointStorage, keys, type CompletedCheckpoint, type Logger, type StateHandle } from '@eddy/common';
import { FileMetadataStore } from '@eddy/common/metadata';
import { selectRestoreCheckpoint } from './completed-checkpoints.js';

const JOB = 'job-1';
const root = fs.mkdtempSync(path.join(tmpdir(), 'eddy-completed-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** Records what selectRestoreCheckpoint reports; the logger is not under test. */
function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const logger = { error: (_obj: unknown, msg: string) => errors.push(msg) } as unknown as Logger;
  return { logger, errors };
}

function checkpoint(id: number, handles: StateHandle[]): CompletedCheckpoint {
  return {
    jobId: JOB,
    checkpointId: id,
    timestamp: id,
    completedAt: id,
    durationMs: 1,
    maxParallelism: 128,
    incrementalSize: 0,
    fullSize: 0,
    savepoint: false,
    tasks: [{ vertexId: 'v1', subtask: 0, operators: { 'uid:count': { keyed: handles } }, incrementalSize: 0, fullSize: 0 }],
  };
}

/**
 * Checkpoints 1..3 in real storage and a real metadata store. Each has a file of its own and the
 * shared base of checkpoint 1, as an incremental chain has.
 */
async function setup(): Promise<{ storage: FsCheckpointStorage; store: FileMetadataStore; completed: CompletedCheckpoint[] }> {
  const dir = path.join(root, `d${dirs++}`);
  const storage = new FsCheckpointStorage(path.join(dir, 'chk', JOB));
  const store = await FileMetadataStore.open(path.join(dir, 'meta'));
  const base = await storage.write('chk-1/v1-0/base', Buffer.from('base state bytes'));
  const completed: CompletedCheckpoint[] = [];
  for (const id of [1, 2, 3]) {
    const own = id === 1 ? [] : [await storage.write(`chk-${id}/v1-0/delta`, Buffer.from(`delta of ${id}`))];
    const c = checkpoint(id, [base, ...own]);
    await store.put(keys.checkpoint(JOB, id), JSON.stringify(c));
    completed.push(c);
  }
  return { storage, store, completed };
}

function flipMiddleByte(storage: FsCheckpointStorage, rel: string): void {
  const file = storage.resolve(rel);
  const bytes = fs.readFileSync(file);
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0xff;
  fs.writeFileSync(file, bytes);
}

async function storedIds(store: FileMetadataStore): Promise<number[]> {
  return (await store.list(keys.checkpointsPrefix(JOB))).map((e: { value: string }) => (JSON.parse(e.value) as CompletedCheckpoint).checkpointId).sort();
}

test('intact checkpoints: the newest is chosen, whatever the depth', async () => {
  const { storage, store, completed } = await setup();
  for (const upTo of [0, 3]) {
    const { logger, errors } = recordingLogger();
    assert.equal((await selectRestoreCheckpoint(completed, storage, store, logger, upTo))?.checkpointId, 3);
    assert.deepEqual(errors, []);
  }
  assert.deepEqual(await storedIds(store), [1, 2, 3]);
});

test('changed bytes pass the presence check and are caught once contents are read', async () => {
  const { storage, store, completed } = await setup();
  flipMiddleByte(storage, 'chk-3/v1-0/delta');
  const first = recordingLogger();
  // No restore of checkpoint 3 has failed yet: a stat is all it gets, and it passes.
  assert.equal((await selectRestoreCheckpoint(completed, storage, store, first.logger))?.checkpointId, 3);
  assert.deepEqual(first.errors, []);
  // The attempt that restored 3 failed: 3 is read in full and dropped, loudly.
  const second = recordingLogger();
  assert.equal((await selectRestoreCheckpoint(completed, storage, store, second.logger, 3))?.checkpointId, 2);
  assert.deepEqual(second.errors, ['checkpoint 3 is damaged; falling back to the previous checkpoint']);
  assert.deepEqual(
    completed.map((c) => c.checkpointId),
    [1, 2],
  );
  assert.deepEqual(await storedIds(store), [1, 2]);
});

test('a damaged shared base drops every checkpoint up to the suspect one that refers to it', async () => {
  const { storage, store, completed } = await setup();
  flipMiddleByte(storage, 'chk-1/v1-0/base');
  const { logger, errors } = recordingLogger();
  assert.equal(await selectRestoreCheckpoint(completed, storage, store, logger, 3), undefined);
  assert.deepEqual(errors, [3, 2, 1].map((id) => `checkpoint ${id} is damaged; falling back to the previous checkpoint`));
  assert.deepEqual(completed, []);
  assert.deepEqual(await storedIds(store), []);
});

test('a missing or truncated file is caught by the presence check alone', async () => {
  const { storage, store, completed } = await setup();
  fs.rmSync(storage.resolve('chk-3/v1-0/delta'));
  fs.writeFileSync(storage.resolve('chk-2/v1-0/delta'), 'short');
  const { logger, errors } = recordingLogger();
  assert.equal((await selectRestoreCheckpoint(completed, storage, store, logger, 0))?.checkpointId, 1);
  assert.deepEqual(errors, [3, 2].map((id) => `checkpoint ${id} is damaged; falling back to the previous checkpoint`));
  assert.deepEqual(await storedIds(store), [1]);
});
