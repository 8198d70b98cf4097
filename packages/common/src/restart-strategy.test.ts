import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveRestartStrategy, nextRestartDelay, validateRestartStrategy } from './restart-strategy.js';

test('fixed delay restarts until the attempts are used', () => {
  const s = { type: 'fixed-delay', attempts: 2, delayMs: 100 } as const;
  assert.equal(nextRestartDelay(s, 0), 100);
  assert.equal(nextRestartDelay(s, 1), 100);
  assert.equal(nextRestartDelay(s, 2), undefined);
});

test('exponential delay grows and is capped', () => {
  const s = { type: 'exponential-delay', initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2, maxAttempts: 6 } as const;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => nextRestartDelay(s, n)), [100, 200, 400, 800, 1000, 1000, undefined]);
});

test('defaults follow Flink: unlimited with checkpointing, none without', () => {
  assert.equal(effectiveRestartStrategy(undefined, false).type, 'none');
  const d = effectiveRestartStrategy(undefined, true);
  assert.equal(nextRestartDelay(d, 1_000_000), 500);
  assert.equal(nextRestartDelay({ type: 'none' }, 0), undefined);
  assert.equal(effectiveRestartStrategy({ type: 'none' }, true).type, 'none');
});

test('validation', () => {
  assert.equal(validateRestartStrategy({ type: 'fixed-delay', attempts: 3, delayMs: 0 }), undefined);
  assert.match(validateRestartStrategy({ type: 'fixed-delay', attempts: -1, delayMs: 0 }) ?? '', /attempts/);
  assert.match(
    validateRestartStrategy({ type: 'exponential-delay', initialBackoffMs: 10, maxBackoffMs: 5, multiplier: 2, maxAttempts: 1 }) ?? '',
    /maxBackoffMs/,
  );
});
