// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';
import type { Long } from '@grpc/proto-loader';

export interface CheckpointNotification {
  'fence'?: (_eddy_v1_Fence | null);
  'checkpointId'?: (number | string | Long);
  'completed'?: (boolean);
}

export interface CheckpointNotification__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'checkpointId': (number);
  'completed': (boolean);
}
