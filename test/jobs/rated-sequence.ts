/**
 * `fromSequence` at a bounded rate: the integers from..to split into one range per subtask, each
 * subtask emitting at most `perSecond / parallelism` numbers per second on a schedule. Splits carry
 * their position, so a restored reader resumes exactly at the checkpointed number.
 */
import type { ReaderOutput, SequenceSplit, Source, SourceReader } from '@eddy/api';
import { NumberSequenceSource } from '@eddy/api';

export class RatedSequenceSource implements Source<number, SequenceSplit> {
  readonly boundedness = 'BOUNDED';
  private readonly splitter: NumberSequenceSource;

  constructor(
    from: number,
    to: number,
    private readonly perSecond: number,
  ) {
    this.splitter = new NumberSequenceSource(from, to);
  }

  createSplits(parallelism: number): SequenceSplit[] {
    return this.splitter.createSplits(parallelism);
  }

  createReader(ctx: { parallelism: number }): SourceReader<number, SequenceSplit> {
    const rate = this.perSecond / ctx.parallelism;
    const splits: SequenceSplit[] = [];
    let start: number | undefined;
    let emitted = 0;
    return {
      addSplits(s) {
        for (const x of s) splits.push({ ...x });
      },
      pollNext(out: ReaderOutput<number>) {
        const split = splits[0];
        if (!split) return 'END_OF_INPUT';
        start ??= Date.now();
        const budget = Math.min(1000, Math.floor(((Date.now() - start) * rate) / 1000) - emitted);
        if (budget <= 0) return 'NOTHING_AVAILABLE';
        const end = Math.min(split.to, split.next + budget - 1);
        for (let n = split.next; n <= end; n++) out.collect(n);
        emitted += end - split.next + 1;
        split.next = end + 1;
        if (split.next > split.to) splits.shift();
        return splits.length > 0 ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
      },
      isAvailable: () => new Promise((resolve) => setTimeout(resolve, 5)),
      snapshotState: () => splits.map((x) => ({ ...x })),
    };
  }
}
