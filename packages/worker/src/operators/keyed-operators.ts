/**
 * Keyed operators: running reduce and KeyedProcessFunction. Each record's key is extracted with
 * the same selector that partitioned the stream, so every key's records meet in one subtask.
 * State lives in the operator's RocksDB backend (see keyed-operator.ts).
 */
import {
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type TimeDomain,
  type TimerService,
  type KeySelector,
  type RuntimeContext,
  type ValueState,
} from '@eddy/api';
import { AbstractKeyedOperator, isThenable, type KeyedStateOptions, type PreparedEntry } from './keyed-operator.js';
import { bindUserFunction, checkTag } from './stream-operator.js';
import type { Timer } from './timer-heap.js';
import { TimerDomain, type InternalTimerService } from './timer-service.js';

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

  processRecord(value: unknown, timestamp: number | undefined, key: unknown, entry: PreparedEntry): void {
    this.recordsIn++;
    this.enterKey(key, entry);
    const state = this.state!;
    const current = state.value();
    const next = current === undefined ? value : this.fn(current, value);
    state.update(next);
    this.recordsOut++;
    this.output.collect(next, timestamp);
  }
}

/** Runs a KeyedProcessFunction (Flink: KeyedProcessOperator). */
export class KeyedProcessOperator extends AbstractKeyedOperator {
  private readonly fn: (v: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>) => unknown;
  private readonly onTimerFn: ((ts: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => unknown) | undefined;
  /** Timestamp of the current record, or of the firing event-time timer. */
  private timestamp: number | undefined;
  private domain: TimeDomain = 'EVENT_TIME';
  private readonly out: Collector<unknown> = {
    collect: (v: unknown) => {
      this.recordsOut++;
      this.output.collect(v, this.timestamp);
    },
  };
  private readonly timerServiceView: TimerService;
  private readonly ctx: OnTimerContext<unknown>;

  constructor(id: string, name: string, userFunction: unknown, keySelector: KeySelector<unknown, unknown>, options: KeyedStateOptions) {
    super(id, name, userFunction, keySelector, options);
    this.fn = bindUserFunction(userFunction, 'processElement', name);
    const f = userFunction as { onTimer?: unknown };
    this.onTimerFn =
      typeof f.onTimer === 'function'
        ? (f.onTimer as (ts: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => unknown).bind(userFunction)
        : undefined;
    // The context's getters read the operator's per-record fields; `this` inside them is the context.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const op = this;
    const service = (): InternalTimerService => {
      if (this.timers === undefined)
        throw new Error(`'${name}' registers timers but its KeyedProcessFunction has no onTimer method to receive them`);
      return this.timers;
    };
    this.timerServiceView = {
      currentProcessingTime: () => Date.now(),
      currentWatermark: () => op.currentWatermark,
      registerEventTimeTimer: (t) => service().register(TimerDomain.EventTime, t),
      registerProcessingTimeTimer: (t) => service().register(TimerDomain.ProcessingTime, t),
      deleteEventTimeTimer: (t) => service().delete(TimerDomain.EventTime, t),
      deleteProcessingTimeTimer: (t) => service().delete(TimerDomain.ProcessingTime, t),
    };
    this.ctx = {
      get timestamp() {
        return op.timestamp;
      },
      getCurrentKey: () => this.backend.getCurrentKey(),
      timerService: () => this.timerServiceView,
      output: (tag, value) => this.emitSide(checkTag(tag), value, this.timestamp),
      timeDomain: () => this.domain,
    };
  }

  protected override usesTimers(): boolean {
    return this.onTimerFn !== undefined;
  }

  processRecord(value: unknown, timestamp: number | undefined, key: unknown, entry: PreparedEntry): void | Promise<void> {
    this.recordsIn++;
    this.enterKey(key, entry);
    this.timestamp = timestamp;
    const r = this.fn(value, this.ctx, this.out);
    if (isThenable(r)) return Promise.resolve(r).then(() => undefined);
  }

  protected override onTimer(timer: Timer, domain: TimerDomain): void | Promise<void> {
    // Flink: output of an event-time timer carries the timer's time; of a processing-time one, none.
    this.timestamp = domain === TimerDomain.EventTime ? timer.time : undefined;
    this.domain = domain === TimerDomain.EventTime ? 'EVENT_TIME' : 'PROCESSING_TIME';
    const r = this.onTimerFn!(timer.time, this.ctx, this.out);
    if (isThenable(r)) return Promise.resolve(r).then(() => undefined);
  }
}
