/**
 * Every kind of keyed state in one KeyedProcessFunction, over a single ordered source so that each
 * key sees its numbers in ascending order and the output is a plain function of the input:
 * per record n of key k = n % keys it emits
 * - `c`: ValueState count of the key's records so far,
 * - `last`: ListState of the key's last three numbers (add, then update to trim),
 * - `b`: MapState bucket (n % 5) → count; emitted as this bucket's count and the number of buckets,
 * - `s`: ReducingState sum, `a`: AggregatingState mean (sum/count accumulator), `mx`: a max kept by
 *   an asynchronous read (`await`) so that async user functions are exercised too.
 * Args: `--to N`, `--keys K`, `--parallelism P` (keyed operator; default 4), `--checkpoint MS`,
 * `--rate R`, `--out DIR` (FileSink) or `--collect NAME` (CollectSink).
 */
import {
  AggregatingStateDescriptor,
  CollectSink,
  FileSink,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  type AggregatingState,
  type Collector,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type ListState,
  type MapState,
  type ReducingState,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type ValueState,
} from '@eddy/api';
import { RatedSequenceSource } from './rated-sequence.js';

/** One output record; see the module comment. */
export interface StateKindsRecord {
  k: number;
  n: number;
  c: number;
  last: number[];
  b: [number, number];
  s: number;
  a: number;
  mx: number;
}

class AllStates implements KeyedProcessFunction<number, number, StateKindsRecord> {
  private count!: ValueState<number>;
  private last!: ListState<number>;
  private buckets!: MapState<number, number>;
  private sum!: ReducingState<number>;
  private mean!: AggregatingState<number, number>;
  private max!: ValueState<{ v: number }>;

  constructor(private readonly keys: number) {}

  open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
    this.last = ctx.getListState(new ListStateDescriptor<number>('last'));
    this.buckets = ctx.getMapState(new MapStateDescriptor<number, number>('buckets'));
    this.sum = ctx.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
    this.mean = ctx.getAggregatingState(
      new AggregatingStateDescriptor<number, { s: number; c: number }, number>('mean', {
        createAccumulator: () => ({ s: 0, c: 0 }),
        add: (v, acc) => ({ s: acc.s + v, c: acc.c + 1 }),
        getResult: (acc) => acc.s / acc.c,
      }),
    );
    this.max = ctx.getState(new ValueStateDescriptor<{ v: number }>('max'));
  }

  async processElement(n: number, ctx: KeyedProcessContext<number>, out: Collector<StateKindsRecord>): Promise<void> {
    const k = ctx.getCurrentKey();
    if (k !== n % this.keys) throw new Error(`current key ${k} is not the record's key ${n % this.keys}`);
    const c = (this.count.value() ?? 0) + 1;
    this.count.update(c);
    this.last.add(n);
    const list = this.last.get();
    if (list.length > 3) this.last.update(list.slice(-3));
    const bucket = n % 5;
    this.buckets.put(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.sum.add(n);
    this.mean.add(n);
    // The continuation after an await must still see this record's key.
    // eslint-disable-next-line @typescript-eslint/await-thenable -- users may await accessors; that must work
    const prev = await this.max.value();
    await Promise.resolve();
    this.max.update({ v: Math.max(prev?.v ?? -1, n) });
    out.collect({
      k,
      n,
      c,
      last: this.last.get(),
      b: [this.buckets.get(bucket)!, this.buckets.keys().length],
      s: this.sum.get()!,
      a: this.mean.get()!,
      mx: this.max.value()!.v,
    });
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const to = Number(arg('to', '99999'));
  const keys = Number(arg('keys', '100'));
  const checkpointMs = Number(arg('checkpoint', '0'));
  if (checkpointMs > 0) env.enableCheckpointing(checkpointMs);
  const rate = Number(arg('rate', '0'));
  const source = (rate > 0 ? env.fromSource(new RatedSequenceSource(0, to, rate), 'Rated Sequence') : env.fromSequence(0, to))
    .setParallelism(1);
  const results = source
    .keyBy((n) => n % keys)
    .process(new AllStates(keys))
    .uid('all-states')
    .setParallelism(Number(arg('parallelism', '4')));
  const out = arg('out', '');
  if (out) results.sinkTo(new FileSink<StateKindsRecord>({ path: out })).name('files').setParallelism(Number(arg('parallelism', '4')));
  else results.sinkTo(new CollectSink<StateKindsRecord>(arg('collect', 'out'))).name('collect');
};
