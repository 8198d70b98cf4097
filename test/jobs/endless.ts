/**
 * An unbounded job (never finishes by itself), for cancel and worker-loss tests.
 * Args: `--parallelism P` (default 2), `--print`.
 */
import { DiscardingSink, type Source, type SourceReader, type SourceSplit, type StreamExecutionEnvironment } from '@eddy/api';

const ticks: Source<number, SourceSplit> = {
  boundedness: 'CONTINUOUS_UNBOUNDED',
  createSplits: (p) => Array.from({ length: p }, (_v, i) => ({ splitId: String(i) })),
  createReader(): SourceReader<number, SourceSplit> {
    let n = 0;
    return {
      addSplits() {},
      pollNext(out) {
        out.collect(n++);
        return n % 100 === 0 ? 'NOTHING_AVAILABLE' : 'MORE_AVAILABLE';
      },
      isAvailable: () => new Promise((r) => setTimeout(r, 5)),
      snapshotState: () => [],
    };
  },
};

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const i = args.indexOf('--parallelism');
  env.setParallelism(i >= 0 ? Number(args[i + 1]) : 2);
  const numbers = env.fromSource(ticks, 'ticks').keyBy((n) => n % 10).map((n) => n);
  numbers.sinkTo(new DiscardingSink<number>());
  // `--print`: a sign of life on stdout, one line per 1000 records of each subtask.
  if (args.includes('--print')) numbers.filter((n) => n % 1000 === 0).print();
};
