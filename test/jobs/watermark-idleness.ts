/**
 * Tumbling 10 ms event-time windows over two scripted sources (see watermark-scripted-source.ts)
 * at parallelism 1: A advances in two steps; B emits one record, then nothing, and ends only when
 * told. Each window prints its bounds, its count and the watermark that fired it. Args:
 * `--control DIR` (gates A1, A-end, B-end), `--idleness MS` (both sources idle after MS without
 * records), `--silent` (B emits no record at all), `--probe` (a keyed process function on the
 * same inputs also prints every record with the watermark it sees). Output: CollectSink
 * `windows`, and `probe`.
 */
import { CollectSink, TumblingEventTimeWindows, type StreamExecutionEnvironment } from '@eddy/api';
import { requiredArg, scriptedStream, showWatermark, type ScriptData } from './watermark-scripted-source.js';

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const controlDir = requiredArg(args, 'control');
  const i = args.indexOf('--idleness');
  const idlenessMs = i >= 0 ? Number(args[i + 1]) : undefined;
  env.setParallelism(1);
  const data = (ts: number): ScriptData => ({ kind: 'data', src: 'A', ts });
  const idleness = idlenessMs !== undefined ? { idlenessMs } : {};
  const a = scriptedStream(env, 'A', {
    controlDir,
    steps: [
      { items: [data(3), data(12), data(25), { kind: 'mark', wm: 24 }, data(26)] },
      { gate: 'A1', items: [data(31), data(47), { kind: 'mark', wm: 45 }, data(46)] },
    ],
    endGate: 'A-end',
    ...idleness,
  });
  const silent = args.includes('--silent');
  const b = scriptedStream(env, 'B', {
    controlDir,
    steps: silent ? [] : [{ items: [{ kind: 'data', src: 'B', ts: 5 }] }],
    endGate: 'B-end',
    ...idleness,
  });
  const both = a.union(b).keyBy(() => 'one');
  both
    .window(TumblingEventTimeWindows.of<ScriptData>(10))
    .process<string>((_key, ctx, elements, out) => {
      out.collect(`window ${ctx.window.start}-${ctx.window.end} count=${elements.length} wm=${showWatermark(ctx.currentWatermark())}`);
    })
    .name('windows')
    .sinkTo(new CollectSink<string>('windows'));
  if (args.includes('--probe')) {
    both
      .process<string>({
        processElement(e, ctx, out) {
          out.collect(`rec ${e.src} ${e.ts} wm=${showWatermark(ctx.timerService().currentWatermark())}`);
        },
      })
      .name('probe')
      .sinkTo(new CollectSink<string>('probe'));
  }
};
