/**
 * Backpressure: a fast unbounded source, a keyBy across workers and a deliberately slow sink that
 * takes at most `--rate R` records per second per subtask (default 5000). The sink says it is not
 * ready when its budget is spent, which must stop the source through credit-based flow control.
 */
import type { Sink, SinkWriter, Source, SourceReader, SourceSplit, StreamExecutionEnvironment } from '@eddy/api';
import { DiscardingSink } from '@eddy/api';

interface CounterSplit extends SourceSplit {
  next: number;
}

class EndlessSource implements Source<number, CounterSplit> {
  readonly boundedness = 'CONTINUOUS_UNBOUNDED';

  createSplits(parallelism: number): CounterSplit[] {
    return Array.from({ length: parallelism }, (_v, i) => ({ splitId: String(i), next: 0 }));
  }

  createReader(): SourceReader<number, CounterSplit> {
    let split: CounterSplit | undefined;
    return {
      addSplits(s) {
        split = s[0] ? { ...s[0] } : undefined;
      },
      pollNext(out) {
        if (!split) return 'END_OF_INPUT';
        for (let i = 0; i < 1000; i++) out.collect(split.next++);
        return 'MORE_AVAILABLE';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => (split ? [{ ...split }] : []),
    };
  }
}

class SlowSink implements Sink<number> {
  constructor(private readonly perSecond: number) {}

  createWriter(): SinkWriter<number> {
    const perSecond = this.perSecond;
    // A schedule, not a bucket: by time t the sink has taken at most perSecond × t records, so its
    // long-run rate is exact. It starts with the first readiness check.
    let start: number | undefined;
    let written = 0;
    const allowed = (): number => {
      start ??= Date.now();
      return Math.floor(((Date.now() - start) * perSecond) / 1000) - written;
    };
    return {
      write() {
        written++;
      },
      isReady() {
        return allowed() > 0;
      },
      ready() {
        // Wake up when the next record is due (at least 1 ms from now).
        const dueInMs = Math.max(1, Math.ceil((1000 * (1 - allowed())) / perSecond));
        return new Promise((resolve) => setTimeout(resolve, dueInMs));
      },
      flush() {},
    };
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const i = args.indexOf('--rate');
  const rate = i >= 0 ? Number(args[i + 1]) : 5000;
  env.setParallelism(2);
  const slow = env
    .fromSource(new EndlessSource(), 'endless')
    .keyBy((n) => n % 97)
    .map((n) => n + 1);
  slow.sinkTo(new SlowSink(rate)).name('slow-sink');
  // A second, discarding branch must not let the slow one fall behind unnoticed.
  slow.filter(() => false).sinkTo(new DiscardingSink<number>()).name('discard');
};
