/**
 * Reading what exactly-once FileSinks committed, and comparing it with an oracle as a multiset.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** JSON with object keys sorted, so equal records have equal strings whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** The records of a FileSink directory's committed part files, and the names of hidden files left behind. */
export function readCommitted(dir: string): { records: unknown[]; hidden: string[] } {
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
export function hasCommitted(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => !f.startsWith('.') && readFileSync(join(dir, f), 'utf8').length > 0);
}

/**
 * Asserts that `actual` is exactly the multiset `expected` (whose records are distinct, so every
 * one must appear exactly once), naming up to five missing and five extra records.
 */
export function assertSameRecords(actual: readonly unknown[], expected: readonly unknown[], what: string): void {
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
