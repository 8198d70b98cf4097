/**
 * Checkpointing-overhead job: `fromSequence(0, N-1) → map → keyBy → reduce (running count) →
 * DiscardingSink`, with many distinct keys so that the keyed state is large enough for its
 * snapshots to cost something.
 *
 * Arguments: `--events N` (default 6 000 000), `--keys K` (default 1 000 000),
 * `--checkpoint-interval MS` (default 0: checkpointing off).
 */
import { DiscardingSink, RestartStrategies, type StreamExecutionEnvironment } from '@eddy/api';
import { intArg } from './job-args.js';

/** The running count of one key. */
export interface KeyCount {
  readonly k: number;
  readonly c: number;
}

/** Operator name of the reduce, to find its counters in the job status. */
export const COUNT_OPERATOR = 'Running Count';
/** Operator name of the sink. */
export const COUNT_SINK = 'Discarding Sink';

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const events = intArg(args, 'events', 6_000_000);
  const keys = intArg(args, 'keys', 1_000_000);
  const interval = intArg(args, 'checkpoint-interval', 0, 0);
  env.setJobName('bench-keyed-count');
  if (interval > 0) env.enableCheckpointing(interval);
  // A throughput run that fails must fail the bench, not restart and stretch the measurement.
  env.setRestartStrategy(RestartStrategies.noRestart());
  env
    .fromSequence(0, events - 1)
    .map((n: number): KeyCount => ({ k: n % keys, c: 1 }))
    .keyBy((r) => r.k)
    .reduce((a, b) => ({ k: a.k, c: a.c + b.c }))
    .name(COUNT_OPERATOR)
    .uid('running-count')
    .sinkTo(new DiscardingSink<KeyCount>())
    .name(COUNT_SINK);
};
