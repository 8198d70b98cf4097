// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';
import type { OperatorMetrics as _eddy_v1_OperatorMetrics, OperatorMetrics__Output as _eddy_v1_OperatorMetrics__Output } from '../../eddy/v1/OperatorMetrics.js';

export interface TaskMetrics {
  'fence'?: (_eddy_v1_Fence | null);
  'vertexId'?: (string);
  'subtask'?: (number);
  'operators'?: (_eddy_v1_OperatorMetrics)[];
}

export interface TaskMetrics__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'vertexId': (string);
  'subtask': (number);
  'operators': (_eddy_v1_OperatorMetrics__Output)[];
}
