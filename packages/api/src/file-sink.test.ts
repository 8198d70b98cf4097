import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toJsonLine } from './file-sink.js';

test('every record becomes exactly one line of JSON that parses back', () => {
  const records: unknown[] = ['plain', 'two\nlines', '"quoted"', 42, { a: [1, 'x'] }, null, true];
  for (const r of records) {
    const line = toJsonLine(r);
    assert.ok(!line.includes('\n'), `one line for ${JSON.stringify(r)}`);
    assert.deepEqual(JSON.parse(line), r);
  }
  assert.equal(toJsonLine(12345678901234567890n), '"12345678901234567890"');
  assert.equal(toJsonLine(undefined), 'null');
});
