/**
 * `eddy local` as a user runs it: piped output is the job's output only, the exit code follows the
 * job's end, and Ctrl-C (SIGINT) cancels the job and stops every process it started.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EDDY_BIN, REPO_ROOT, pollUntil, runEddy } from './harness/cluster.js';

/** Pids of the live children of `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

test('piped, eddy local prints exactly the job output and exits 0 when the job FINISHES', async () => {
  const r = await runEddy(['local', 'examples/word-count.ts', '--workers', '2', '--parallelism', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing but the job output when all goes well');
  const counts = new Map<string, number[]>();
  for (const line of r.stdout.trimEnd().split('\n')) {
    const m = /^[12]> \(([^,]+),(\d+)\)$/.exec(line);
    assert.ok(m, `unexpected output line '${line}'`);
    const list = counts.get(m[1]!) ?? [];
    list.push(Number(m[2]));
    counts.set(m[1]!, list);
  }
  for (const [word, list] of counts) assert.deepEqual(list, list.map((_c, i) => i + 1), `running counts of '${word}'`);
  // "To be, or not to be": 'to' is the most frequent word of the passage (15 times).
  assert.equal(counts.get('to')?.length, 15);
  assert.equal(counts.get('be')?.length, 3);
});

test('eddy local exits non-zero with the cause when the job FAILS', async () => {
  const r = await runEddy(['local', 'test/jobs/failing.ts', '--workers', '1', '--', '--after', '100']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /FAILED/);
  assert.match(r.stderr, /boom at record 100/);
});

test('Ctrl-C cancels the job and stops the coordinator and the workers', async () => {
  const child = spawn(process.execPath, [EDDY_BIN, 'local', 'test/jobs/endless.ts', '--workers', '2', '--', '--print'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await pollUntil('the job to print', async () => stdout.includes('\n'), 30_000);
    const started = childrenOf(child.pid!);
    const workers = started.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('worker'));
    assert.equal(workers.length, 2, 'two worker processes');
    child.kill('SIGINT');
    const code = await Promise.race([exited, pollUntil('eddy local to exit', async () => false, 20_000)]);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /CANCELED/);
    await pollUntil('every process it started to be gone', async () => started.every((pid) => !alive(pid)), 5_000);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
