// Original file: proto/eddy.proto

import type { Registered as _eddy_v1_Registered, Registered__Output as _eddy_v1_Registered__Output } from '../../eddy/v1/Registered.js';

export interface WorkerSessionEvent {
  'registered'?: (_eddy_v1_Registered | null);
  'event'?: "registered";
}

export interface WorkerSessionEvent__Output {
  'registered'?: (_eddy_v1_Registered__Output | null);
  'event'?: "registered";
}
