// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';

export interface SubscribeRequest {
  'fence'?: (_eddy_v1_Fence | null);
  /**
   * JobGraph edge whose result partition is requested.
   */
  'edgeId'?: (string);
  'producerSubtask'?: (number);
  /**
   * Index of the subpartition = consuming subtask index.
   */
  'subpartition'?: (number);
  'initialCredit'?: (number);
}

export interface SubscribeRequest__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  /**
   * JobGraph edge whose result partition is requested.
   */
  'edgeId': (string);
  'producerSubtask': (number);
  /**
   * Index of the subpartition = consuming subtask index.
   */
  'subpartition': (number);
  'initialCredit': (number);
}
