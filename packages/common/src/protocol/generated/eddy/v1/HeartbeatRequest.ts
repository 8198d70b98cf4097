// Original file: proto/eddy.proto

import type { TaskMetrics as _eddy_v1_TaskMetrics, TaskMetrics__Output as _eddy_v1_TaskMetrics__Output } from '../../eddy/v1/TaskMetrics.js';

export interface HeartbeatRequest {
  'workerId'?: (string);
  'tasks'?: (_eddy_v1_TaskMetrics)[];
}

export interface HeartbeatRequest__Output {
  'workerId': (string);
  'tasks': (_eddy_v1_TaskMetrics__Output)[];
}
