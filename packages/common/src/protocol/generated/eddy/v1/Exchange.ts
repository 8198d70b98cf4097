// Original file: proto/eddy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExchangeDownstream as _eddy_v1_ExchangeDownstream, ExchangeDownstream__Output as _eddy_v1_ExchangeDownstream__Output } from '../../eddy/v1/ExchangeDownstream.js';
import type { ExchangeUpstream as _eddy_v1_ExchangeUpstream, ExchangeUpstream__Output as _eddy_v1_ExchangeUpstream__Output } from '../../eddy/v1/ExchangeUpstream.js';

export interface ExchangeClient extends grpc.Client {
  /**
   * A consumer subscribes to one subpartition of a producer's result partition and grants
   * credit (number of buffers it can take); the producer sends at most that many buffers.
   */
  Subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_eddy_v1_ExchangeUpstream, _eddy_v1_ExchangeDownstream__Output>;
  Subscribe(options?: grpc.CallOptions): grpc.ClientDuplexStream<_eddy_v1_ExchangeUpstream, _eddy_v1_ExchangeDownstream__Output>;
  /**
   * A consumer subscribes to one subpartition of a producer's result partition and grants
   * credit (number of buffers it can take); the producer sends at most that many buffers.
   */
  subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_eddy_v1_ExchangeUpstream, _eddy_v1_ExchangeDownstream__Output>;
  subscribe(options?: grpc.CallOptions): grpc.ClientDuplexStream<_eddy_v1_ExchangeUpstream, _eddy_v1_ExchangeDownstream__Output>;
  
}

export interface ExchangeHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A consumer subscribes to one subpartition of a producer's result partition and grants
   * credit (number of buffers it can take); the producer sends at most that many buffers.
   */
  Subscribe: grpc.handleBidiStreamingCall<_eddy_v1_ExchangeUpstream__Output, _eddy_v1_ExchangeDownstream>;
  
}

export interface ExchangeDefinition extends grpc.ServiceDefinition {
  Subscribe: MethodDefinition<_eddy_v1_ExchangeUpstream, _eddy_v1_ExchangeDownstream, _eddy_v1_ExchangeUpstream__Output, _eddy_v1_ExchangeDownstream__Output>
}
