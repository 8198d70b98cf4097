/** Fails in a map function after `--after N` records (default 1000), for lifecycle tests. */
import { DiscardingSink, type StreamExecutionEnvironment } from '@eddy/api';

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const i = args.indexOf('--after');
  const after = i >= 0 ? Number(args[i + 1]) : 1000;
  env.setParallelism(2);
  env
    .fromSequence(0, 10_000_000)
    .map((n) => {
      if (n === after) throw new Error(`boom at record ${n}`);
      return n;
    })
    .name('exploding-map')
    .sinkTo(new DiscardingSink<number>());
};
