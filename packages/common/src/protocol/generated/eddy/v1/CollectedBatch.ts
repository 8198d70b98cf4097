// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';

export interface CollectedBatch {
  'fence'?: (_eddy_v1_Fence | null);
  'sinkName'?: (string);
  'subtask'?: (number);
  'records'?: (string)[];
}

export interface CollectedBatch__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'sinkName': (string);
  'subtask': (number);
  'records': (string)[];
}
