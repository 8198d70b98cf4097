// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface OperatorMetrics {
  'operatorId'?: (string);
  'recordsIn'?: (number | string | Long);
  'recordsOut'?: (number | string | Long);
  /**
   * Records a window operator dropped for being later than its allowed lateness (Flink: numLateRecordsDropped).
   */
  'lateRecordsDropped'?: (number | string | Long);
}

export interface OperatorMetrics__Output {
  'operatorId': (string);
  'recordsIn': (number);
  'recordsOut': (number);
  /**
   * Records a window operator dropped for being later than its allowed lateness (Flink: numLateRecordsDropped).
   */
  'lateRecordsDropped': (number);
}
