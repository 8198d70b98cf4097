/**
 * `@eddy/worker`: Eddy's TaskManager — task runtime, network exchange and, as the roadmap
 * proceeds, the RocksDB state backend.
 */
export { startWorker, type WorkerHandle, type WorkerOptions } from './worker.js';
