// Original file: proto/eddy.proto

import type { OperatorStatus as _eddy_v1_OperatorStatus, OperatorStatus__Output as _eddy_v1_OperatorStatus__Output } from '../../eddy/v1/OperatorStatus.js';
import type { TaskStatus as _eddy_v1_TaskStatus, TaskStatus__Output as _eddy_v1_TaskStatus__Output } from '../../eddy/v1/TaskStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface JobStatus {
  'id'?: (string);
  'name'?: (string);
  'state'?: (string);
  'parallelism'?: (number);
  /**
   * Root cause of a failure, empty otherwise.
   */
  'failure'?: (string);
  /**
   * Human-readable explanation of the current state, e.g. why the job waits in SCHEDULED.
   */
  'statusMessage'?: (string);
  'operators'?: (_eddy_v1_OperatorStatus)[];
  'tasks'?: (_eddy_v1_TaskStatus)[];
  'startTime'?: (number | string | Long);
  'endTime'?: (number | string | Long);
  'maxParallelism'?: (number);
  /**
   * Restarts since submission.
   */
  'restarts'?: (number);
  /**
   * Latest completed checkpoint (0 = none) and when it completed.
   */
  'lastCheckpointId'?: (number | string | Long);
  'lastCheckpointTime'?: (number | string | Long);
  /**
   * Cause of the most recent failure, kept across restarts (empty when none).
   */
  'lastFailure'?: (string);
}

export interface JobStatus__Output {
  'id': (string);
  'name': (string);
  'state': (string);
  'parallelism': (number);
  /**
   * Root cause of a failure, empty otherwise.
   */
  'failure': (string);
  /**
   * Human-readable explanation of the current state, e.g. why the job waits in SCHEDULED.
   */
  'statusMessage': (string);
  'operators': (_eddy_v1_OperatorStatus__Output)[];
  'tasks': (_eddy_v1_TaskStatus__Output)[];
  'startTime': (number);
  'endTime': (number);
  'maxParallelism': (number);
  /**
   * Restarts since submission.
   */
  'restarts': (number);
  /**
   * Latest completed checkpoint (0 = none) and when it completed.
   */
  'lastCheckpointId': (number);
  'lastCheckpointTime': (number);
  /**
   * Cause of the most recent failure, kept across restarts (empty when none).
   */
  'lastFailure': (string);
}
