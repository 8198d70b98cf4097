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
    // Token bucket refilled every 10 ms; capacity of one refill so bursts stay small.
    const refill = perSecond / 100;
    let tokens = refill;
    let lastRefill = Date.now();
    const top = (): void => {
      const now = Date.now();
      const ticks = Math.floor((now - lastRefill) / 10);
      if (ticks > 0) {
        tokens = Math.min(refill, tokens + ticks * refill);
        lastRefill += ticks * 10;
      }
    };
    return {
      write() {
        tokens--;
      },
      isReady() {
        top();
        return tokens > 0;
      },
      ready() {
        return new Promise((resolve) => setTimeout(resolve, 10 - ((Date.now() - lastRefill) % 10))).then(top);
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
