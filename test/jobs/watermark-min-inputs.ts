/**
 * A keyed process function with two inputs, sources A and B (each non-parallel, scripted, see
 * watermark-scripted-source.ts), at parallelism 1: its watermark is the minimum over both. It
 * prints every record with the watermark it sees, registers an event-time timer at the record's
 * timestamp, and prints every timer with the watermark that fired it. Args: `--control DIR`;
 * the gates are A0, A1, A-end, B0, B1, B-end. Output: CollectSink `out`.
 */
import { CollectSink, type KeyedProcessFunction, type StreamExecutionEnvironment } from '@eddy/api';
import { requiredArg, scriptedStream, showWatermark, type ScriptData } from './watermark-scripted-source.js';

const probe: KeyedProcessFunction<string, ScriptData, string> = {
  processElement(e, ctx, out) {
    out.collect(`rec ${e.src} ${e.ts} wm=${showWatermark(ctx.timerService().currentWatermark())}`);
    ctx.timerService().registerEventTimeTimer(e.ts);
  },
  onTimer(t, ctx, out) {
    out.collect(`timer ${t} wm=${showWatermark(ctx.timerService().currentWatermark())}`);
  },
};

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const controlDir = requiredArg(args, 'control');
  env.setParallelism(1);
  const data = (src: string, ts: number): ScriptData => ({ kind: 'data', src, ts });
  const a = scriptedStream(env, 'A', {
    controlDir,
    steps: [
      // The trailing record shows the watermark after the mark.
      { gate: 'A0', items: [data('A', 100), { kind: 'mark', wm: 150 }, data('A', 101)] },
      { gate: 'A1', items: [{ kind: 'mark', wm: 300 }, data('A', 301)] },
    ],
    endGate: 'A-end',
  });
  const b = scriptedStream(env, 'B', {
    controlDir,
    steps: [
      { gate: 'B0', items: [data('B', 120), { kind: 'mark', wm: 110 }, data('B', 121)] },
      { gate: 'B1', items: [{ kind: 'mark', wm: 250 }, data('B', 251)] },
    ],
    endGate: 'B-end',
  });
  a.union(b)
    .keyBy(() => 'one')
    .process(probe)
    .name('probe')
    .sinkTo(new CollectSink<string>('out'));
};
