/**
 * Event time across failures, with real workers, RocksDB state and checkpoints:
 * - test/jobs/event-time-recovery-pipeline.ts: tumbling windows with an aggregate and with window
 *   contents in state, session windows that merge, and a KeyedProcessFunction with event-time
 *   timers that are registered repeatedly and deleted, on 3 workers, into exactly-once FileSinks.
 *   Undisturbed (parallelism 2), its committed output equals a plain computation of the same
 *   results (the oracle below). Then, at a bounded rate and parallelism 3, a (seeded) random
 *   worker holding tasks of the job is SIGKILLed three times mid-run, each time after a checkpoint
 *   of the current execution completed (the first time also after every branch committed results,
 *   so the restored state holds windows and timers that already fired as well as pending ones),
 *   and a replacement is started; the committed output must still equal the oracle exactly, every
 *   result exactly once.
 * - test/jobs/event-time-recovery-late.ts: a window with late records and no side output; the job
 *   status (client, `eddy status --json` and the table) reports exactly the number of late
 *   records the oracle predicts, and the windows hold exactly the records that were not late.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JobStatusJson } from '@eddy/client';
import { windowStartWithOffset } from '@eddy/api';
import { checkpointedSuite, waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil, runEddy, type Cluster } from './harness/cluster.js';
import { LATE_KEYS, LATE_WINDOW_MS, lateEventTimeOf } from './jobs/event-time-recovery-late.js';
import { MODEL, eventTimeOf, sessionIncludes } from './jobs/event-time-recovery-model.js';
import { seeded } from './support/seeded.js';

const TO = 39_999;
/** Records per second in total while workers are killed: the run takes ~13 s undisturbed. */
const RATE = 3000;
const KILLS = 3;
/** Parallelism and checkpoint interval of the run with kills (the undisturbed run keeps the job's 2 and 400 ms). */
const KILLED_PARALLELISM = 3;
const KILLED_CHECKPOINT_MS = 300;
const BRANCHES = ['tumble-agg', 'tumble-process', 'session', 'timers'] as const;
type Branch = (typeof BRANCHES)[number];
const LATE_TO = 1999;

// ---- oracle ------------------------------------------------------------------------------------

/** What event-time-recovery-pipeline.ts must commit for `0..to`, per branch, computed directly. */
function expectedPipeline(to: number): Record<Branch, unknown[]> {
  const tumble = new Map<string, { k: number; start: number; c: number; s: number }>();
  const contents = new Map<string, { k: number; start: number; ns: number[] }>();
  const sessionTimes = new Map<number, { ts: number; n: number }[]>();
  const buckets = new Map<string, { k: number; b: number; c: number; s: number }>();
  for (let n = 0; n <= to; n++) {
    const ts = eventTimeOf(n);
    {
      const k = n % MODEL.tumbleAgg.keys;
      const start = windowStartWithOffset(ts, 0, MODEL.tumbleAgg.sizeMs);
      const w = tumble.get(`${k}/${start}`) ?? { k, start, c: 0, s: 0 };
      w.c++;
      w.s += n;
      tumble.set(`${k}/${start}`, w);
    }
    {
      const k = n % MODEL.tumbleProcess.keys;
      const start = windowStartWithOffset(ts, 0, MODEL.tumbleProcess.sizeMs);
      const w = contents.get(`${k}/${start}`) ?? { k, start, ns: [] };
      w.ns.push(n);
      contents.set(`${k}/${start}`, w);
    }
    if (sessionIncludes(n)) {
      const k = n % MODEL.session.keys;
      const list = sessionTimes.get(k) ?? [];
      list.push({ ts, n });
      sessionTimes.set(k, list);
    }
    {
      const k = n % MODEL.timers.keys;
      const b = ts - (ts % MODEL.timers.bucketMs);
      const acc = buckets.get(`${k}/${b}`) ?? { k, b, c: 0, s: 0 };
      acc.c++;
      acc.s += n;
      buckets.set(`${k}/${b}`, acc);
    }
  }
  // Windows [ts, ts + gap) that overlap or touch merge: sorted by time, a session ends where the
  // next timestamp lies beyond the previous one plus the gap.
  const sessions: unknown[] = [];
  for (const [k, list] of sessionTimes) {
    list.sort((a, b) => a.ts - b.ts);
    let cur: { k: number; start: number; end: number; c: number; s: number } | undefined;
    for (const { ts, n } of list) {
      if (cur === undefined || ts > cur.end) {
        if (cur) sessions.push(cur);
        cur = { k, start: ts, end: ts + MODEL.session.gapMs, c: 0, s: 0 };
      }
      cur.end = Math.max(cur.end, ts + MODEL.session.gapMs);
      cur.c++;
      cur.s += n;
    }
    if (cur) sessions.push(cur);
  }
  const timers: unknown[] = [];
  for (const acc of buckets.values()) {
    timers.push(acc);
    if (acc.c % 2 === 1) timers.push({ k: acc.k, b: acc.b, odd: true });
  }
  for (const w of contents.values()) w.ns.sort((a, b) => a - b);
  return { 'tumble-agg': [...tumble.values()], 'tumble-process': [...contents.values()], session: sessions, timers };
}

/** What event-time-recovery-late.ts must commit, and how many records its window must drop as late. */
function expectedLate(to: number): { windows: unknown[]; late: number; disordered: number } {
  const windows = new Map<string, { k: number; start: number; c: number; s: number }>();
  let watermark = Number.NEGATIVE_INFINITY;
  let maxSeen = Number.NEGATIVE_INFINITY;
  let late = 0;
  let disordered = 0;
  for (let n = 0; n <= to; n++) {
    const ts = lateEventTimeOf(n);
    if (ts < maxSeen) disordered++;
    // The record goes out before the watermark its generator makes of it (Flink's order).
    const start = windowStartWithOffset(ts, 0, LATE_WINDOW_MS);
    const isLate = start + LATE_WINDOW_MS - 1 <= watermark;
    maxSeen = Math.max(maxSeen, ts);
    watermark = maxSeen - 1;
    if (isLate) {
      late++;
      continue;
    }
    const k = n % LATE_KEYS;
    const w = windows.get(`${k}/${start}`) ?? { k, start, c: 0, s: 0 };
    w.c++;
    w.s += n;
    windows.set(`${k}/${start}`, w);
  }
  return { windows: [...windows.values()], late, disordered };
}

// ---- output ------------------------------------------------------------------------------------

/** JSON with object keys sorted, so equal records have equal strings whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** The records of a FileSink directory's committed part files, and the names of hidden files left behind. */
function readCommitted(dir: string): { records: unknown[]; hidden: string[] } {
  const records: unknown[] = [];
  const hidden: string[] = [];
  if (!existsSync(dir)) return { records, hidden };
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) {
      hidden.push(name);
      continue;
    }
    assert.match(name, /^part-\d+-\d+\.jsonl$/, `unexpected file '${name}' in ${dir}`);
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) if (line !== '') records.push(JSON.parse(line));
  }
  return { records, hidden };
}

/** Whether a FileSink directory has a committed part file with at least one record. */
function hasCommitted(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => !f.startsWith('.') && readFileSync(join(dir, f), 'utf8').length > 0);
}

/**
 * Asserts that `actual` is exactly the multiset `expected` (whose records are distinct, so every
 * one must appear exactly once), naming up to five missing and five extra records.
 */
function assertSameRecords(actual: readonly unknown[], expected: readonly unknown[], what: string): void {
  const want = new Map<string, number>();
  for (const r of expected) want.set(canonical(r), (want.get(canonical(r)) ?? 0) + 1);
  assert.equal(want.size, expected.length, `${what}: the oracle's records are distinct`);
  const extra: string[] = [];
  let duplicates = 0;
  const seen = new Map<string, number>();
  for (const r of actual) {
    const c = canonical(r);
    const times = (seen.get(c) ?? 0) + 1;
    seen.set(c, times);
    if (!want.has(c)) extra.push(c);
    else if (times > 1) duplicates++;
  }
  const missing = [...want.keys()].filter((c) => !seen.has(c));
  if (extra.length > 0 || missing.length > 0 || duplicates > 0)
    assert.fail(
      `${what}: ${actual.length} records committed, ${expected.length} expected; ` +
        `${missing.length} missing, ${extra.length} unexpected, ${duplicates} repeated\n` +
        `missing e.g.: ${missing.slice(0, 5).join('\n  ')}\nunexpected e.g.: ${extra.slice(0, 5).join('\n  ')}`,
    );
  assert.equal(actual.length, expected.length, `${what}: record count`);
}

/** Asserts every branch under `out` committed exactly the oracle's records and left no hidden files. */
function assertPipelineOutput(out: string, expected: Record<Branch, unknown[]>): void {
  for (const branch of BRANCHES) {
    const { records, hidden } = readCommitted(join(out, branch));
    assert.deepEqual(hidden, [], `${branch}: no in-progress or uncommitted files are left behind`);
    assertSameRecords(records, expected[branch], branch);
  }
}

/** Indexes (into `cluster.workers`) of the live workers that hold tasks of the job, ascending. */
async function holders(cluster: Cluster, live: ReadonlySet<number>, status: { tasks: readonly { workerId: string }[] }): Promise<number[]> {
  const indexByPid = new Map([...live].map((i) => [cluster.workers[i]!.pid, i]));
  const indexById = new Map((await cluster.client.listWorkers()).map((w) => [w.workerId, indexByPid.get(w.pid)]));
  return [...new Set(status.tasks.map((t) => indexById.get(t.workerId)))].filter((i): i is number => i !== undefined).sort((a, b) => a - b);
}

describe('event time under kill -9, and the late-records metric', () => {
  const suite = checkpointedSuite('eddy-etr', { workers: 3, slots: 2 });
  const expected = expectedPipeline(TO);

  test('the oracle is not trivial', () => {
    // Guards the test's design: every branch has results, and the session windows and the odd
    // timers have something to merge and to delete.
    for (const b of BRANCHES) assert.ok(expected[b].length > 100, `${b}: ${expected[b].length} results`);
    const timers = expected.timers as { odd?: true }[];
    const odd = timers.filter((t) => t.odd).length;
    assert.ok(odd > 0 && odd < timers.length / 2, `some buckets are odd (${odd} of ${timers.length - odd})`);
    const sessions = expected.session as { end: number; start: number }[];
    assert.ok(sessions.every((s) => s.end - s.start > 5 * MODEL.session.gapMs), 'every session spans many merged windows');
  });

  test('an undisturbed run commits exactly the oracle', async () => {
    const { cluster, out } = suite();
    const dir = join(out, 'undisturbed');
    const jobId = await cluster.client.submitJobFile('test/jobs/event-time-recovery-pipeline.ts', {
      args: ['--to', String(TO), '--out', dir],
    });
    const final = await waitUntilFinished(cluster, jobId, 120_000);
    assert.equal(Number(final.restarts), 0);
    assertPipelineOutput(dir, expected);
  });

  test(`timers and window contents survive ${KILLS} worker kills: the output equals the oracle`, async () => {
    const { cluster, out } = suite();
    const client = cluster.client;
    const dir = join(out, 'killed');
    const random = seeded(20261207);
    const jobId = await client.submitJobFile('test/jobs/event-time-recovery-pipeline.ts', {
      args: [
        ...['--to', String(TO), '--rate', String(RATE), '--out', dir],
        ...['--parallelism', String(KILLED_PARALLELISM), '--checkpoint', String(KILLED_CHECKPOINT_MS)],
      ],
    });
    const live = new Set(cluster.workers.flatMap((w, i) => (w.exitCode === null && w.signalCode === null ? [i] : [])));
    let checkpointBefore = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      const status = await pollUntil(
        `a checkpoint after restart ${kill - 1}${kill === 1 ? ' and committed results of every branch' : ''}`,
        async () => {
          const s = await client.getJobStatus(jobId);
          assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${cluster.logs()}`);
          assert.notEqual(s.state, 'FINISHED', `the job finished before kill ${kill}; slow the source down`);
          if (s.state !== 'RUNNING' || Number(s.lastCheckpointId) <= checkpointBefore) return undefined;
          if (kill === 1 && !BRANCHES.every((b) => hasCommitted(join(dir, b)))) return undefined;
          return s;
        },
        60_000,
      );
      checkpointBefore = Number(status.lastCheckpointId);
      const candidates = await holders(cluster, live, status);
      assert.ok(candidates.length > 0, 'some live worker holds tasks of the job');
      const victim = candidates[Math.floor(random() * candidates.length)]!;
      await cluster.killWorker(victim, 'SIGKILL');
      live.delete(victim);
      live.add(await cluster.addWorker());
      await pollUntil(`restart ${kill} noticed`, async () => Number((await client.getJobStatus(jobId)).restarts) >= kill, 30_000);
    }

    const final = await waitUntilFinished(cluster, jobId, 120_000);
    assert.equal(Number(final.restarts), KILLS, 'each kill caused exactly one restart');
    assertPipelineOutput(dir, expected);
  });

  test('status reports exactly the late records the oracle predicts, and the windows hold the rest', async () => {
    const { cluster, out: root } = suite();
    const out = join(root, 'late');
    const { windows, late, disordered } = expectedLate(LATE_TO);
    // Some out-of-order records still find their window open: the metric counts lateness, not disorder.
    assert.ok(late > 0 && late < disordered, `the input has late records (${late}) among ${disordered} out-of-order ones`);
    const jobId = await cluster.client.submitJobFile('test/jobs/event-time-recovery-late.ts', { args: ['--to', String(LATE_TO), '--out', out] });
    await waitUntilFinished(cluster, jobId, 60_000);

    const status = await cluster.client.getJobStatus(jobId);
    const op = (status.operators ?? []).find((o) => o.name === 'late-window');
    assert.ok(op, 'the window operator is in the status');
    assert.equal(Number(op.lateRecordsDropped), late);
    for (const o of status.operators ?? []) if (o !== op) assert.equal(Number(o.lateRecordsDropped), 0, `${o.name} drops nothing`);

    const shown = await runEddy(['status', jobId, '--json', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(shown.code, 0, shown.stderr);
    const json = JSON.parse(shown.stdout) as JobStatusJson;
    assert.deepEqual(
      json.operators.map((o) => [o.name, o.lateRecordsDropped]),
      (status.operators ?? []).map((o) => [o.name, o.name === 'late-window' ? late : 0]),
    );
    const table = await runEddy(['status', jobId, '--coordinator', cluster.coordinatorAddress]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /LATE DROPPED/);
    assert.match(table.stdout, new RegExp(`^late-window .* ${late}\\s*$`, 'm'));

    const { records, hidden } = readCommitted(out);
    assert.deepEqual(hidden, []);
    assertSameRecords(records, windows, 'late-window');
    const counted = (records as { c: number }[]).reduce((a, r) => a + r.c, 0);
    assert.equal(counted + late, LATE_TO + 1, 'every record is either in a window or counted late');
  });
});
