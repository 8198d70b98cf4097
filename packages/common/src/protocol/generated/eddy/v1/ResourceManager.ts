// Original file: proto/eddy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Ack as _eddy_v1_Ack, Ack__Output as _eddy_v1_Ack__Output } from '../../eddy/v1/Ack.js';
import type { AcknowledgeCheckpointRequest as _eddy_v1_AcknowledgeCheckpointRequest, AcknowledgeCheckpointRequest__Output as _eddy_v1_AcknowledgeCheckpointRequest__Output } from '../../eddy/v1/AcknowledgeCheckpointRequest.js';
import type { ArtifactChunk as _eddy_v1_ArtifactChunk, ArtifactChunk__Output as _eddy_v1_ArtifactChunk__Output } from '../../eddy/v1/ArtifactChunk.js';
import type { ArtifactRef as _eddy_v1_ArtifactRef, ArtifactRef__Output as _eddy_v1_ArtifactRef__Output } from '../../eddy/v1/ArtifactRef.js';
import type { CollectedBatch as _eddy_v1_CollectedBatch, CollectedBatch__Output as _eddy_v1_CollectedBatch__Output } from '../../eddy/v1/CollectedBatch.js';
import type { DeclineCheckpointRequest as _eddy_v1_DeclineCheckpointRequest, DeclineCheckpointRequest__Output as _eddy_v1_DeclineCheckpointRequest__Output } from '../../eddy/v1/DeclineCheckpointRequest.js';
import type { EndOfDataNotification as _eddy_v1_EndOfDataNotification, EndOfDataNotification__Output as _eddy_v1_EndOfDataNotification__Output } from '../../eddy/v1/EndOfDataNotification.js';
import type { HeartbeatRequest as _eddy_v1_HeartbeatRequest, HeartbeatRequest__Output as _eddy_v1_HeartbeatRequest__Output } from '../../eddy/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _eddy_v1_HeartbeatResponse, HeartbeatResponse__Output as _eddy_v1_HeartbeatResponse__Output } from '../../eddy/v1/HeartbeatResponse.js';
import type { RegisterWorkerRequest as _eddy_v1_RegisterWorkerRequest, RegisterWorkerRequest__Output as _eddy_v1_RegisterWorkerRequest__Output } from '../../eddy/v1/RegisterWorkerRequest.js';
import type { TaskExecutionStateUpdate as _eddy_v1_TaskExecutionStateUpdate, TaskExecutionStateUpdate__Output as _eddy_v1_TaskExecutionStateUpdate__Output } from '../../eddy/v1/TaskExecutionStateUpdate.js';
import type { WorkerSessionEvent as _eddy_v1_WorkerSessionEvent, WorkerSessionEvent__Output as _eddy_v1_WorkerSessionEvent__Output } from '../../eddy/v1/WorkerSessionEvent.js';

export interface ResourceManagerClient extends grpc.Client {
  AcknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  AcknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  AcknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  AcknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _eddy_v1_AcknowledgeCheckpointRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  DeclineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  DeclineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  DeclineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  DeclineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _eddy_v1_DeclineCheckpointRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * A source task reached the end of its bounded input and waits for its final checkpoint
   * (Flink: JobMasterGateway.notifyEndOfData). Once every source of the execution has, the
   * coordinator triggers that checkpoint at once instead of at the next interval.
   */
  NotifyEndOfData(argument: _eddy_v1_EndOfDataNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  NotifyEndOfData(argument: _eddy_v1_EndOfDataNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  NotifyEndOfData(argument: _eddy_v1_EndOfDataNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  NotifyEndOfData(argument: _eddy_v1_EndOfDataNotification, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  /**
   * A source task reached the end of its bounded input and waits for its final checkpoint
   * (Flink: JobMasterGateway.notifyEndOfData). Once every source of the execution has, the
   * coordinator triggers that checkpoint at once instead of at the next interval.
   */
  notifyEndOfData(argument: _eddy_v1_EndOfDataNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  notifyEndOfData(argument: _eddy_v1_EndOfDataNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  notifyEndOfData(argument: _eddy_v1_EndOfDataNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  notifyEndOfData(argument: _eddy_v1_EndOfDataNotification, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
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
  AcknowledgeCheckpoint: grpc.handleUnaryCall<_eddy_v1_AcknowledgeCheckpointRequest__Output, _eddy_v1_Ack>;
  
  DeclineCheckpoint: grpc.handleUnaryCall<_eddy_v1_DeclineCheckpointRequest__Output, _eddy_v1_Ack>;
  
  DownloadArtifact: grpc.handleServerStreamingCall<_eddy_v1_ArtifactRef__Output, _eddy_v1_ArtifactChunk>;
  
  Heartbeat: grpc.handleUnaryCall<_eddy_v1_HeartbeatRequest__Output, _eddy_v1_HeartbeatResponse>;
  
  /**
   * A source task reached the end of its bounded input and waits for its final checkpoint
   * (Flink: JobMasterGateway.notifyEndOfData). Once every source of the execution has, the
   * coordinator triggers that checkpoint at once instead of at the next interval.
   */
  NotifyEndOfData: grpc.handleUnaryCall<_eddy_v1_EndOfDataNotification__Output, _eddy_v1_Ack>;
  
  PushCollected: grpc.handleUnaryCall<_eddy_v1_CollectedBatch__Output, _eddy_v1_Ack>;
  
  /**
   * Registers a worker. The response stream stays open for the worker's lifetime: when it
   * breaks, the coordinator treats the worker as lost.
   */
  RegisterWorker: grpc.handleServerStreamingCall<_eddy_v1_RegisterWorkerRequest__Output, _eddy_v1_WorkerSessionEvent>;
  
  UpdateTaskExecutionState: grpc.handleUnaryCall<_eddy_v1_TaskExecutionStateUpdate__Output, _eddy_v1_Ack>;
  
}

export interface ResourceManagerDefinition extends grpc.ServiceDefinition {
  AcknowledgeCheckpoint: MethodDefinition<_eddy_v1_AcknowledgeCheckpointRequest, _eddy_v1_Ack, _eddy_v1_AcknowledgeCheckpointRequest__Output, _eddy_v1_Ack__Output>
  DeclineCheckpoint: MethodDefinition<_eddy_v1_DeclineCheckpointRequest, _eddy_v1_Ack, _eddy_v1_DeclineCheckpointRequest__Output, _eddy_v1_Ack__Output>
  DownloadArtifact: MethodDefinition<_eddy_v1_ArtifactRef, _eddy_v1_ArtifactChunk, _eddy_v1_ArtifactRef__Output, _eddy_v1_ArtifactChunk__Output>
  Heartbeat: MethodDefinition<_eddy_v1_HeartbeatRequest, _eddy_v1_HeartbeatResponse, _eddy_v1_HeartbeatRequest__Output, _eddy_v1_HeartbeatResponse__Output>
  NotifyEndOfData: MethodDefinition<_eddy_v1_EndOfDataNotification, _eddy_v1_Ack, _eddy_v1_EndOfDataNotification__Output, _eddy_v1_Ack__Output>
  PushCollected: MethodDefinition<_eddy_v1_CollectedBatch, _eddy_v1_Ack, _eddy_v1_CollectedBatch__Output, _eddy_v1_Ack__Output>
  RegisterWorker: MethodDefinition<_eddy_v1_RegisterWorkerRequest, _eddy_v1_WorkerSessionEvent, _eddy_v1_RegisterWorkerRequest__Output, _eddy_v1_WorkerSessionEvent__Output>
  UpdateTaskExecutionState: MethodDefinition<_eddy_v1_TaskExecutionStateUpdate, _eddy_v1_Ack, _eddy_v1_TaskExecutionStateUpdate__Output, _eddy_v1_Ack__Output>
}
