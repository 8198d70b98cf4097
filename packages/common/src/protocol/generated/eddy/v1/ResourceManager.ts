// Original file: proto/eddy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Ack as _eddy_v1_Ack, Ack__Output as _eddy_v1_Ack__Output } from '../../eddy/v1/Ack.js';
import type { ArtifactChunk as _eddy_v1_ArtifactChunk, ArtifactChunk__Output as _eddy_v1_ArtifactChunk__Output } from '../../eddy/v1/ArtifactChunk.js';
import type { ArtifactRef as _eddy_v1_ArtifactRef, ArtifactRef__Output as _eddy_v1_ArtifactRef__Output } from '../../eddy/v1/ArtifactRef.js';
import type { CollectedBatch as _eddy_v1_CollectedBatch, CollectedBatch__Output as _eddy_v1_CollectedBatch__Output } from '../../eddy/v1/CollectedBatch.js';
import type { HeartbeatRequest as _eddy_v1_HeartbeatRequest, HeartbeatRequest__Output as _eddy_v1_HeartbeatRequest__Output } from '../../eddy/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _eddy_v1_HeartbeatResponse, HeartbeatResponse__Output as _eddy_v1_HeartbeatResponse__Output } from '../../eddy/v1/HeartbeatResponse.js';
import type { RegisterWorkerRequest as _eddy_v1_RegisterWorkerRequest, RegisterWorkerRequest__Output as _eddy_v1_RegisterWorkerRequest__Output } from '../../eddy/v1/RegisterWorkerRequest.js';
import type { TaskExecutionStateUpdate as _eddy_v1_TaskExecutionStateUpdate, TaskExecutionStateUpdate__Output as _eddy_v1_TaskExecutionStateUpdate__Output } from '../../eddy/v1/TaskExecutionStateUpdate.js';
import type { WorkerSessionEvent as _eddy_v1_WorkerSessionEvent, WorkerSessionEvent__Output as _eddy_v1_WorkerSessionEvent__Output } from '../../eddy/v1/WorkerSessionEvent.js';

export interface ResourceManagerClient extends grpc.Client {
  DownloadArtifact(argument: _eddy_v1_ArtifactRef, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_ArtifactChunk__Output>;
  DownloadArtifact(argument: _eddy_v1_ArtifactRef, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_ArtifactChunk__Output>;
  downloadArtifact(argument: _eddy_v1_ArtifactRef, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_ArtifactChunk__Output>;
  downloadArtifact(argument: _eddy_v1_ArtifactRef, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_ArtifactChunk__Output>;
  
  Heartbeat(argument: _eddy_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _eddy_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _eddy_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _eddy_v1_HeartbeatRequest, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _eddy_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _eddy_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _eddy_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _eddy_v1_HeartbeatRequest, callback: grpc.requestCallback<_eddy_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  PushCollected(argument: _eddy_v1_CollectedBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  PushCollected(argument: _eddy_v1_CollectedBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  PushCollected(argument: _eddy_v1_CollectedBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  PushCollected(argument: _eddy_v1_CollectedBatch, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  pushCollected(argument: _eddy_v1_CollectedBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  pushCollected(argument: _eddy_v1_CollectedBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  pushCollected(argument: _eddy_v1_CollectedBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  pushCollected(argument: _eddy_v1_CollectedBatch, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  /**
   * Registers a worker. The response stream stays open for the worker's lifetime: when it
   * breaks, the coordinator treats the worker as lost.
   */
  RegisterWorker(argument: _eddy_v1_RegisterWorkerRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_WorkerSessionEvent__Output>;
  RegisterWorker(argument: _eddy_v1_RegisterWorkerRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_WorkerSessionEvent__Output>;
  /**
   * Registers a worker. The response stream stays open for the worker's lifetime: when it
   * breaks, the coordinator treats the worker as lost.
   */
  registerWorker(argument: _eddy_v1_RegisterWorkerRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_WorkerSessionEvent__Output>;
  registerWorker(argument: _eddy_v1_RegisterWorkerRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_eddy_v1_WorkerSessionEvent__Output>;
  
  UpdateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  UpdateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  UpdateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  UpdateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _eddy_v1_TaskExecutionStateUpdate, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
}

export interface ResourceManagerHandlers extends grpc.UntypedServiceImplementation {
  DownloadArtifact: grpc.handleServerStreamingCall<_eddy_v1_ArtifactRef__Output, _eddy_v1_ArtifactChunk>;
  
  Heartbeat: grpc.handleUnaryCall<_eddy_v1_HeartbeatRequest__Output, _eddy_v1_HeartbeatResponse>;
  
  PushCollected: grpc.handleUnaryCall<_eddy_v1_CollectedBatch__Output, _eddy_v1_Ack>;
  
  /**
   * Registers a worker. The response stream stays open for the worker's lifetime: when it
   * breaks, the coordinator treats the worker as lost.
   */
  RegisterWorker: grpc.handleServerStreamingCall<_eddy_v1_RegisterWorkerRequest__Output, _eddy_v1_WorkerSessionEvent>;
  
  UpdateTaskExecutionState: grpc.handleUnaryCall<_eddy_v1_TaskExecutionStateUpdate__Output, _eddy_v1_Ack>;
  
}

export interface ResourceManagerDefinition extends grpc.ServiceDefinition {
  DownloadArtifact: MethodDefinition<_eddy_v1_ArtifactRef, _eddy_v1_ArtifactChunk, _eddy_v1_ArtifactRef__Output, _eddy_v1_ArtifactChunk__Output>
  Heartbeat: MethodDefinition<_eddy_v1_HeartbeatRequest, _eddy_v1_HeartbeatResponse, _eddy_v1_HeartbeatRequest__Output, _eddy_v1_HeartbeatResponse__Output>
  PushCollected: MethodDefinition<_eddy_v1_CollectedBatch, _eddy_v1_Ack, _eddy_v1_CollectedBatch__Output, _eddy_v1_Ack__Output>
  RegisterWorker: MethodDefinition<_eddy_v1_RegisterWorkerRequest, _eddy_v1_WorkerSessionEvent, _eddy_v1_RegisterWorkerRequest__Output, _eddy_v1_WorkerSessionEvent__Output>
  UpdateTaskExecutionState: MethodDefinition<_eddy_v1_TaskExecutionStateUpdate, _eddy_v1_Ack, _eddy_v1_TaskExecutionStateUpdate__Output, _eddy_v1_Ack__Output>
}
