import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { FsCheckpointStorage, checkpointDirName, checkpointIdOfPath } from './checkpoint-storage.js';

const root = fs.mkdtempSync(path.join(tmpdir(), 'eddy-chk-storage-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;

function storage(): FsCheckpointStorage {
  const dir = path.join(root, `s${dirs++}`);
  fs.mkdirSync(dir);
  return new FsCheckpointStorage(dir);
}

test('write then read returns the bytes; the handle carries size and sha256', async () => {
  const s = storage();
  const h = await s.write(`${checkpointDirName(3)}/v0-1/op.state`, Buffer.from('hello'));
  assert.deepEqual(h, {
    path: 'chk-3/v0-1/op.state',
    size: 5,
    sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  });
  assert.equal((await s.read(h)).toString(), 'hello');
  assert.deepEqual(fs.readdirSync(path.join(s.jobDir, 'chk-3', 'v0-1')), ['op.state'], 'no temporary file remains');
});

test('a missing, truncated or altered file is refused with its path', async () => {
  const s = storage();
  const h = await s.write('chk-1/a', Buffer.from('abcdef'));
  fs.writeFileSync(s.resolve('chk-1/a'), 'abcdeX');
  await assert.rejects(s.read(h), /checkpoint file chk-1\/a is corrupt: sha256 [0-9a-f]{64}, expected/);
  fs.writeFileSync(s.resolve('chk-1/a'), 'abc');
  await assert.rejects(s.read(h), /checkpoint file chk-1\/a has 3 bytes, expected 6/);
  fs.rmSync(s.resolve('chk-1/a'));
  await assert.rejects(s.read(h), /checkpoint file chk-1\/a is missing/);
});

test('checkPresent catches a missing or truncated file with a stat, not changed bytes', async () => {
  const s = storage();
  const h = await s.write('chk-1/a', Buffer.from('abcdef'));
  await s.checkPresent(h);
  fs.writeFileSync(s.resolve('chk-1/a'), 'abcdeX');
  await s.checkPresent(h);
  fs.writeFileSync(s.resolve('chk-1/a'), 'abc');
  await assert.rejects(s.checkPresent(h), /checkpoint file chk-1\/a has 3 bytes, expected 6/);
  fs.rmSync(s.resolve('chk-1/a'));
  await assert.rejects(s.checkPresent(h), /checkpoint file chk-1\/a is missing/);
});

test('delete removes files and the directories they leave empty, never the job directory', async () => {
  const s = storage();
  await s.write('chk-1/v0-0/a', Buffer.from('1'));
  await s.write('chk-1/v0-1/b', Buffer.from('2'));
  await s.write('chk-2/v0-0/a', Buffer.from('3'));
  await s.delete(['chk-1/v0-0/a', 'chk-1/v0-1/b', 'chk-1/none']);
  assert.deepEqual(fs.readdirSync(s.jobDir), ['chk-2']);
  await s.delete(['chk-2/v0-0/a']);
  assert.deepEqual(fs.readdirSync(s.jobDir), []);
});

test('paths that leave the job directory are refused', async () => {
  const s = storage();
  assert.throws(() => s.resolve('../other/x'), /leaves the job's directory/);
  assert.throws(() => s.resolve('/etc/passwd'), /leaves the job's directory/);
  await assert.rejects(s.write('../x', Buffer.from('')), /leaves the job's directory/);
});

test('checkpointIdOfPath reads back the checkpoint of a path under checkpointDirName, 0 otherwise', () => {
  assert.equal(checkpointIdOfPath(`${checkpointDirName(42)}/v1-0/uid_x.keyed`), 42);
  assert.equal(checkpointIdOfPath(`${checkpointDirName(7)}/v1-0/uid_x.keyed.base`), 7);
  assert.equal(checkpointIdOfPath('chk-/v1-0/x'), 0);
  assert.equal(checkpointIdOfPath('other/chk-3/x'), 0);
  assert.equal(checkpointIdOfPath('chk-3'), 0, 'a directory name alone holds no file');
});
