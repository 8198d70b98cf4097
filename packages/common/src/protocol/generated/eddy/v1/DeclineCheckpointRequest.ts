// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';
import type { Long } from '@grpc/proto-loader';

export interface DeclineCheckpointRequest {
  'fence'?: (_eddy_v1_Fence | null);
  'vertexId'?: (string);
  'subtask'?: (number);
  'checkpointId'?: (number | string | Long);
  'reason'?: (string);
  /**
   * True when the task gave the checkpoint up for a newer one, or because it was canceled
   * upstream: not a failure of the checkpoint, so it does not count against the job's tolerable
   * checkpoint failures. False: the task's snapshot failed.
   */
  'subsumed'?: (boolean);
}

export interface DeclineCheckpointRequest__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'vertexId': (string);
  'subtask': (number);
  'checkpointId': (number);
  'reason': (string);
  /**
   * True when the task gave the checkpoint up for a newer one, or because it was canceled
   * upstream: not a failure of the checkpoint, so it does not count against the job's tolerable
   * checkpoint failures. False: the task's snapshot failed.
   */
  'subsumed': (boolean);
}
