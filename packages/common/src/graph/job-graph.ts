/**
 * JobGraph: the stream graph with chainable operators fused into vertices (Flink: JobGraph and
 * `StreamingJobGraphGenerator`). Pure functions: validation and chaining, no I/O.
 */
import { validateParallelism } from '../key-groups.js';
import { effectiveRestartStrategy, validateRestartStrategy, type RestartStrategyConfig } from '../restart-strategy.js';
import type { PartitionerKind, StreamGraphDescriptor, StreamNodeDescriptor } from './stream-graph.js';

/** A data exchange between two vertices: one result partition per producing subtask. */
export interface JobEdge {
  /** Stable id, e.g. `e3`; names the result partition on the producer side. */
  readonly id: string;
  readonly sourceVertex: string;
  readonly targetVertex: string;
  /** Stream node inside the producer vertex that emits into this edge. */
  readonly sourceNode: number;
  /** Stream node inside the consumer vertex that receives from it. */
  readonly targetNode: number;
  readonly partitioner: PartitionerKind;
}

/** A chain of operators executed as one task per subtask (Flink: JobVertex). */
export interface JobVertex {
  /** Stable id, e.g. `v0`, derived from the head node id. */
  readonly id: string;
  /** Display name: the chained operator names joined by ` -> `. */
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Chained node ids in topological order; the first is the chain head. */
  readonly nodeIds: readonly number[];
  readonly isSource: boolean;
}

/** The job's vertices and edges, plus the stream graph it was made from. */
export interface JobGraph {
  readonly jobName: string;
  readonly maxParallelism: number;
  readonly checkpointInterval: number;
  readonly restartStrategy: RestartStrategyConfig;
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  readonly streamGraph: StreamGraphDescriptor;
}

/** Operators that can emit to side outputs (process functions and windows with late-data output). */
const SIDE_OUTPUT_PRODUCERS: ReadonlySet<string> = new Set(['process', 'keyed-process', 'window']);

/**
 * Checks a stream graph for everything that makes it impossible to run.
 * @returns human-readable problems, empty when the graph is valid.
 */
export function validateStreamGraph(g: StreamGraphDescriptor): string[] {
  const problems: string[] = [];
  if (g.nodes.length === 0) {
    problems.push('the job graph is empty: the job function added no operators (did it create a source and a sink?)');
    return problems;
  }
  const maxPError = validateParallelism(1, g.maxParallelism);
  if (maxPError) problems.push(maxPError);
  const restartError = g.restartStrategy ? validateRestartStrategy(g.restartStrategy) : undefined;
  if (restartError) problems.push(restartError);
  const byId = new Map<number, StreamNodeDescriptor>();
  for (const n of g.nodes) {
    if (byId.has(n.id)) problems.push(`duplicate node id ${n.id}`);
    byId.set(n.id, n);
  }
  const uids = new Map<string, StreamNodeDescriptor>();
  for (const n of g.nodes) {
    if (n.uid !== undefined) {
      const other = uids.get(n.uid);
      if (other) problems.push(`duplicate uid '${n.uid}' on operators '${other.name}' and '${n.name}'`);
      else uids.set(n.uid, n);
    }
    if (!Number.isInteger(n.parallelism) || n.parallelism < 1)
      problems.push(`operator '${n.name}' has invalid parallelism ${n.parallelism}`);
    else if (n.parallelism > g.maxParallelism)
      problems.push(
        `operator '${n.name}' has parallelism ${n.parallelism}, greater than the max parallelism ${g.maxParallelism}`,
      );
    if (n.kind === 'source' && n.inputs.length > 0) problems.push(`source '${n.name}' must not have inputs`);
    if (n.kind !== 'source' && n.inputs.length === 0) problems.push(`operator '${n.name}' has no input`);
    if (n.kind === 'side-output') {
      const e = n.inputs[0];
      const up = e ? byId.get(e.source) : undefined;
      if (n.inputs.length !== 1 || e?.partitioner !== 'forward' || (up && up.parallelism !== n.parallelism))
        problems.push(`side output '${n.name}' must read its producer directly, with the producer's parallelism`);
      else if (up && !SIDE_OUTPUT_PRODUCERS.has(up.kind))
        problems.push(`side output '${n.name}' reads from '${up.name}', a ${up.kind} operator, which has no side outputs`);
    }
    for (const e of n.inputs) {
      const up = byId.get(e.source);
      if (!up) problems.push(`operator '${n.name}' reads from unknown node ${e.source}`);
      else if (up.kind === 'sink') problems.push(`operator '${n.name}' reads from sink '${up.name}'`);
      else if (e.partitioner === 'forward' && up.parallelism !== n.parallelism)
        problems.push(
          `forward edge from '${up.name}' (parallelism ${up.parallelism}) to '${n.name}' (parallelism ${n.parallelism}) needs equal parallelism; use rebalance()`,
        );
    }
  }
  const cycle = findCycle(g.nodes);
  if (cycle) problems.push(`the job graph has a cycle: ${cycle.map((id) => byId.get(id)?.name ?? id).join(' -> ')}`);
  return problems;
}

/** A cycle as a list of node ids (first repeated at the end), or undefined when the graph is acyclic. */
export function findCycle(nodes: readonly StreamNodeDescriptor[]): number[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<number, 1 | 2>(); // 1 = on stack, 2 = done
  const stack: number[] = [];
  const visit = (id: number): number[] | undefined => {
    const s = state.get(id);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 1);
    stack.push(id);
    for (const e of byId.get(id)?.inputs ?? []) {
      if (!byId.has(e.source)) continue;
      const c = visit(e.source);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const n of nodes) {
    const c = visit(n.id);
    if (c) return c.reverse();
  }
  return undefined;
}

/** Topological order of a validated (acyclic) graph, ties broken by node id for determinism. */
export function topologicalOrder(nodes: readonly StreamNodeDescriptor[]): StreamNodeDescriptor[] {
  const indeg = new Map<number, number>();
  const outs = new Map<number, number[]>();
  for (const n of nodes) {
    indeg.set(n.id, n.inputs.length);
    for (const e of n.inputs) outs.set(e.source, [...(outs.get(e.source) ?? []), n.id]);
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ready = nodes.filter((n) => n.inputs.length === 0).map((n) => n.id);
  const order: StreamNodeDescriptor[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const id = ready.shift()!;
    order.push(byId.get(id)!);
    for (const t of outs.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  return order;
}

/**
 * Whether the edge `up → down` fuses into one task (Flink's `isChainable`): a forward edge, equal
 * parallelism, and `down` has this as its only input. keyBy and rebalance therefore break chains.
 */
export function isChainable(up: StreamNodeDescriptor, down: StreamNodeDescriptor): boolean {
  return (
    down.inputs.length === 1 &&
    down.inputs[0]!.partitioner === 'forward' &&
    down.inputs[0]!.source === up.id &&
    up.parallelism === down.parallelism &&
    down.kind !== 'source'
  );
}

/**
 * Chains a valid stream graph into a JobGraph.
 * @throws Error when the graph is invalid (call {@link validateStreamGraph} first for messages).
 */
export function buildJobGraph(g: StreamGraphDescriptor): JobGraph {
  const problems = validateStreamGraph(g);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const order = topologicalOrder(g.nodes);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const headOf = new Map<number, number>();
  for (const n of order) {
    const first = n.inputs[0];
    const up = first ? byId.get(first.source) : undefined;
    headOf.set(n.id, up && isChainable(up, n) ? headOf.get(up.id)! : n.id);
  }
  const vertexId = (head: number): string => `v${head}`;
  const chains = new Map<number, number[]>();
  for (const n of order) {
    const head = headOf.get(n.id)!;
    chains.set(head, [...(chains.get(head) ?? []), n.id]);
  }
  const vertices: JobVertex[] = [...chains.entries()].map(([head, ids]) => {
    const headNode = byId.get(head)!;
    return {
      id: vertexId(head),
      name: ids.map((id) => byId.get(id)!.name).join(' -> '),
      parallelism: headNode.parallelism,
      maxParallelism: g.maxParallelism,
      nodeIds: ids,
      isSource: headNode.kind === 'source',
    };
  });
  const edges: JobEdge[] = [];
  for (const n of order) {
    for (const e of n.inputs) {
      const fromHead = headOf.get(e.source)!;
      const toHead = headOf.get(n.id)!;
      if (fromHead === toHead) continue;
      edges.push({
        id: `e${edges.length}`,
        sourceVertex: vertexId(fromHead),
        targetVertex: vertexId(toHead),
        sourceNode: e.source,
        targetNode: n.id,
        partitioner: e.partitioner,
      });
    }
  }
  return {
    jobName: g.jobName,
    maxParallelism: g.maxParallelism,
    checkpointInterval: g.checkpointInterval,
    restartStrategy: effectiveRestartStrategy(g.restartStrategy, g.checkpointInterval > 0),
    vertices,
    edges,
    streamGraph: g,
  };
}

/** A stable fingerprint of a stream graph, to check that every process built the same graph. */
export function streamGraphFingerprint(g: StreamGraphDescriptor): string {
  return JSON.stringify(g);
}
