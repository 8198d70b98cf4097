// Original file: proto/eddy.proto

import type { WorkerInfo as _eddy_v1_WorkerInfo, WorkerInfo__Output as _eddy_v1_WorkerInfo__Output } from '../../eddy/v1/WorkerInfo.js';

export interface ListWorkersResponse {
  'workers'?: (_eddy_v1_WorkerInfo)[];
}

export interface ListWorkersResponse__Output {
  'workers': (_eddy_v1_WorkerInfo__Output)[];
}
