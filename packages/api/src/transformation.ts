/**
 * The in-memory graph the DataStream API builds (Flink: Transformation). It holds the user's
 * functions; {@link describeGraph} projects it onto the serializable StreamGraphDescriptor.
 */
import type { OperatorKind, PartitionerKind, StreamGraphDescriptor, StreamNodeDescriptor } from '@eddy/common';
import type { KeySelector } from './functions.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';

/** How a stream is partitioned towards the operator that consumes it. */
export type Partitioning =
  /** forward when parallelism matches, rebalance otherwise (as Flink decides). */
  | { readonly kind: 'default' }
  | { readonly kind: 'rebalance' }
  | { readonly kind: 'hash'; readonly keySelector: KeySelector<unknown, unknown> };

/** One input of a transformation. */
export interface TransformationInput {
  readonly transformation: Transformation;
  readonly partitioning: Partitioning;
}

/** An operator of the job, with its user code. */
export class Transformation {
  name: string;
  uid: string | undefined;
  /** Parallelism: the environment's at creation time unless set explicitly. */
  parallelism: number;
  /** Whether the parallelism may not be changed (e.g. fromCollection is non-parallel). */
  fixedParallelism = false;

  constructor(
    /** Creation index within the environment; deterministic for a deterministic job. */
    readonly id: number,
    readonly kind: OperatorKind,
    name: string,
    parallelism: number,
    /** Inputs; mutable only so that graph validation can be exercised (Flink exposes it too). */
    readonly inputs: TransformationInput[],
    /** The user function (map/filter/flatMap/reduce/process function), if any. */
    readonly userFunction: unknown = undefined,
    /** Key selector of keyed operators (the same as the partitioning key of their input). */
    readonly keySelector: KeySelector<unknown, unknown> | undefined = undefined,
    readonly source: Source<unknown> | undefined = undefined,
    readonly sink: Sink<unknown> | undefined = undefined,
    /** Kind-specific settings: the WindowSpec of a window, the strategy of a watermark assigner, the tag of a side output. */
    readonly config: unknown = undefined,
  ) {
    this.name = name;
    this.uid = undefined;
    this.parallelism = parallelism;
  }
}

/** Resolves the partitioner of an edge the way Flink does for unspecified ones. */
export function resolvePartitioner(p: Partitioning, upParallelism: number, downParallelism: number): PartitionerKind {
  if (p.kind === 'hash') return 'hash';
  if (p.kind === 'rebalance') return 'rebalance';
  return upParallelism === downParallelism ? 'forward' : 'rebalance';
}

/** Projects the transformations onto the serializable stream graph. */
export function describeGraph(
  jobName: string,
  maxParallelism: number,
  checkpointInterval: number,
  transformations: readonly Transformation[],
): StreamGraphDescriptor {
  // A side output is part of its producer's chain, so it always has the producer's parallelism
  // (ids are in creation order: the producer's is final by the time its side output is reached).
  for (const t of transformations)
    if (t.kind === 'side-output' && t.inputs[0] !== undefined) t.parallelism = t.inputs[0].transformation.parallelism;
  const nodes: StreamNodeDescriptor[] = transformations.map((t) => ({
    id: t.id,
    kind: t.kind,
    name: t.name,
    uid: t.uid,
    parallelism: t.parallelism,
    inputs: t.inputs.map((i) => ({
      source: i.transformation.id,
      partitioner: resolvePartitioner(i.partitioning, i.transformation.parallelism, t.parallelism),
    })),
    bounded: t.source?.boundedness === 'BOUNDED',
  }));
  return { jobName, maxParallelism, checkpointInterval, nodes };
}
