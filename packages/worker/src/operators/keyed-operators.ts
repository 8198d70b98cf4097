/**
 * Keyed operators: running reduce and KeyedProcessFunction. Each record's key is extracted with
 * the same selector that partitioned the stream, so every key's records meet in one subtask.
 * State lives in the operator's RocksDB backend (see keyed-operator.ts).
 */
import {
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type KeySelector,
  type RuntimeContext,
  type ValueState,
} from '@eddy/api';
import { AbstractKeyedOperator, isThenable, type KeyedStateOptions } from './keyed-operator.js';
import { bindUserFunction } from './stream-operator.js';

/** Name of the reduce operator's own state (Flink: StreamGroupedReduceOperator's `_op_state`). */
const REDUCE_STATE = '_op_state';

/** Running reduce per key: emits the new result for every record (Flink: StreamGroupedReduceOperator). */
export class KeyedReduceOperator extends AbstractKeyedOperator {
  private readonly fn: (a: unknown, b: unknown) => unknown;
  private state: ValueState<unknown> | undefined;

  constructor(id: string, name: string, userFunction: unknown, keySelector: KeySelector<unknown, unknown>, options: KeyedStateOptions) {
    super(id, name, userFunction, keySelector, options);
    this.fn = bindUserFunction(userFunction, 'reduce', name);
  }

  override async open(ctx: RuntimeContext): Promise<void> {
    this.state = this.getState(new ValueStateDescriptor<unknown>(REDUCE_STATE));
    await super.open(ctx);
  }

  processRecord(value: unknown, timestamp: number | undefined, key: unknown): void {
    this.recordsIn++;
    this.backend.setCurrentKey(key);
    const state = this.state!;
    const current = state.value();
    const next = current === undefined ? value : this.fn(current, value);
    state.update(next);
    this.recordsOut++;
    this.output.collect(next, timestamp);
  }
}

/** Runs a KeyedProcessFunction (Flink: KeyedProcessOperator). */
export class KeyedProcessOperator extends AbstractKeyedOperator implements KeyedProcessContext<unknown> {
  private readonly fn: (v: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>) => unknown;
  timestamp: number | undefined;
  private readonly out: Collector<unknown> = {
    collect: (v: unknown) => {
      this.recordsOut++;
      this.output.collect(v, this.timestamp);
    },
  };

  constructor(id: string, name: string, userFunction: unknown, keySelector: KeySelector<unknown, unknown>, options: KeyedStateOptions) {
    super(id, name, userFunction, keySelector, options);
    this.fn = bindUserFunction(userFunction, 'processElement', name);
  }

  getCurrentKey(): unknown {
    return this.backend.getCurrentKey();
  }

  processRecord(value: unknown, timestamp: number | undefined, key: unknown): void | Promise<void> {
    this.recordsIn++;
    this.backend.setCurrentKey(key);
    this.timestamp = timestamp;
    const r = this.fn(value, this, this.out);
    if (isThenable(r)) return Promise.resolve(r).then(() => undefined);
  }
}
