/**
 * The serializable description of a job's dataflow as the API builds it (Flink: StreamGraph).
 * The API package produces it; the coordinator validates it and chains it into a JobGraph.
 * User functions are not part of it: every process rebuilds them by evaluating the job file.
 */
import type { RestartStrategyConfig } from '../restart-strategy.js';

/** How records travel along an edge (Flink: StreamPartitioner). */
export type PartitionerKind =
  /** One-to-one to the subtask with the same index; chainable. */
  | 'forward'
  /** Round-robin over all downstream subtasks. */
  | 'rebalance'
  /** By key: key → key group → owning subtask (Flink: KeyGroupStreamPartitioner). */
  | 'hash';

/** What an operator does; decides which runtime operator the worker instantiates. */
export type OperatorKind =
  | 'source'
  | 'map'
  | 'filter'
  | 'flatMap'
  | 'process'
  | 'keyed-process'
  | 'keyed-reduce'
  /** assignTimestampsAndWatermarks. */
  | 'timestamps'
  /** A keyed window operator. */
  | 'window'
  /** Selects one side output of its input operator; always chained to it. */
  | 'side-output'
  | 'sink';

/** One input of a stream node. */
export interface StreamEdgeDescriptor {
  /** Id of the upstream node. */
  readonly source: number;
  readonly partitioner: PartitionerKind;
}

/** One operator of the stream graph. */
export interface StreamNodeDescriptor {
  /** Deterministic id: creation order within the job. */
  readonly id: number;
  readonly kind: OperatorKind;
  readonly name: string;
  /** Stable user-given id for state mapping; undefined when not set. */
  readonly uid: string | undefined;
  /** Effective parallelism. */
  readonly parallelism: number;
  readonly inputs: readonly StreamEdgeDescriptor[];
  /** Sources only: true when the source ends by itself. */
  readonly bounded: boolean;
}

/** The whole stream graph. */
export interface StreamGraphDescriptor {
  readonly jobName: string;
  readonly maxParallelism: number;
  /** Checkpoint interval in ms; 0 = checkpointing disabled. */
  readonly checkpointInterval: number;
  /** The job's restart strategy; undefined = the default for its checkpoint setting. */
  readonly restartStrategy?: RestartStrategyConfig;
  /** Checkpoint timeout in ms; undefined = 60 000. */
  readonly checkpointTimeoutMs?: number;
  /** Least ms between the end of a checkpoint and the next trigger; undefined = 0. */
  readonly minPauseBetweenCheckpointsMs?: number;
  /** Consecutive counted checkpoint failures tolerated before the job fails; undefined = 0. */
  readonly tolerableCheckpointFailures?: number;
  readonly nodes: readonly StreamNodeDescriptor[];
}
