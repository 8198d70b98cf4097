/**
 * Watermarks across tasks, on a cluster of two worker processes: a task's watermark is the
 * minimum over its inputs; an idle input (withIdleness) stops holding it back, while without
 * idleness a silent input holds it back until that input ends; the final watermark at the end of
 * a bounded input fires every pending event-time timer and window; and a punctuated watermark
 * follows the record it was generated for.
 *
 * The scripted sources (jobs/watermark-scripted-source.ts) emit each step only once the test
 * created its gate file, and the test creates the next gate only after the output showed the
 * previous step took effect, so every output below is exact and does not depend on timing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_WATERMARK, subtaskForKey } from '@eddy/common';
import { waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil, startCluster, type Cluster } from './harness/cluster.js';
import { FAR, type FinalEvent, type TimerFired, type WindowFired } from './jobs/watermark-final.js';

/** Deadline of every wait (they end as soon as the awaited output is there). */
const WAIT_MS = 30_000;

describe('watermarks', () => {
  let cluster: Cluster;
  const dirs: string[] = [];

  before(async () => {
    cluster = await startCluster({ workers: 2, slots: 2 });
  });
  after(async () => {
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A fresh control directory and a function that opens a gate in it. */
  function control(): { dir: string; open(gate: string): void } {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-watermarks-'));
    dirs.push(dir);
    return { dir, open: (gate) => writeFileSync(join(dir, gate), '') };
  }

  /** Polls the job's CollectSink `sink` until it holds `line`; fails at once when the job failed. */
  async function until(jobId: string, sink: string, line: string): Promise<void> {
    await pollUntil(
      `'${line}' in ${sink}`,
      async () => {
        const s = await cluster.client.getJobStatus(jobId);
        assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${cluster.logs()}`);
        return (await cluster.client.fetchCollected(jobId, sink)).includes(line);
      },
      WAIT_MS,
    );
  }

  test('a task with two inputs follows the minimum of their watermarks', async () => {
    const c = control();
    const jobId = await cluster.client.submitJobFile('test/jobs/watermark-min-inputs.ts', { args: ['--control', c.dir] });
    // A alone at 150 holds nothing back while B has no watermark: the timer at 100 waits.
    c.open('A0');
    await until(jobId, 'out', 'rec A 101 wm=MIN');
    // B's 110 is the minimum: the timers at 100 and 101 fire, the one at 120 waits.
    c.open('B0');
    await until(jobId, 'out', 'rec B 121 wm=110');
    // A rising further changes nothing while B is at 110.
    c.open('A1');
    await until(jobId, 'out', 'rec A 301 wm=110');
    // B at 250 lifts the minimum to 250 (A is at 300).
    c.open('B1');
    await until(jobId, 'out', 'rec B 251 wm=250');
    // A finished input no longer counts: B's end leaves A's 300.
    c.open('B-end');
    await until(jobId, 'out', 'timer 251 wm=300');
    c.open('A-end');
    await waitUntilFinished(cluster, jobId, WAIT_MS);
    assert.deepEqual(await cluster.client.fetchCollected(jobId, 'out'), [
      'rec A 100 wm=MIN',
      'rec A 101 wm=MIN',
      'rec B 120 wm=MIN',
      'timer 100 wm=110',
      'timer 101 wm=110',
      'rec B 121 wm=110',
      'rec A 301 wm=110',
      'timer 120 wm=250',
      'timer 121 wm=250',
      'rec B 251 wm=250',
      'timer 251 wm=300',
      'timer 301 wm=MAX',
    ]);
  });

  for (const silent of [false, true]) {
    const b = silent ? 'an input that never emits a record' : 'an input that went silent';
    test(`with idleness, ${b} stops holding the watermark back and windows fire`, async () => {
      const c = control();
      const jobId = await cluster.client.submitJobFile('test/jobs/watermark-idleness.ts', {
        args: ['--control', c.dir, '--idleness', '200', ...(silent ? ['--silent'] : [])],
      });
      // A is at 24 and B silent: once B is idle, A's watermark alone fires [0, 10) and [10, 20).
      await until(jobId, 'windows', 'window 10-20 count=1 wm=24');
      // A goes on (while B stays idle) to 45.
      c.open('A1');
      await until(jobId, 'windows', 'window 30-40 count=1 wm=45');
      c.open('B-end');
      c.open('A-end');
      await waitUntilFinished(cluster, jobId, WAIT_MS);
      assert.deepEqual(await cluster.client.fetchCollected(jobId, 'windows'), [
        `window 0-10 count=${silent ? 1 : 2} wm=24`,
        'window 10-20 count=1 wm=24',
        'window 20-30 count=2 wm=45',
        'window 30-40 count=1 wm=45',
        'window 40-50 count=2 wm=MAX',
      ]);
    });
  }

  test('without idleness, a silent input holds the watermark back until it ends', async () => {
    const c = control();
    const jobId = await cluster.client.submitJobFile('test/jobs/watermark-idleness.ts', { args: ['--control', c.dir, '--probe'] });
    // Every record, A's after its watermarks 24 and 45 included, sees no watermark while B is open.
    await until(jobId, 'probe', 'rec A 26 wm=MIN');
    await until(jobId, 'probe', 'rec B 5 wm=MIN');
    c.open('A1');
    await until(jobId, 'probe', 'rec A 46 wm=MIN');
    // B's end leaves A's 45: only now do the windows up to it fire, all at once.
    c.open('B-end');
    await until(jobId, 'windows', 'window 30-40 count=1 wm=45');
    c.open('A-end');
    await waitUntilFinished(cluster, jobId, WAIT_MS);
    assert.deepEqual(await cluster.client.fetchCollected(jobId, 'windows'), [
      'window 0-10 count=2 wm=45',
      'window 10-20 count=1 wm=45',
      'window 20-30 count=2 wm=45',
      'window 30-40 count=1 wm=45',
      'window 40-50 count=2 wm=MAX',
    ]);
    const probe = await cluster.client.fetchCollected(jobId, 'probe');
    assert.deepEqual(
      probe.filter((l) => l.startsWith('rec A ')),
      [3, 12, 25, 26, 31, 47, 46].map((ts) => `rec A ${ts} wm=MIN`),
    );
    assert.deepEqual(
      probe.filter((l) => !l.startsWith('rec A ')),
      ['rec B 5 wm=MIN'],
    );
  });

  test('the final watermark at the end of a bounded input fires every pending timer and window', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    assert.deepEqual(new Set(keys.map((k) => subtaskForKey(k, 128, 2))), new Set([0, 1]), 'the keys live on both subtasks');
    // Out of order within the 5 ms bound; a repeated timestamp registers its timer once.
    const events: FinalEvent[] = [];
    for (let i = 0; i < 60; i++) events.push({ k: keys[(i * 7) % keys.length]!, ts: i + ((i * 3) % 5) });
    events.push({ k: 'a', ts: events.find((e) => e.k === 'a')!.ts });
    const jobId = await cluster.client.submitJobFile('test/jobs/watermark-final.ts', { args: ['--events', JSON.stringify(events)] });
    const status = await waitUntilFinished(cluster, jobId, WAIT_MS);
    assert.equal(new Set(status.tasks.map((t) => t.workerId)).size, 2, 'the job runs on both workers');

    const byKey = async <T extends { k: string }>(sink: string): Promise<Map<string, { x: T; t: number }[]>> => {
      const out = new Map<string, { x: T; t: number }[]>();
      for (const line of await cluster.client.fetchCollected(jobId, sink)) {
        const r = JSON.parse(line) as { x: T; t: number };
        out.set(r.x.k, [...(out.get(r.x.k) ?? []), r]);
      }
      return out;
    };
    const expectPerKey = <T>(f: (k: string, ts: number[]) => { x: T; t: number }[]): Map<string, { x: T; t: number }[]> =>
      new Map(
        keys.map((k) => [
          k,
          f(
            k,
            events.filter((e) => e.k === k).map((e) => e.ts),
          ),
        ]),
      );
    const sortedMap = <T>(m: Map<string, T>): [string, T][] => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

    // Each timer once, in time order, with the time it was registered for, as its timestamp too;
    // those registered while the final watermark fires timers fire as well.
    const timer = (k: string, time: number): { x: TimerFired; t: number } => ({ x: { k, time, ts: time, wm: 'MAX' }, t: time });
    assert.deepEqual(
      sortedMap(await byKey<TimerFired>('timers')),
      sortedMap(
        expectPerKey((k, ts) => {
          const firsts = [...new Set(ts)].sort((a, b) => a - b).map((t) => t + FAR);
          return [...firsts, ...firsts.map((t) => t + FAR), MAX_WATERMARK - 1, MAX_WATERMARK].map((time) => timer(k, time));
        }),
      ),
    );
    const fired = (k: string, s: number, e: number, n: number): { x: WindowFired; t: number } => ({ x: { k, s, e, n, wm: 'MAX' }, t: e - 1 });
    assert.deepEqual(sortedMap(await byKey<WindowFired>('tumbling')), sortedMap(expectPerKey((k, ts) => [fired(k, 0, FAR, ts.length)])));
    assert.deepEqual(
      sortedMap(await byKey<WindowFired>('sliding')),
      sortedMap(expectPerKey((k, ts) => [fired(k, -FAR, FAR, ts.length), fired(k, 0, 2 * FAR, ts.length)])),
    );
    assert.deepEqual(
      sortedMap(await byKey<WindowFired>('session')),
      sortedMap(expectPerKey((k, ts) => [fired(k, Math.min(...ts), Math.max(...ts) + FAR, ts.length)])),
    );
  });

  for (const at of ['operator', 'source'] as const) {
    test(`a punctuated watermark follows the record it is generated for (strategy at the ${at})`, async () => {
      const jobId = await cluster.client.submitJobFile('test/jobs/watermark-order.ts', {
        args: ['--events', JSON.stringify([9, 15, 19]), '--at', at],
      });
      await waitUntilFinished(cluster, jobId, WAIT_MS);
      // Flink: the record goes out first, then onEvent's watermark (TimestampsAndWatermarksOperator,
      // SourceOutputWithWatermarks): the record at 9 is in [0, 10) when its watermark 9 fires it.
      assert.deepEqual(await cluster.client.fetchCollected(jobId, 'probe'), ['rec 9 wm=MIN', 'rec 15 wm=9', 'rec 19 wm=15']);
      assert.deepEqual(await cluster.client.fetchCollected(jobId, 'windows'), ['window 0-10 count=1 wm=9', 'window 10-20 count=2 wm=19']);
      assert.deepEqual(await cluster.client.fetchCollected(jobId, 'late'), []);
    });
  }
});
