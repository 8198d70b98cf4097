import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JOB_STATES,
  isLegalJobTransition,
  isLegalTaskTransition,
  isTerminalJobState,
  parseJobState,
  parseTaskState,
  type TaskState,
} from './job-state.js';

test('terminal job states have no way out', () => {
  for (const from of JOB_STATES.filter(isTerminalJobState))
    for (const to of JOB_STATES) assert.equal(isLegalJobTransition(from, to), false, `${from} -> ${to}`);
});

test('the happy paths of a job are legal', () => {
  const paths = [
    ['CREATED', 'SCHEDULED', 'RUNNING', 'FINISHED'],
    ['CREATED', 'SCHEDULED', 'RUNNING', 'CANCELING', 'CANCELED'],
    ['CREATED', 'SCHEDULED', 'RUNNING', 'FAILED'],
    ['CREATED', 'SCHEDULED', 'CANCELED'],
    ['CREATED', 'SCHEDULED', 'RUNNING', 'RESTARTING', 'SCHEDULED'],
  ] as const;
  for (const p of paths) for (let i = 1; i < p.length; i++) assert.ok(isLegalJobTransition(p[i - 1]!, p[i]!), `${p[i - 1]} -> ${p[i]}`);
  assert.equal(isLegalJobTransition('CANCELING', 'RUNNING'), false);
  assert.equal(isLegalJobTransition('SCHEDULED', 'FINISHED'), false);
});

test('task states move forward only', () => {
  const all: TaskState[] = ['SCHEDULED', 'DEPLOYING', 'INITIALIZING', 'RUNNING', 'FINISHED', 'CANCELING', 'CANCELED', 'FAILED'];
  assert.ok(isLegalTaskTransition('DEPLOYING', 'RUNNING'));
  assert.ok(isLegalTaskTransition('RUNNING', 'FINISHED'));
  assert.ok(isLegalTaskTransition('DEPLOYING', 'FAILED'));
  assert.ok(isLegalTaskTransition('CANCELING', 'CANCELED'));
  assert.equal(isLegalTaskTransition('RUNNING', 'INITIALIZING'), false);
  assert.equal(isLegalTaskTransition('CANCELING', 'RUNNING'), false);
  for (const t of ['FINISHED', 'CANCELED', 'FAILED'] as const) for (const to of all) assert.equal(isLegalTaskTransition(t, to), false);
});

test('parsing of wire names', () => {
  assert.equal(parseJobState('RUNNING'), 'RUNNING');
  assert.equal(parseJobState('running'), undefined);
  assert.equal(parseTaskState('FAILED'), 'FAILED');
  assert.equal(parseTaskState('toString'), undefined);
});
