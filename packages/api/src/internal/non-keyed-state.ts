import type { KeyedStateStore } from '../state.js';

/**
 * The state getters of a function that is not on a keyed stream: each throws an error naming the
 * operator, as Flink's RuntimeContext does outside keyed streams.
 */
export function nonKeyedStateStore(operatorName: string): KeyedStateStore {
  const fail = (): never => {
    throw new Error(`keyed state is only available on a keyed stream (after keyBy); '${operatorName}' is not keyed`);
  };
  return { getState: fail, getListState: fail, getMapState: fail, getReducingState: fail, getAggregatingState: fail };
}
