/**
 * The plain computation behind `test/jobs/keyed-count.ts`, and an exact check of a run's output
 * against it: every input record affects its key's running count exactly once, in the subtask
 * Flink's key-group routing assigns the key to.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subtaskForKey } from '@eddy/common';

/** One output record of the keyed-count job: key, running count, running sum of the inputs. */
export interface CountRecord {
  readonly k: number;
  readonly c: number;
  readonly s: number;
}

/** What the job was run with. */
export interface KeyedCountRun {
  /** Last number of `fromSequence(0, to)`. */
  readonly to: number;
  readonly keys: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
}

const PART_FILE = /^part-(\d+)-(\d+)\.jsonl$/;

/**
 * Reads the committed part files of a FileSink directory, in write order per subtask.
 * @returns records per subtask index, and the names of hidden (in-progress) files left behind.
 */
export function readPartFiles(dir: string): { bySubtask: Map<number, CountRecord[]>; hidden: string[] } {
  const bySubtask = new Map<number, CountRecord[]>();
  const hidden: string[] = [];
  const parts: { subtask: number; counter: number; name: string }[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) {
      hidden.push(name);
      continue;
    }
    const m = PART_FILE.exec(name);
    assert.ok(m, `unexpected file '${name}' in the sink directory`);
    parts.push({ subtask: Number(m[1]), counter: Number(m[2]), name });
  }
  parts.sort((a, b) => a.subtask - b.subtask || a.counter - b.counter);
  for (const p of parts) {
    const records = bySubtask.get(p.subtask) ?? [];
    for (const line of readFileSync(join(dir, p.name), 'utf8').split('\n')) {
      if (line !== '') records.push(JSON.parse(line) as CountRecord);
    }
    bySubtask.set(p.subtask, records);
  }
  return { bySubtask, hidden };
}

/**
 * Asserts that `bySubtask` is exactly the keyed running count of `run`: each key lives in the
 * subtask its key group belongs to; its counts run 1, 2, 3, … without gap or repeat; and the
 * inputs recovered from consecutive running sums are exactly the key's numbers, each once.
 */
export function assertExactKeyedCount(bySubtask: ReadonlyMap<number, readonly CountRecord[]>, run: KeyedCountRun): void {
  const perKey = new Map<number, CountRecord[]>();
  const subtaskOfKey = new Map<number, number>();
  let total = 0;
  for (const [subtask, records] of bySubtask) {
    for (const r of records) {
      const owner = subtaskOfKey.get(r.k);
      if (owner === undefined) {
        const expected = subtaskForKey(r.k, run.maxParallelism, run.parallelism);
        assert.equal(subtask, expected, `key ${r.k} was counted in subtask ${subtask}, but its key group belongs to ${expected}`);
        subtaskOfKey.set(r.k, subtask);
      } else {
        assert.equal(subtask, owner, `key ${r.k} appears in subtasks ${owner} and ${subtask}`);
      }
      const list = perKey.get(r.k) ?? [];
      list.push(r);
      perKey.set(r.k, list);
      total++;
    }
  }
  assert.equal(total, run.to + 1, `expected ${run.to + 1} output records, got ${total}`);
  assert.equal(perKey.size, Math.min(run.keys, run.to + 1), 'number of distinct keys');
  for (const [k, list] of perKey) {
    const expectedInputs: number[] = [];
    for (let n = k; n <= run.to; n += run.keys) expectedInputs.push(n);
    assert.equal(list.length, expectedInputs.length, `key ${k}: ${list.length} outputs for ${expectedInputs.length} inputs`);
    const inputs: number[] = [];
    let prevSum = 0;
    list.forEach((r, i) => {
      if (r.c !== i + 1) assert.fail(`key ${k}: output ${i + 1} has count ${r.c} (a gap or a repeat)`);
      inputs.push(r.s - prevSum);
      prevSum = r.s;
    });
    inputs.sort((a, b) => a - b);
    assert.deepEqual(inputs, expectedInputs, `key ${k}: the inputs behind the running sums differ from the key's numbers`);
  }
}
