// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';

export interface ReleaseJobRequest {
  'fence'?: (_eddy_v1_Fence | null);
}

export interface ReleaseJobRequest__Output {
  'fence': (_eddy_v1_Fence__Output | null);
}
