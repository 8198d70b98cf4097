/**
 * The event-time examples as a user runs them (`eddy local … --workers 2 --parallelism 2`): each
 * prints exactly the output a plain computation over the same fixed-seed input predicts, line for
 * line, in order per key and on the subtask that Flink's key-group routing assigns the key to.
 * The inputs come from the examples' own generators (examples/support/, compiled with the
 * examples), so the test and the job read the very same data.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { subtaskForKey } from '@eddy/common';
import type * as PageViewsModule from '../examples/support/page-views.js';
import type * as TransactionsModule from '../examples/support/transactions.js';
import type { PageView } from '../examples/support/page-views.js';
import type { Transaction, TransactionOptions } from '../examples/support/transactions.js';
import { REPO_ROOT, runEddy } from './harness/cluster.js';

// The compiled generators (this file runs from test/dist/, the examples compile to examples/dist/).
const compiled = (path: string): string => pathToFileURL(join(REPO_ROOT, 'examples', 'dist', 'support', path)).href;
const { DEFAULT_TRANSACTION_OPTIONS, generateTransactions } = (await import(compiled('transactions.js'))) as typeof TransactionsModule;
const { DEFAULT_PAGE_VIEW_OPTIONS, generatePageViews } = (await import(compiled('page-views.js'))) as typeof PageViewsModule;

const PARALLELISM = 2;
const MAX_PARALLELISM = 128;
const prefixOf = (key: unknown): string => `${subtaskForKey(key, MAX_PARALLELISM, PARALLELISM) + 1}> `;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Runs an example the way the README says, and returns its output lines (nothing may go to stderr). */
async function runExample(file: string, jobArgs: readonly string[] = []): Promise<string[]> {
  const args = ['local', `examples/${file}`, '--workers', '2', '--parallelism', String(PARALLELISM)];
  const r = await runEddy(jobArgs.length > 0 ? [...args, '--', ...jobArgs] : args, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `eddy local ${file} failed\n${r.stderr}`);
  assert.equal(r.stderr, '', 'nothing but the job output when all goes well');
  return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n');
}

/** Groups `lines` by the key `keyOf` finds in each (every line must have one), keeping their order. */
function byKey(lines: readonly string[], keyOf: (line: string) => string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const key = keyOf(line);
    assert.ok(key !== undefined, `unexpected output line '${line}'`);
    const list = out.get(key) ?? [];
    list.push(line);
    out.set(key, list);
  }
  return out;
}

const sorted = (m: Map<string, string[]>): [string, string[]][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// ---- fraud detection ---------------------------------------------------------------------------

/**
 * The alerts, plainly: a transaction over $500.00 that immediately follows (per account) one
 * under $1.00 by at most 60 000 ms of event time.
 */
function expectedAlerts(txs: readonly Transaction[]): Map<string, string[]> {
  const smallAt = new Map<number, number>(); // account → timestamp of its last transaction, when that was small
  const out = new Map<string, string[]>();
  for (const tx of txs) {
    const small = smallAt.get(tx.accountId);
    if (small !== undefined && tx.amount > 500 && tx.timestamp - small <= 60_000) {
      const line = `${prefixOf(tx.accountId)}Alert{accountId=${tx.accountId}, amount=${tx.amount.toFixed(2)}, timestamp=${iso(tx.timestamp)}, sinceSmall=${((tx.timestamp - small) / 1000).toFixed(3)}s}`;
      out.set(String(tx.accountId), [...(out.get(String(tx.accountId)) ?? []), line]);
    }
    if (tx.amount < 1) smallAt.set(tx.accountId, tx.timestamp);
    else smallAt.delete(tx.accountId);
  }
  return out;
}

/** Counts the patterns of the input that the example's README promises (alerts and near misses). */
function patterns(txs: readonly Transaction[]): Record<string, number> {
  const count: Record<string, number> = { alert: 0, exactlyOneMinute: 0, tooLate: 0, interrupted: 0, smallResetsTheMinute: 0 };
  const history = new Map<number, Transaction[]>();
  for (const tx of txs) {
    const h = history.get(tx.accountId) ?? [];
    history.set(tx.accountId, h);
    const [a, b] = [h[h.length - 2], h[h.length - 1]];
    if (b !== undefined && b.amount < 1 && tx.amount > 500) {
      const gap = tx.timestamp - b.timestamp;
      if (gap <= 60_000) count.alert!++;
      if (gap === 60_000) count.exactlyOneMinute!++;
      if (gap > 60_000) count.tooLate!++;
      if (gap <= 60_000 && a !== undefined && a.amount < 1 && tx.timestamp - a.timestamp > 60_000) count.smallResetsTheMinute!++;
    }
    if (a !== undefined && b !== undefined && a.amount < 1 && b.amount >= 1 && b.amount <= 500 && tx.amount > 500 && tx.timestamp - a.timestamp <= 60_000)
      count.interrupted!++;
    h.push(tx);
  }
  return count;
}

const accountOf = (line: string): string | undefined => /^\d+> Alert\{accountId=(\d+), amount=\d+\.\d\d, timestamp=\S+Z, sinceSmall=\d+\.\d{3}s\}$/.exec(line)?.[1];

async function assertFraudDetection(options: TransactionOptions, jobArgs: readonly string[]): Promise<void> {
  const expected = expectedAlerts(generateTransactions(options));
  const lines = await runExample('fraud-detection.ts', jobArgs);
  assert.deepEqual(sorted(byKey(lines, accountOf)), sorted(expected));
}

test('fraud-detection prints exactly the expected alerts of its default input', async () => {
  const txs = generateTransactions(DEFAULT_TRANSACTION_OPTIONS);
  assert.equal(txs.length, DEFAULT_TRANSACTION_OPTIONS.count);
  const p = patterns(txs);
  // The fixed-seed input holds a handful of alerts and each kind of near miss.
  assert.ok(p.alert! >= 4 && p.alert! <= 20, `alerts in the input: ${JSON.stringify(p)}`);
  for (const kind of ['exactlyOneMinute', 'tooLate', 'interrupted', 'smallResetsTheMinute']) assert.ok(p[kind]! >= 1, `${kind}: ${JSON.stringify(p)}`);
  await assertFraudDetection(DEFAULT_TRANSACTION_OPTIONS, []);
});

test('fraud-detection reads --count, --seed and --accounts', async () => {
  const options: TransactionOptions = { count: 1500, seed: 7, accounts: 5 };
  assert.ok(expectedAlerts(generateTransactions(options)).size > 0, 'the input has alerts');
  await assertFraudDetection(options, ['--count', '1500', '--seed', '7', '--accounts', '5']);
});

// ---- realtime metrics --------------------------------------------------------------------------

const BOUND_MS = 5_000;
const LATENESS_MS = 10_000;
const MINUTE = 60_000;

interface WindowState {
  readonly start: number;
  pv: number;
  readonly users: Set<string>;
  /** Not yet emitted on time (the watermark has not passed its end). */
  pending: boolean;
}

/**
 * Flink's window semantics over the views in arrival order, with the watermark the punctuated
 * generator emits (highest timestamp so far - 5 000 - 1): a minute is emitted when the watermark
 * reaches its last millisecond, and again for every view that arrives later but within the 10 s
 * of allowed lateness; a view whose minute ended more than that before the watermark is late.
 * At the end of the input the final watermark emits every pending minute.
 */
function expectedMetrics(views: readonly PageView[]): { stats: Map<string, string[]>; late: Map<string, string[]>; lateFirings: number } {
  const windows = new Map<string, Map<number, WindowState>>();
  const stats = new Map<string, string[]>();
  const late = new Map<string, string[]>();
  let lateFirings = 0;
  let watermark = -Infinity;
  const push = (m: Map<string, string[]>, page: string, line: string): void => {
    m.set(page, [...(m.get(page) ?? []), line]);
  };
  const emit = (page: string, w: WindowState): void =>
    push(stats, page, `${prefixOf(page)}PageStats{page=${page}, window=[${iso(w.start)}, ${iso(w.start + MINUTE)}), pv=${w.pv}, uv=${w.users.size}}`);
  const advance = (to: number): void => {
    if (to <= watermark) return;
    watermark = to;
    for (const [page, ws] of windows)
      for (const w of [...ws.values()].sort((a, b) => a.start - b.start))
        if (w.pending && w.start + MINUTE - 1 <= watermark) {
          w.pending = false;
          emit(page, w);
        }
  };
  for (const v of views) {
    advance(v.timestamp - BOUND_MS - 1);
    const start = v.timestamp - (((v.timestamp % MINUTE) + MINUTE) % MINUTE);
    const maxTimestamp = start + MINUTE - 1;
    if (maxTimestamp + LATENESS_MS <= watermark) {
      push(late, v.page, `late:${prefixOf(v.page)}LateView{page=${v.page}, userId=${v.userId}, timestamp=${iso(v.timestamp)}}`);
      continue;
    }
    const ws = windows.get(v.page) ?? new Map<number, WindowState>();
    windows.set(v.page, ws);
    let w = ws.get(start);
    if (w === undefined) ws.set(start, (w = { start, pv: 0, users: new Set(), pending: true }));
    w.pv++;
    w.users.add(v.userId);
    if (maxTimestamp <= watermark) {
      // EventTimeTrigger fires right away for a view of a minute the watermark has passed.
      w.pending = false;
      lateFirings++;
      emit(v.page, w);
    }
  }
  advance(Infinity);
  return { stats, late, lateFirings };
}

const statsPageOf = (line: string): string | undefined =>
  /^\d+> PageStats\{page=(\S+), window=\[\S+Z, \S+Z\), pv=\d+, uv=\d+\}$/.exec(line)?.[1];
const latePageOf = (line: string): string | undefined => /^late:\d+> LateView\{page=(\S+), userId=\w+, timestamp=\S+Z\}$/.exec(line)?.[1];

test('realtime-metrics prints exactly the expected PV/UV per page and minute, late firings and late views', async () => {
  const views = generatePageViews(DEFAULT_PAGE_VIEW_OPTIONS);
  assert.equal(views.length, DEFAULT_PAGE_VIEW_OPTIONS.count);
  const expected = expectedMetrics(views);
  const lateCount = [...expected.late.values()].reduce((n, l) => n + l.length, 0);
  // The fixed-seed input exercises every path: on-time minutes, updates within the lateness, late views.
  assert.ok(expected.stats.size === 5, 'every page has minutes');
  assert.ok(expected.lateFirings >= 2, `late firings: ${expected.lateFirings}`);
  assert.ok(lateCount >= 5, `late views: ${lateCount}`);

  const lines = await runExample('realtime-metrics.ts');
  const statsLines = lines.filter((l) => !l.startsWith('late:'));
  const lateLines = lines.filter((l) => l.startsWith('late:'));
  assert.deepEqual(sorted(byKey(statsLines, statsPageOf)), sorted(expected.stats));
  assert.deepEqual(sorted(byKey(lateLines, latePageOf)), sorted(expected.late));
});
