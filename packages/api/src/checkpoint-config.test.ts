import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamExecutionEnvironment } from './environment.js';

test('checkpoint timeout and minimum pause: defaults, validation, and what the graph carries', () => {
  const env = new StreamExecutionEnvironment();
  const c = env.getCheckpointConfig();
  assert.equal(c.getCheckpointTimeout(), 60_000);
  assert.equal(c.getMinPauseBetweenCheckpoints(), 0);
  env.fromSequence(0, 9).print();
  const plain = env.describe();
  assert.equal('checkpointTimeoutMs' in plain, false, 'defaults leave the graph as it was');
  assert.equal('minPauseBetweenCheckpointsMs' in plain, false);

  c.setCheckpointTimeout(5000).setMinPauseBetweenCheckpoints(250);
  assert.equal(c.getCheckpointTimeout(), 5000);
  assert.equal(c.getMinPauseBetweenCheckpoints(), 250);
  const g = env.describe();
  assert.equal(g.checkpointTimeoutMs, 5000);
  assert.equal(g.minPauseBetweenCheckpointsMs, 250);

  for (const bad of [0, 9, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => c.setCheckpointTimeout(bad), /checkpoint timeout must be an integer of at least 10 ms/);
  for (const bad of [-1, 0.5, Number.NaN])
    assert.throws(() => c.setMinPauseBetweenCheckpoints(bad), /minimum pause between checkpoints must be an integer of at least 0 ms/);
  assert.equal(c.getCheckpointTimeout(), 5000, 'a rejected value changes nothing');
});

test('tolerable checkpoint failures: default 0 (as in Flink), validation, and what the graph carries', () => {
  const env = new StreamExecutionEnvironment();
  const c = env.getCheckpointConfig();
  assert.equal(c.getTolerableCheckpointFailureNumber(), 0);
  env.fromSequence(0, 9).print();
  assert.equal('tolerableCheckpointFailures' in env.describe(), false, 'the default leaves the graph as it was');
  assert.equal(c.setTolerableCheckpointFailureNumber(3), c);
  assert.equal(env.describe().tolerableCheckpointFailures, 3);
  for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => c.setTolerableCheckpointFailureNumber(bad), /tolerable checkpoint failure number must be an integer of at least 0, got/);
  assert.equal(c.getTolerableCheckpointFailureNumber(), 3, 'a rejected value changes nothing');
});
