/**
 * A punctuated watermark and the record it is generated for: the generator emits each record's
 * own timestamp as the watermark, which (as in Flink) goes out after the record, so the record is
 * not late for it. At parallelism 1: a keyed process function prints each record with the
 * watermark it sees, and tumbling 10 ms windows print their bounds, count and firing watermark,
 * with late records on a side output. Args: `--events JSON` (timestamps), `--at operator|source`
 * (assignTimestampsAndWatermarks, or the strategy on the source). Output: CollectSink `probe`,
 * `windows`, `late`.
 */
import {
  CollectionSource,
  CollectSink,
  OutputTag,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type StreamExecutionEnvironment,
} from '@eddy/api';
import { requiredArg, showWatermark } from './watermark-scripted-source.js';

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const timestamps = JSON.parse(requiredArg(args, 'events')) as number[];
  const at = requiredArg(args, 'at');
  env.setParallelism(1);
  const strategy = WatermarkStrategy.forGenerator<number>(() => ({
    onEvent(_ts, ts, out) {
      out.emitWatermark(ts);
    },
    onPeriodicEmit() {},
  })).withTimestampAssigner((ts) => ts);
  const stream =
    at === 'source'
      ? env.fromSource(new CollectionSource(timestamps), 'timestamps', strategy)
      : env.fromCollection(timestamps).assignTimestampsAndWatermarks(strategy);
  const keyed = stream.keyBy(() => 'one');
  keyed
    .process<string>({
      processElement(ts, ctx, out) {
        out.collect(`rec ${ts} wm=${showWatermark(ctx.timerService().currentWatermark())}`);
      },
    })
    .name('probe')
    .sinkTo(new CollectSink<string>('probe'));
  const late = new OutputTag<number>('late');
  const windows = keyed
    .window(TumblingEventTimeWindows.of<number>(10))
    .sideOutputLateData(late)
    .process<string>((_k, ctx, elements, out) => {
      out.collect(`window ${ctx.window.start}-${ctx.window.end} count=${elements.length} wm=${showWatermark(ctx.currentWatermark())}`);
    })
    .name('windows');
  windows.sinkTo(new CollectSink<string>('windows'));
  windows
    .getSideOutput(late)
    .map((ts) => `late ${ts}`)
    .sinkTo(new CollectSink<string>('late'));
};
