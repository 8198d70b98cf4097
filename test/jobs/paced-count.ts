/**
 * A keyed running count over an unbounded, paced source, into a FileSink: for exactly-once sink
 * tests, whose committed output must stay small. Source subtask i emits i, i + P, i + 2P, … at
 * `--rate R` records per second (default 2000); each output is `{ k, c }`, the running count `c`
 * of key `k = n % keys`. Args: `--rate R`, `--keys K` (default 100), `--out DIR`,
 * `--parallelism P` (default 2), `--checkpoint MS` (default off).
 */
import { FileSink, type Source, type SourceReader, type SourceSplit, type StreamExecutionEnvironment } from '@eddy/api';

interface PacedSplit extends SourceSplit {
  /** Next number this split emits. */
  next: number;
  readonly step: number;
}

class PacedSource implements Source<number, PacedSplit> {
  readonly boundedness = 'CONTINUOUS_UNBOUNDED';

  constructor(private readonly perSecond: number) {}

  createSplits(parallelism: number): PacedSplit[] {
    return Array.from({ length: parallelism }, (_v, i) => ({ splitId: String(i), next: i, step: parallelism }));
  }

  createReader(): SourceReader<number, PacedSplit> {
    const perSecond = this.perSecond;
    let split: PacedSplit | undefined;
    let start: number | undefined;
    let emitted = 0;
    return {
      addSplits(s) {
        split = s[0] ? { ...s[0] } : undefined;
      },
      pollNext(out) {
        if (!split) return 'END_OF_INPUT';
        start ??= Date.now();
        const due = Math.floor(((Date.now() - start) * perSecond) / 1000) - emitted;
        for (let i = 0; i < Math.min(due, 100); i++, emitted++) {
          out.collect(split.next);
          split.next += split.step;
        }
        return due > 100 ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
      },
      isAvailable: () => new Promise((resolve) => setTimeout(resolve, 5)),
      snapshotState: () => (split ? [{ ...split }] : []),
    };
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const keys = Number(arg('keys', '100'));
  env.setParallelism(Number(arg('parallelism', '2')));
  const checkpointMs = Number(arg('checkpoint', '0'));
  if (checkpointMs > 0) env.enableCheckpointing(checkpointMs);
  env
    .fromSource(new PacedSource(Number(arg('rate', '2000'))), 'paced')
    .map((n) => ({ k: n % keys, c: 1 }))
    .keyBy((r) => r.k)
    .reduce((a, b) => ({ k: a.k, c: a.c + b.c }))
    .uid('running-count')
    .sinkTo(new FileSink<{ k: number; c: number }>({ path: arg('out', '/tmp/eddy-paced-count') }))
    .name('files');
};
