// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';
import type { Long } from '@grpc/proto-loader';

export interface EndOfDataNotification {
  'fence'?: (_eddy_v1_Fence | null);
  'vertexId'?: (string);
  'subtask'?: (number);
  /**
   * The last checkpoint the source took before its input ended (0 = none in this execution).
   * Only a checkpoint with a higher id is taken behind its last record and can be its final one.
   */
  'lastCheckpointId'?: (number | string | Long);
}

export interface EndOfDataNotification__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'vertexId': (string);
  'subtask': (number);
  /**
   * The last checkpoint the source took before its input ended (0 = none in this execution).
   * Only a checkpoint with a higher id is taken behind its last record and can be its final one.
   */
  'lastCheckpointId': (number);
}
