/** Instantiates the runtime operator for a stream node. */
import type { WatermarkStrategy, WindowSpec } from '@eddy/api';
import type { Transformation } from '@eddy/api/internal';
import { SideOutputOperator, TimestampsAndWatermarksOperator } from '../operators/timestamps-operator.js';
import { WindowOperator } from '../operators/window-operator.js';
import { FilterOperator, FlatMapOperator, MapOperator, ProcessOperator } from '../operators/basic-operators.js';
import { KeyedProcessOperator, KeyedReduceOperator } from '../operators/keyed-operators.js';
import { SinkOperator, type SinkServices } from '../operators/sink-operator.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import type { KeyedStateOptions } from '../operators/keyed-operator.js';

/**
 * Creates the operator of a non-source transformation.
 * @throws Error for sources (driven by the task itself) and unknown kinds.
 */
export function createOperator(t: Transformation, sinkServices: SinkServices, keyedState: KeyedStateOptions): StreamOperator {
  const id = String(t.id);
  switch (t.kind) {
    case 'map':
      return new MapOperator(id, t.name, t.userFunction);
    case 'filter':
      return new FilterOperator(id, t.name, t.userFunction);
    case 'flatMap':
      return new FlatMapOperator(id, t.name, t.userFunction);
    case 'process':
      return new ProcessOperator(id, t.name, t.userFunction);
    case 'keyed-reduce':
      return new KeyedReduceOperator(id, t.name, t.userFunction, requireKey(t), keyedState);
    case 'keyed-process':
      return new KeyedProcessOperator(id, t.name, t.userFunction, requireKey(t), keyedState);
    case 'sink':
      if (!t.sink) throw new Error(`sink '${t.name}' has no Sink`);
      return new SinkOperator(id, t.name, t.sink, sinkServices);
    case 'timestamps':
      return new TimestampsAndWatermarksOperator(id, t.name, t.config as WatermarkStrategy<unknown>);
    case 'window':
      return new WindowOperator(id, t.name, t.config as WindowSpec, requireKey(t), keyedState);
    case 'side-output':
      return new SideOutputOperator(id, t.name, undefined);
    case 'source':
      throw new Error('sources are driven by the task, not instantiated as chained operators');
  }
}

function requireKey(t: Transformation): NonNullable<Transformation['keySelector']> {
  if (!t.keySelector) throw new Error(`keyed operator '${t.name}' has no key selector`);
  return t.keySelector;
}
