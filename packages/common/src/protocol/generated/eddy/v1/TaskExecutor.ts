// Original file: proto/eddy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Ack as _eddy_v1_Ack, Ack__Output as _eddy_v1_Ack__Output } from '../../eddy/v1/Ack.js';
import type { CancelTaskRequest as _eddy_v1_CancelTaskRequest, CancelTaskRequest__Output as _eddy_v1_CancelTaskRequest__Output } from '../../eddy/v1/CancelTaskRequest.js';
import type { CheckpointNotification as _eddy_v1_CheckpointNotification, CheckpointNotification__Output as _eddy_v1_CheckpointNotification__Output } from '../../eddy/v1/CheckpointNotification.js';
import type { ReleaseJobRequest as _eddy_v1_ReleaseJobRequest, ReleaseJobRequest__Output as _eddy_v1_ReleaseJobRequest__Output } from '../../eddy/v1/ReleaseJobRequest.js';
import type { TaskDeploymentDescriptor as _eddy_v1_TaskDeploymentDescriptor, TaskDeploymentDescriptor__Output as _eddy_v1_TaskDeploymentDescriptor__Output } from '../../eddy/v1/TaskDeploymentDescriptor.js';
import type { TriggerCheckpointRequest as _eddy_v1_TriggerCheckpointRequest, TriggerCheckpointRequest__Output as _eddy_v1_TriggerCheckpointRequest__Output } from '../../eddy/v1/TriggerCheckpointRequest.js';

export interface TaskExecutorClient extends grpc.Client {
  CancelTask(argument: _eddy_v1_CancelTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _eddy_v1_CancelTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _eddy_v1_CancelTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _eddy_v1_CancelTaskRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _eddy_v1_CancelTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _eddy_v1_CancelTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _eddy_v1_CancelTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _eddy_v1_CancelTaskRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  /**
   * Tells every task of the job on this worker that a checkpoint completed (commit) or was aborted.
   */
  NotifyCheckpoint(argument: _eddy_v1_CheckpointNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  NotifyCheckpoint(argument: _eddy_v1_CheckpointNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  NotifyCheckpoint(argument: _eddy_v1_CheckpointNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  NotifyCheckpoint(argument: _eddy_v1_CheckpointNotification, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  /**
   * Tells every task of the job on this worker that a checkpoint completed (commit) or was aborted.
   */
  notifyCheckpoint(argument: _eddy_v1_CheckpointNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  notifyCheckpoint(argument: _eddy_v1_CheckpointNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  notifyCheckpoint(argument: _eddy_v1_CheckpointNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  notifyCheckpoint(argument: _eddy_v1_CheckpointNotification, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  ReleaseJob(argument: _eddy_v1_ReleaseJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  ReleaseJob(argument: _eddy_v1_ReleaseJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  ReleaseJob(argument: _eddy_v1_ReleaseJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  ReleaseJob(argument: _eddy_v1_ReleaseJobRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _eddy_v1_ReleaseJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _eddy_v1_ReleaseJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _eddy_v1_ReleaseJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _eddy_v1_ReleaseJobRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  SubmitTask(argument: _eddy_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  SubmitTask(argument: _eddy_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  SubmitTask(argument: _eddy_v1_TaskDeploymentDescriptor, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  SubmitTask(argument: _eddy_v1_TaskDeploymentDescriptor, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  submitTask(argument: _eddy_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  submitTask(argument: _eddy_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  submitTask(argument: _eddy_v1_TaskDeploymentDescriptor, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  submitTask(argument: _eddy_v1_TaskDeploymentDescriptor, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
  /**
   * Injects barrier `checkpoint_id` at a source task.
   */
  TriggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  TriggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  TriggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  TriggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  /**
   * Injects barrier `checkpoint_id` at a source task.
   */
  triggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _eddy_v1_TriggerCheckpointRequest, callback: grpc.requestCallback<_eddy_v1_Ack__Output>): grpc.ClientUnaryCall;
  
}

export interface TaskExecutorHandlers extends grpc.UntypedServiceImplementation {
  CancelTask: grpc.handleUnaryCall<_eddy_v1_CancelTaskRequest__Output, _eddy_v1_Ack>;
  
  /**
   * Tells every task of the job on this worker that a checkpoint completed (commit) or was aborted.
   */
  NotifyCheckpoint: grpc.handleUnaryCall<_eddy_v1_CheckpointNotification__Output, _eddy_v1_Ack>;
  
  ReleaseJob: grpc.handleUnaryCall<_eddy_v1_ReleaseJobRequest__Output, _eddy_v1_Ack>;
  
  SubmitTask: grpc.handleUnaryCall<_eddy_v1_TaskDeploymentDescriptor__Output, _eddy_v1_Ack>;
  
  /**
   * Injects barrier `checkpoint_id` at a source task.
   */
  TriggerCheckpoint: grpc.handleUnaryCall<_eddy_v1_TriggerCheckpointRequest__Output, _eddy_v1_Ack>;
  
}

export interface TaskExecutorDefinition extends grpc.ServiceDefinition {
  CancelTask: MethodDefinition<_eddy_v1_CancelTaskRequest, _eddy_v1_Ack, _eddy_v1_CancelTaskRequest__Output, _eddy_v1_Ack__Output>
  NotifyCheckpoint: MethodDefinition<_eddy_v1_CheckpointNotification, _eddy_v1_Ack, _eddy_v1_CheckpointNotification__Output, _eddy_v1_Ack__Output>
  ReleaseJob: MethodDefinition<_eddy_v1_ReleaseJobRequest, _eddy_v1_Ack, _eddy_v1_ReleaseJobRequest__Output, _eddy_v1_Ack__Output>
  SubmitTask: MethodDefinition<_eddy_v1_TaskDeploymentDescriptor, _eddy_v1_Ack, _eddy_v1_TaskDeploymentDescriptor__Output, _eddy_v1_Ack__Output>
  TriggerCheckpoint: MethodDefinition<_eddy_v1_TriggerCheckpointRequest, _eddy_v1_Ack, _eddy_v1_TriggerCheckpointRequest__Output, _eddy_v1_Ack__Output>
}
