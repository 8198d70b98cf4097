// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface ArtifactRef {
  'sha256'?: (string);
  'size'?: (number | string | Long);
}

export interface ArtifactRef__Output {
  'sha256': (string);
  'size': (number);
}
