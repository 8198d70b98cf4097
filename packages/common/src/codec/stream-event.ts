/**
 * In-band events that travel between tasks in order with records (Flink: `AbstractEvent`s and
 * `StreamElement`s other than records). They are what later steps hang on: checkpoint barriers
 * drive aligned snapshots, watermarks drive event time.
 */

/** The producer has emitted everything; no more buffers follow on this channel. */
export interface EndOfPartitionEvent {
  readonly kind: 'end-of-partition';
}

/** Flink's `CheckpointBarrier`: everything before it belongs to checkpoint `checkpointId`. */
export interface CheckpointBarrierEvent {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly timestamp: number;
  /** True for savepoints (user-triggered, retained). */
  readonly savepoint: boolean;
}

/** Flink's `CancelCheckpointMarker`: checkpoint `checkpointId` was aborted upstream. */
export interface CancelCheckpointEvent {
  readonly kind: 'cancel-checkpoint';
  readonly checkpointId: number;
}

/** Flink's `Watermark`: no more records with timestamp ≤ `timestamp` will follow on this channel. */
export interface WatermarkEvent {
  readonly kind: 'watermark';
  readonly timestamp: number;
}

/** Flink's `WatermarkStatus`: an idle channel is left out of the watermark minimum. */
export interface StreamStatusEvent {
  readonly kind: 'stream-status';
  readonly idle: boolean;
}

/** Any in-band event. */
export type StreamEvent =
  | EndOfPartitionEvent
  | CheckpointBarrierEvent
  | CancelCheckpointEvent
  | WatermarkEvent
  | StreamStatusEvent;

/** The single end-of-partition instance (events are immutable). */
export const END_OF_PARTITION: EndOfPartitionEvent = Object.freeze({ kind: 'end-of-partition' });
