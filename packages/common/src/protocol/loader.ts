/**
 * The one place where Eddy's `.proto` is loaded. Every other module works with the typed
 * clients and service definitions exported here, never with raw proto objects.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from './generated/eddy.js';

/** Absolute path of `proto/eddy.proto` at the repository (or image) root. */
export const PROTO_PATH = fileURLToPath(new URL('../../../../proto/eddy.proto', import.meta.url));

const packageDefinition = protoLoader.loadSync(PROTO_PATH, {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});

const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** The `eddy.v1` package: client constructors (`new proto.JobService(addr, creds)`) and `.service` definitions. */
export const proto = loaded.eddy.v1;

/** Message size cap for every Eddy channel and server (artifacts are chunked well below it). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Channel options shared by every Eddy client and server. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  'grpc.enable_retries': 0,
};

/** Creates a gRPC server with Eddy's channel options. */
export function createServer(): grpc.Server {
  return new grpc.Server({
    ...CHANNEL_OPTIONS,
    'grpc.http2.min_ping_interval_without_data_ms': 1_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
}

/**
 * Binds `server` to `host:port` (port 0 picks a free one) and resolves the port bound.
 * @throws when the address is in use or cannot be bound.
 */
export function bindServer(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else resolve(bound);
    });
  });
}

/** Shuts a server down, forcing it after `graceMs` when calls do not finish. */
export function shutdownServer(server: grpc.Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export { grpc };
export type * from './generated/eddy/v1/Ack.js';
export type * from './generated/eddy/v1/ArtifactChunk.js';
export type * from './generated/eddy/v1/ArtifactRef.js';
export type * from './generated/eddy/v1/CancelTaskRequest.js';
export type * from './generated/eddy/v1/CollectedBatch.js';
export type * from './generated/eddy/v1/Exchange.js';
export type * from './generated/eddy/v1/ExchangeDownstream.js';
export type * from './generated/eddy/v1/ExchangeUpstream.js';
export type * from './generated/eddy/v1/Fence.js';
export type * from './generated/eddy/v1/FetchCollectedRequest.js';
export type * from './generated/eddy/v1/FetchCollectedResponse.js';
export type * from './generated/eddy/v1/HeartbeatRequest.js';
export type * from './generated/eddy/v1/HeartbeatResponse.js';
export type * from './generated/eddy/v1/JobIdRequest.js';
export type * from './generated/eddy/v1/JobService.js';
export type * from './generated/eddy/v1/JobStatus.js';
export type * from './generated/eddy/v1/JobSummary.js';
export type * from './generated/eddy/v1/ListJobsRequest.js';
export type * from './generated/eddy/v1/ListJobsResponse.js';
export type * from './generated/eddy/v1/OperatorMetrics.js';
export type * from './generated/eddy/v1/OperatorStatus.js';
export type * from './generated/eddy/v1/RegisterWorkerRequest.js';
export type * from './generated/eddy/v1/Registered.js';
export type * from './generated/eddy/v1/ReleaseJobRequest.js';
export type * from './generated/eddy/v1/ResourceManager.js';
export type * from './generated/eddy/v1/SubmitJobRequest.js';
export type * from './generated/eddy/v1/SubmitJobResponse.js';
export type * from './generated/eddy/v1/SubscribeRequest.js';
export type * from './generated/eddy/v1/TaskDeploymentDescriptor.js';
export type * from './generated/eddy/v1/TaskExecutionStateUpdate.js';
export type * from './generated/eddy/v1/TaskExecutor.js';
export type * from './generated/eddy/v1/TaskLocation.js';
export type * from './generated/eddy/v1/TaskMetrics.js';
export type * from './generated/eddy/v1/TaskStatus.js';
export type * from './generated/eddy/v1/WorkerSessionEvent.js';
export type * from './generated/eddy/v1/ListWorkersRequest.js';
export type * from './generated/eddy/v1/ListWorkersResponse.js';
export type * from './generated/eddy/v1/WorkerInfo.js';
export type * from './generated/eddy/v1/CheckpointInfo.js';
export type * from './generated/eddy/v1/ListCheckpointsResponse.js';
export type * from './generated/eddy/v1/AcknowledgeCheckpointRequest.js';
export type * from './generated/eddy/v1/DeclineCheckpointRequest.js';
export type * from './generated/eddy/v1/EndOfDataNotification.js';
export type * from './generated/eddy/v1/TriggerCheckpointRequest.js';
export type * from './generated/eddy/v1/CheckpointNotification.js';
