// Original file: proto/eddy.proto

import type { CheckpointInfo as _eddy_v1_CheckpointInfo, CheckpointInfo__Output as _eddy_v1_CheckpointInfo__Output } from '../../eddy/v1/CheckpointInfo.js';

export interface ListCheckpointsResponse {
  'checkpoints'?: (_eddy_v1_CheckpointInfo)[];
}

export interface ListCheckpointsResponse__Output {
  'checkpoints': (_eddy_v1_CheckpointInfo__Output)[];
}
