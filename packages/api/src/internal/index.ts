/**
 * `@eddy/api/internal`: what the runtime (coordinator and worker) needs from the API beyond what
 * job authors use. Not for job files.
 */
export * from './job-loader.js';
export * from './job-parameters.js';
export { Transformation, resolvePartitioner, type Partitioning } from '../transformation.js';
export { nonKeyedStateStore } from './non-keyed-state.js';
