// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';

export interface CancelTaskRequest {
  'fence'?: (_eddy_v1_Fence | null);
  'vertexId'?: (string);
  'subtask'?: (number);
}

export interface CancelTaskRequest__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'vertexId': (string);
  'subtask': (number);
}
