/**
 * Job and task lifecycle states, with the one table that says which transitions are legal
 * (Flink: JobStatus / ExecutionState).
 */

/** Lifecycle of a job. */
export type JobState =
  /** Accepted and persisted, not yet planned. */
  | 'CREATED'
  /** Waiting for enough free slots; the status message says how many are missing. */
  | 'SCHEDULED'
  /** Tasks are deployed and running. */
  | 'RUNNING'
  /** Every task finished: all bounded sources exhausted and everything drained. Terminal. */
  | 'FINISHED'
  /** A task failed or deployment failed; the root cause is kept. Terminal. */
  | 'FAILED'
  /** Cancel requested; tasks are being stopped. */
  | 'CANCELING'
  /** Cancelled by the user. Terminal. */
  | 'CANCELED'
  /** Tasks are being reset after a failure before a restart from the last checkpoint. */
  | 'RESTARTING';

/** Every job state, in lifecycle order. */
export const JOB_STATES: readonly JobState[] = [
  'CREATED',
  'SCHEDULED',
  'RUNNING',
  'FINISHED',
  'FAILED',
  'CANCELING',
  'CANCELED',
  'RESTARTING',
];

const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  CREATED: ['SCHEDULED', 'FAILED', 'CANCELING', 'CANCELED'],
  SCHEDULED: ['RUNNING', 'FAILED', 'CANCELING', 'CANCELED'],
  RUNNING: ['FINISHED', 'FAILED', 'CANCELING', 'RESTARTING'],
  RESTARTING: ['SCHEDULED', 'FAILED', 'CANCELING', 'CANCELED'],
  CANCELING: ['CANCELED'],
  FINISHED: [],
  FAILED: [],
  CANCELED: [],
};

/** Whether a job may move from `from` to `to`. */
export function isLegalJobTransition(from: JobState, to: JobState): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

/** Whether `s` is terminal (the job will never change again). */
export function isTerminalJobState(s: JobState): boolean {
  return s === 'FINISHED' || s === 'FAILED' || s === 'CANCELED';
}

/** Parses a state name from the wire. @returns undefined for unknown names. */
export function parseJobState(s: string): JobState | undefined {
  return (JOB_STATES as readonly string[]).includes(s) ? (s as JobState) : undefined;
}

/** Lifecycle of one subtask execution (Flink: ExecutionState). */
export type TaskState = 'SCHEDULED' | 'DEPLOYING' | 'INITIALIZING' | 'RUNNING' | 'FINISHED' | 'CANCELING' | 'CANCELED' | 'FAILED';

const TASK_ORDER: Readonly<Record<TaskState, number>> = {
  SCHEDULED: 0,
  DEPLOYING: 1,
  INITIALIZING: 2,
  RUNNING: 3,
  CANCELING: 4,
  FINISHED: 5,
  CANCELED: 5,
  FAILED: 5,
};

/** Whether a task may move from `from` to `to`: forward only, and never out of a terminal state. */
export function isLegalTaskTransition(from: TaskState, to: TaskState): boolean {
  if (isTerminalTaskState(from)) return false;
  if (to === 'FAILED' || to === 'CANCELED') return true;
  if (from === 'CANCELING') return false;
  return TASK_ORDER[to] > TASK_ORDER[from];
}

/** Whether a task state is terminal. */
export function isTerminalTaskState(s: TaskState): boolean {
  return s === 'FINISHED' || s === 'CANCELED' || s === 'FAILED';
}

/** Parses a task state name from the wire. @returns undefined for unknown names. */
export function parseTaskState(s: string): TaskState | undefined {
  return Object.hasOwn(TASK_ORDER, s) ? (s as TaskState) : undefined;
}
