import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildJobGraph, findCycle, validateStreamGraph } from './job-graph.js';
import type { PartitionerKind, StreamGraphDescriptor, StreamNodeDescriptor } from './stream-graph.js';

function node(
  id: number,
  kind: StreamNodeDescriptor['kind'],
  parallelism: number,
  inputs: Array<[number, PartitionerKind]> = [],
  uid?: string,
): StreamNodeDescriptor {
  return {
    id,
    kind,
    name: `${kind}-${id}`,
    uid,
    parallelism,
    inputs: inputs.map(([source, partitioner]) => ({ source, partitioner })),
    bounded: kind === 'source',
  };
}

function graph(nodes: StreamNodeDescriptor[], maxParallelism = 128): StreamGraphDescriptor {
  return { jobName: 't', maxParallelism, checkpointInterval: 0, nodes };
}

test('source -> map -> filter chain; keyBy breaks the chain', () => {
  const g = graph([
    node(0, 'source', 2),
    node(1, 'map', 2, [[0, 'forward']]),
    node(2, 'filter', 2, [[1, 'forward']]),
    node(3, 'map', 2, [[2, 'hash']]),
    node(4, 'sink', 2, [[3, 'forward']]),
  ]);
  const jg = buildJobGraph(g);
  assert.deepEqual(
    jg.vertices.map((v) => [v.id, v.nodeIds]),
    [
      ['v0', [0, 1, 2]],
      ['v3', [3, 4]],
    ],
  );
  assert.equal(jg.vertices[0]!.name, 'source-0 -> map-1 -> filter-2');
  assert.deepEqual(jg.edges, [
    { id: 'e0', sourceVertex: 'v0', targetVertex: 'v3', sourceNode: 2, targetNode: 3, partitioner: 'hash' },
  ]);
});

test('rebalance and parallelism changes break chains; unions are not chained', () => {
  const g = graph([
    node(0, 'source', 1),
    node(1, 'map', 4, [[0, 'rebalance']]),
    node(2, 'source', 4),
    node(3, 'map', 4, [
      [1, 'forward'],
      [2, 'forward'],
    ]),
    node(4, 'sink', 4, [[3, 'forward']]),
  ]);
  const jg = buildJobGraph(g);
  assert.deepEqual(
    jg.vertices.map((v) => v.nodeIds),
    [[0], [1], [2], [3, 4]],
  );
  assert.equal(jg.edges.length, 3);
  assert.deepEqual(
    jg.edges.map((e) => [e.sourceVertex, e.targetVertex, e.partitioner]),
    [
      ['v0', 'v1', 'rebalance'],
      ['v1', 'v3', 'forward'],
      ['v2', 'v3', 'forward'],
    ],
  );
});

test('fan-out chains every forward successor', () => {
  const g = graph([node(0, 'source', 2), node(1, 'sink', 2, [[0, 'forward']]), node(2, 'sink', 2, [[0, 'forward']])]);
  assert.deepEqual(buildJobGraph(g).vertices.map((v) => v.nodeIds), [[0, 1, 2]]);
});

test('validation reports every problem a user can make', () => {
  assert.match(validateStreamGraph(graph([])).join(), /empty/);
  assert.match(
    validateStreamGraph(graph([node(0, 'source', 1, [], 'a'), node(1, 'sink', 1, [[0, 'forward']], 'a')])).join(),
    /duplicate uid 'a'/,
  );
  assert.match(
    validateStreamGraph(graph([node(0, 'source', 200), node(1, 'sink', 200, [[0, 'forward']])])).join(),
    /parallelism 200, greater than the max parallelism 128/,
  );
  assert.match(
    validateStreamGraph(graph([node(0, 'source', 1), node(1, 'map', 1, [[2, 'forward']]), node(2, 'map', 1, [[1, 'forward']])])).join(),
    /cycle: map-1 -> map-2 -> map-1|cycle: map-2 -> map-1 -> map-2/,
  );
  assert.match(validateStreamGraph(graph([node(0, 'map', 1)])).join(), /has no input/);
  assert.match(validateStreamGraph(graph([node(0, 'source', 1), node(1, 'sink', 2, [[0, 'forward']])])).join(), /needs equal parallelism/);
  assert.match(validateStreamGraph(graph([node(0, 'source', 1), node(1, 'sink', 1, [[7, 'forward']])])).join(), /unknown node 7/);
  assert.throws(() => buildJobGraph(graph([])), /empty/);
});

test('findCycle on acyclic and self-loop graphs', () => {
  assert.equal(findCycle([node(0, 'source', 1), node(1, 'sink', 1, [[0, 'forward']])]), undefined);
  assert.deepEqual(findCycle([node(0, 'map', 1, [[0, 'forward']])]), [0, 0]);
});
