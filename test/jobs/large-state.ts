/**
 * Keyed state much larger than the state cache: the sequence 0..2·keys-1 keyed by n % keys. The
 * first visit of a key stores a `--value-bytes` string derived from the key; the second visit reads
 * it back and emits `{ k, ok }`, where `ok` says the stored string is exactly the expected one.
 * Args: `--keys N` (default 200000), `--value-bytes B` (default 200), `--rate R` (records/s, default
 * unlimited), `--collect NAME` (default 'out').
 */
import { CollectSink, ValueStateDescriptor, type Collector, type KeyedProcessContext, type KeyedProcessFunction, type RuntimeContext, type StreamExecutionEnvironment, type ValueState } from '@eddy/api';
import { RatedSequenceSource } from './rated-sequence.js';

/** The string stored for key `k`. */
export function valueFor(k: number, bytes: number): string {
  const head = `${k}:`;
  return head + String.fromCharCode(97 + (k % 26)).repeat(Math.max(0, bytes - head.length));
}

class StoreThenCheck implements KeyedProcessFunction<number, number, { k: number; ok: boolean }> {
  private value!: ValueState<string>;

  constructor(private readonly bytes: number) {}

  open(ctx: RuntimeContext): void {
    this.value = ctx.getState(new ValueStateDescriptor<string>('payload'));
  }

  processElement(_n: number, ctx: KeyedProcessContext<number>, out: Collector<{ k: number; ok: boolean }>): void {
    const k = ctx.getCurrentKey();
    const stored = this.value.value();
    if (stored === undefined) this.value.update(valueFor(k, this.bytes));
    else out.collect({ k, ok: stored === valueFor(k, this.bytes) });
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const keys = Number(arg('keys', '200000'));
  const bytes = Number(arg('value-bytes', '200'));
  const rate = Number(arg('rate', '0'));
  env.setParallelism(1);
  const to = 2 * keys - 1;
  const source = rate > 0 ? env.fromSource(new RatedSequenceSource(0, to, rate), 'Rated Sequence') : env.fromSequence(0, to);
  source
    .keyBy((n) => n % keys)
    .process(new StoreThenCheck(bytes))
    .uid('store-then-check')
    .sinkTo(new CollectSink<{ k: number; ok: boolean }>(arg('collect', 'out')))
    .name('collect');
};
