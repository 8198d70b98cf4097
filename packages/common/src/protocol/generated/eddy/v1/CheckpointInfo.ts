// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface CheckpointInfo {
  'id'?: (number | string | Long);
  /**
   * Trigger time, epoch ms.
   */
  'timestamp'?: (number | string | Long);
  'completedAt'?: (number | string | Long);
  'durationMs'?: (number | string | Long);
  /**
   * Bytes written for this checkpoint.
   */
  'size'?: (number | string | Long);
  /**
   * Bytes of all files the checkpoint refers to (incremental state is shared).
   */
  'fullSize'?: (number | string | Long);
  'savepoint'?: (boolean);
}

export interface CheckpointInfo__Output {
  'id': (number);
  /**
   * Trigger time, epoch ms.
   */
  'timestamp': (number);
  'completedAt': (number);
  'durationMs': (number);
  /**
   * Bytes written for this checkpoint.
   */
  'size': (number);
  /**
   * Bytes of all files the checkpoint refers to (incremental state is shared).
   */
  'fullSize': (number);
  'savepoint': (boolean);
}
