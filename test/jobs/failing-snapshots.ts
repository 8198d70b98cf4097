/**
 * A paced bounded source whose snapshots fail at its first checkpoints, into an exactly-once
 * FileSink: for the tolerable-checkpoint-failure tests. One source subtask emits 0 … N-1 at
 * `--rate R` records per second; its reader's `snapshotState` throws at the first `--fail-first F`
 * checkpoints. Args: `--records N` (default 3000), `--rate R` (default 3000), `--fail-first F`,
 * `--tolerable T` (omitted: the default), `--checkpoint MS` (default 100), `--out DIR`.
 * The job never restarts, so a job failure ends it.
 */
import { FileSink, RestartStrategies, type Source, type SourceReader, type SourceSplit, type StreamExecutionEnvironment } from '@eddy/api';
import { jobArg } from './job-args.js';

interface CountingSplit extends SourceSplit {
  next: number;
}

class FailingSnapshotSource implements Source<number, CountingSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(
    private readonly records: number,
    private readonly perSecond: number,
    private readonly failFirst: number,
  ) {}

  createSplits(): CountingSplit[] {
    return [{ splitId: '0', next: 0 }];
  }

  createReader(): SourceReader<number, CountingSplit> {
    const { records, perSecond, failFirst } = this;
    let split: CountingSplit | undefined;
    let start: number | undefined;
    let snapshots = 0;
    return {
      addSplits(s) {
        split = s[0] ? { ...s[0] } : undefined;
      },
      pollNext(out) {
        if (!split || split.next >= records) return 'END_OF_INPUT';
        start ??= Date.now();
        const due = Math.min(records, Math.floor(((Date.now() - start) * perSecond) / 1000));
        while (split.next < due) out.collect(split.next++);
        return split.next >= records ? 'END_OF_INPUT' : 'NOTHING_AVAILABLE';
      },
      isAvailable: () => new Promise((resolve) => setTimeout(resolve, 5)),
      snapshotState: () => {
        snapshots++;
        if (snapshots <= failFirst) throw new Error(`injected snapshot failure ${snapshots} of ${failFirst}`);
        return split ? [{ ...split }] : [];
      },
    };
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const arg = (name: string): string | undefined => jobArg(args, name);
  const out = arg('out');
  if (out === undefined) throw new Error('--out DIR is required');
  env.setParallelism(1);
  env.enableCheckpointing(Number(arg('checkpoint') ?? '100'));
  env.setRestartStrategy(RestartStrategies.noRestart());
  const tolerable = arg('tolerable');
  if (tolerable !== undefined) env.getCheckpointConfig().setTolerableCheckpointFailureNumber(Number(tolerable));
  env
    .fromSource(new FailingSnapshotSource(Number(arg('records') ?? '3000'), Number(arg('rate') ?? '3000'), Number(arg('fail-first') ?? '0')), 'failing-snapshots')
    .sinkTo(new FileSink<number>({ path: out }));
};
