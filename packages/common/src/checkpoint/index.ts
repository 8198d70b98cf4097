/** Checkpoint model and decision logic shared by coordinator and worker. Pure; no I/O. */
export * from './checkpoint-metadata.js';
export * from './pending-checkpoint.js';
export * from './barrier-aligner.js';
