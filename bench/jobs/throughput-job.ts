/**
 * Throughput benchmark job: `fromSequence(0, N-1) → map → filter → keyBy → map → DiscardingSink`.
 * Argument: `--events N` (default 25 000 000). Parallelism comes from the submission.
 */
import { DiscardingSink, type StreamExecutionEnvironment } from '@eddy/api';
import { enrich, keep, keyOf, toEvent, type BenchEvent } from './pipeline.js';

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const i = args.indexOf('--events');
  const events = i >= 0 ? Number(args[i + 1]) : 25_000_000;
  if (!Number.isSafeInteger(events) || events < 1) throw new Error(`--events must be a positive integer, got ${args[i + 1]}`);
  env.setJobName('bench-throughput');
  env
    .fromSequence(0, events - 1)
    .map(toEvent)
    .filter(keep)
    .keyBy(keyOf)
    .map(enrich)
    .sinkTo(new DiscardingSink<BenchEvent>())
    .name('Discarding Sink');
};
