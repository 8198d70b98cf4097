/**
 * What the coordinator knows about a job: the persisted record and the live execution state.
 */
import type { JobGraph, JobState, TaskState } from '@eddy/common';

/** The persisted part of a job (JSON under `/eddy/jobs/<jobId>`). */
export interface JobRecord {
  readonly id: string;
  name: string;
  state: JobState;
  readonly artifactSha256: string;
  readonly args: string[];
  /** Parallelism override given at submission; 0 = none. */
  readonly parallelismOverride: number;
  readonly jobGraph: JobGraph;
  readonly submittedAt: number;
  startTime: number;
  endTime: number;
  /** Root cause of the failure, empty when none. */
  failure: string;
  /** Why the job is in its current state (e.g. what SCHEDULED waits for). */
  statusMessage: string;
  /** Execution attempt; bumped at every deployment. */
  attempt: number;
  /** Restarts since submission. */
  restarts: number;
  /** Cause of the most recent failure, kept across restarts. */
  lastFailure: string;
  /** Latest completed checkpoint (0 = none) and its completion time. */
  lastCheckpointId: number;
  lastCheckpointTime: number;
  /** Next checkpoint id; ids grow across restarts. */
  nextCheckpointId: number;
}

/** One operator's counters in one subtask. */
export interface OperatorCounts {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly lateRecordsDropped: number;
}

/** Live state of one subtask execution. */
export interface TaskExecution {
  readonly vertexId: string;
  readonly subtask: number;
  readonly workerId: string;
  readonly address: string;
  state: TaskState;
  failure: string;
  /** Latest counters per operator (stream node id). */
  readonly metrics: Map<string, OperatorCounts>;
}

/** Key of a task within a job. */
export function taskKey(vertexId: string, subtask: number): string {
  return `${vertexId}#${subtask}`;
}

/** The job's overall parallelism: its largest vertex parallelism (= slots needed). */
export function jobParallelism(g: JobGraph): number {
  return g.vertices.reduce((m, v) => Math.max(m, v.parallelism), 0);
}
