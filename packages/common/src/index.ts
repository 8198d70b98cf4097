/**
 * `@eddy/common`: what every runtime role shares — protocol, key groups, serialization,
 * configuration defaults, the metadata store, logging and the graph model.
 */
export * from './errors.js';
export * from './key-groups.js';
export * from './job-state.js';
export * from './logging.js';
export * from './config/defaults.js';
export * from './codec/value-writer.js';
export * from './codec/value-reader.js';
export * from './codec/network-buffer.js';
export * from './codec/stream-event.js';
export * from './graph/stream-graph.js';
export * from './graph/job-graph.js';
export * from './protocol/loader.js';
export * from './metadata/metadata-store.js';
export * from './checkpoint/index.js';
export * from './restart-strategy.js';
export * from './metadata/worker-liveness.js';
export * from './time/watermark.js';
export * from './time/watermark-valve.js';
