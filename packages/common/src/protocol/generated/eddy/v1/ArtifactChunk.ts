// Original file: proto/eddy.proto

import type { Long } from '@grpc/proto-loader';

export interface ArtifactChunk {
  'data'?: (Buffer | Uint8Array | string);
  /**
   * First chunk only: the sha256 (hex) the client claims for the whole artifact.
   */
  'sha256'?: (string);
  /**
   * First chunk only: total size in bytes.
   */
  'totalSize'?: (number | string | Long);
}

export interface ArtifactChunk__Output {
  'data': (Buffer);
  /**
   * First chunk only: the sha256 (hex) the client claims for the whole artifact.
   */
  'sha256': (string);
  /**
   * First chunk only: total size in bytes.
   */
  'totalSize': (number);
}
