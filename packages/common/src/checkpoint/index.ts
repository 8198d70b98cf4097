/** Checkpoint model and decision logic shared by coordinator and worker (pure), and checkpoint storage. */
export * from './checkpoint-metadata.js';
export * from './pending-checkpoint.js';
export * from './checkpoint-trigger.js';
export * from './barrier-aligner.js';
export * from './checkpoint-storage.js';
export * from './restore-assignment.js';
export * from './checkpoint-failure-manager.js';
