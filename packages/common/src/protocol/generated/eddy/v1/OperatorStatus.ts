// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface OperatorStatus {
  'id'?: (string);
  'name'?: (string);
  'uid'?: (string);
  'vertexId'?: (string);
  'parallelism'?: (number);
  'recordsIn'?: (number | string | Long);
  'recordsOut'?: (number | string | Long);
  /**
   * Summed over subtasks; see OperatorMetrics.
   */
  'lateRecordsDropped'?: (number | string | Long);
}

export interface OperatorStatus__Output {
  'id': (string);
  'name': (string);
  'uid': (string);
  'vertexId': (string);
  'parallelism': (number);
  'recordsIn': (number);
  'recordsOut': (number);
  /**
   * Summed over subtasks; see OperatorMetrics.
   */
  'lateRecordsDropped': (number);
}
