// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface Registered {
  'generation'?: (number | string | Long);
  'heartbeatIntervalMs'?: (number);
}

export interface Registered__Output {
  'generation': (number);
  'heartbeatIntervalMs': (number);
}
