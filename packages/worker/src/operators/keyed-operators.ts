/**
 * Keyed operators: running reduce and KeyedProcessFunction. Each record's key is extracted with
 * the same selector that partitioned the stream, so every key's records meet in one subtask.
 * State lives in a {@link HeapKeyedState}.
 */
import type { Collector, KeyedProcessContext, KeySelector } from '@eddy/api';
import { assignToKeyGroup } from '@eddy/common';
import { readHeapSnapshot, writeHeapSnapshot, type HeapKeyedState } from '../state/keyed-state-store.js';
import type { OperatorSnapshot, StateInitializationContext } from './operator-state.js';
import { StreamOperator, bindUserFunction } from './stream-operator.js';

/** Running reduce per key: emits the new result for every record (Flink: StreamGroupedReduceOperator). */
export class KeyedReduceOperator extends StreamOperator {
  private readonly fn: (a: unknown, b: unknown) => unknown;

  constructor(
    id: string,
    name: string,
    userFunction: unknown,
    private readonly keySelector: KeySelector<unknown, unknown>,
    private readonly state: HeapKeyedState,
  ) {
    super(id, name, userFunction);
    this.fn = bindUserFunction(userFunction, 'reduce', name);
  }

  override async initializeState(ctx: StateInitializationContext): Promise<void> {
    const { start, end } = ctx.keyGroupRange;
    const keep = (key: unknown): boolean => {
      const g = assignToKeyGroup(key, ctx.maxParallelism);
      return g >= start && g <= end;
    };
    for (const f of ctx.restored?.keyed ?? []) this.state.restore(await readHeapSnapshot(f), keep);
  }

  override snapshotState(): OperatorSnapshot {
    const data = this.state.snapshot();
    return { keyed: { writeTo: (file) => writeHeapSnapshot(file, data), discard: () => undefined } };
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    const key = this.keySelector(value);
    const current = this.state.get(key);
    const next = current === undefined ? value : this.fn(current, value);
    this.state.put(key, next);
    this.recordsOut++;
    this.output.collect(next, timestamp);
  }
}

/** Runs a KeyedProcessFunction (Flink: KeyedProcessOperator). */
export class KeyedProcessOperator extends StreamOperator implements KeyedProcessContext<unknown> {
  private readonly fn: (v: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>) => void;
  private currentKey: unknown;
  timestamp: number | undefined;
  private readonly out: Collector<unknown>;

  constructor(
    id: string,
    name: string,
    userFunction: unknown,
    private readonly keySelector: KeySelector<unknown, unknown>,
  ) {
    super(id, name, userFunction);
    this.fn = bindUserFunction(userFunction, 'processElement', name);
    this.out = {
      collect: (v: unknown) => {
        this.recordsOut++;
        this.output.collect(v, this.timestamp);
      },
    };
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    this.currentKey = this.keySelector(value);
    this.timestamp = timestamp;
    this.fn(value, this, this.out);
  }
}
