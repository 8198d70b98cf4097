// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface Fence {
  'jobId'?: (string);
  /**
   * Execution attempt of the job; bumped on every restart.
   */
  'attempt'?: (number);
  /**
   * Generation (leader epoch) of the coordinator that issued the call.
   */
  'generation'?: (number | string | Long);
}

export interface Fence__Output {
  'jobId': (string);
  /**
   * Execution attempt of the job; bumped on every restart.
   */
  'attempt': (number);
  /**
   * Generation (leader epoch) of the coordinator that issued the call.
   */
  'generation': (number);
}
