// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface JobSummary {
  'id'?: (string);
  'name'?: (string);
  'state'?: (string);
  'parallelism'?: (number);
  'startTime'?: (number | string | Long);
  'endTime'?: (number | string | Long);
}

export interface JobSummary__Output {
  'id': (string);
  'name': (string);
  'state': (string);
  'parallelism': (number);
  'startTime': (number);
  'endTime': (number);
}
