// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';
import type { Long } from '@grpc/proto-loader';

export interface TriggerCheckpointRequest {
  'fence'?: (_eddy_v1_Fence | null);
  'vertexId'?: (string);
  'subtask'?: (number);
  'checkpointId'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'savepoint'?: (boolean);
}

export interface TriggerCheckpointRequest__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'vertexId': (string);
  'subtask': (number);
  'checkpointId': (number);
  'timestamp': (number);
  'savepoint': (boolean);
}
