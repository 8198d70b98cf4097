/**
 * `@eddy/api`: what job files import. Modelled on Flink's DataStream API.
 *
 * A job file is an ES module whose default export builds the graph:
 * ```ts
 * import { type StreamExecutionEnvironment } from '@eddy/api';
 * export default (env: StreamExecutionEnvironment, args: string[]) => {
 *   env.fromSequence(0, 999).map((n) => n * 2).print();
 * };
 * ```
 */
export * from './environment.js';
export * from './datastream.js';
export * from './functions.js';
export * from './source.js';
export * from './sink.js';
export * from './two-phase-commit-sink.js';
export * from './file-sink.js';
export * from './state.js';
export * from './restart-strategies.js';
export * from './checkpoint-config.js';
export * from './watermark-strategy.js';
export * from './output-tag.js';
export * from './windows.js';
export * from './triggers.js';
export * from './windowed-stream.js';
export type { WindowSpec, WindowFunctionSpec } from './window-spec.js';
