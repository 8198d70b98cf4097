/**
 * Keyed running count and sum over fromSequence(0, to): one output per input record, as Flink's
 * running reduce does. Args: `--to N` (default 999999), `--keys K` (default 1000),
 * `--out DIR` (FileSink) or `--collect NAME` (CollectSink), `--parallelism P` (default 4),
 * `--checkpoint MS` (checkpoint interval; default off), `--rate R` (at most R source records per
 * second in total; default unlimited), `--restart-delay MS` (fixed-delay restarts, up to 100),
 * `--min-pause MS` (minimum pause between checkpoints).
 */
import { CollectSink, FileSink, RestartStrategies, type StreamExecutionEnvironment } from '@eddy/api';
import { RatedSequenceSource } from './rated-sequence.js';

interface Count {
  k: number;
  c: number;
  s: number;
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const to = Number(arg('to', '999999'));
  const keys = Number(arg('keys', '1000'));
  env.setParallelism(Number(arg('parallelism', '4')));
  const checkpointMs = Number(arg('checkpoint', '0'));
  if (checkpointMs > 0) env.enableCheckpointing(checkpointMs);
  const minPause = Number(arg('min-pause', '0'));
  if (minPause > 0) env.getCheckpointConfig().setMinPauseBetweenCheckpoints(minPause);
  const restartDelay = Number(arg('restart-delay', '0'));
  if (restartDelay > 0) env.setRestartStrategy(RestartStrategies.fixedDelayRestart(100, restartDelay));
  const rate = Number(arg('rate', '0'));
  const source = rate > 0 ? env.fromSource(new RatedSequenceSource(0, to, rate), 'Rated Sequence') : env.fromSequence(0, to);
  const counts = source
    .map((n): Count => ({ k: n % keys, c: 1, s: n }))
    .name('to-count')
    .keyBy((r) => r.k)
    .reduce((a, b) => ({ k: a.k, c: a.c + b.c, s: a.s + b.s }))
    .uid('running-count');
  const out = arg('out', '');
  if (out) counts.sinkTo(new FileSink<Count>({ path: out })).name('files');
  else counts.sinkTo(new CollectSink<Count>(arg('collect', 'out'))).name('collect');
};
