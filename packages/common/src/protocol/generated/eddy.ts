import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Ack as _eddy_v1_Ack, Ack__Output as _eddy_v1_Ack__Output } from './eddy/v1/Ack.js';
import type { AcknowledgeCheckpointRequest as _eddy_v1_AcknowledgeCheckpointRequest, AcknowledgeCheckpointRequest__Output as _eddy_v1_AcknowledgeCheckpointRequest__Output } from './eddy/v1/AcknowledgeCheckpointRequest.js';
import type { ArtifactChunk as _eddy_v1_ArtifactChunk, ArtifactChunk__Output as _eddy_v1_ArtifactChunk__Output } from './eddy/v1/ArtifactChunk.js';
import type { ArtifactRef as _eddy_v1_ArtifactRef, ArtifactRef__Output as _eddy_v1_ArtifactRef__Output } from './eddy/v1/ArtifactRef.js';
import type { CancelTaskRequest as _eddy_v1_CancelTaskRequest, CancelTaskRequest__Output as _eddy_v1_CancelTaskRequest__Output } from './eddy/v1/CancelTaskRequest.js';
import type { CheckpointInfo as _eddy_v1_CheckpointInfo, CheckpointInfo__Output as _eddy_v1_CheckpointInfo__Output } from './eddy/v1/CheckpointInfo.js';
import type { CheckpointNotification as _eddy_v1_CheckpointNotification, CheckpointNotification__Output as _eddy_v1_CheckpointNotification__Output } from './eddy/v1/CheckpointNotification.js';
import type { CollectedBatch as _eddy_v1_CollectedBatch, CollectedBatch__Output as _eddy_v1_CollectedBatch__Output } from './eddy/v1/CollectedBatch.js';
import type { DeclineCheckpointRequest as _eddy_v1_DeclineCheckpointRequest, DeclineCheckpointRequest__Output as _eddy_v1_DeclineCheckpointRequest__Output } from './eddy/v1/DeclineCheckpointRequest.js';
import type { EndOfDataNotification as _eddy_v1_EndOfDataNotification, EndOfDataNotification__Output as _eddy_v1_EndOfDataNotification__Output } from './eddy/v1/EndOfDataNotification.js';
import type { ExchangeClient as _eddy_v1_ExchangeClient, ExchangeDefinition as _eddy_v1_ExchangeDefinition } from './eddy/v1/Exchange.js';
import type { ExchangeDownstream as _eddy_v1_ExchangeDownstream, ExchangeDownstream__Output as _eddy_v1_ExchangeDownstream__Output } from './eddy/v1/ExchangeDownstream.js';
import type { ExchangeUpstream as _eddy_v1_ExchangeUpstream, ExchangeUpstream__Output as _eddy_v1_ExchangeUpstream__Output } from './eddy/v1/ExchangeUpstream.js';
import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from './eddy/v1/Fence.js';
import type { FetchCollectedRequest as _eddy_v1_FetchCollectedRequest, FetchCollectedRequest__Output as _eddy_v1_FetchCollectedRequest__Output } from './eddy/v1/FetchCollectedRequest.js';
import type { FetchCollectedResponse as _eddy_v1_FetchCollectedResponse, FetchCollectedResponse__Output as _eddy_v1_FetchCollectedResponse__Output } from './eddy/v1/FetchCollectedResponse.js';
import type { HeartbeatRequest as _eddy_v1_HeartbeatRequest, HeartbeatRequest__Output as _eddy_v1_HeartbeatRequest__Output } from './eddy/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _eddy_v1_HeartbeatResponse, HeartbeatResponse__Output as _eddy_v1_HeartbeatResponse__Output } from './eddy/v1/HeartbeatResponse.js';
import type { JobIdRequest as _eddy_v1_JobIdRequest, JobIdRequest__Output as _eddy_v1_JobIdRequest__Output } from './eddy/v1/JobIdRequest.js';
import type { JobServiceClient as _eddy_v1_JobServiceClient, JobServiceDefinition as _eddy_v1_JobServiceDefinition } from './eddy/v1/JobService.js';
import type { JobStatus as _eddy_v1_JobStatus, JobStatus__Output as _eddy_v1_JobStatus__Output } from './eddy/v1/JobStatus.js';
import type { JobSummary as _eddy_v1_JobSummary, JobSummary__Output as _eddy_v1_JobSummary__Output } from './eddy/v1/JobSummary.js';
import type { ListCheckpointsResponse as _eddy_v1_ListCheckpointsResponse, ListCheckpointsResponse__Output as _eddy_v1_ListCheckpointsResponse__Output } from './eddy/v1/ListCheckpointsResponse.js';
import type { ListJobsRequest as _eddy_v1_ListJobsRequest, ListJobsRequest__Output as _eddy_v1_ListJobsRequest__Output } from './eddy/v1/ListJobsRequest.js';
import type { ListJobsResponse as _eddy_v1_ListJobsResponse, ListJobsResponse__Output as _eddy_v1_ListJobsResponse__Output } from './eddy/v1/ListJobsResponse.js';
import type { ListWorkersRequest as _eddy_v1_ListWorkersRequest, ListWorkersRequest__Output as _eddy_v1_ListWorkersRequest__Output } from './eddy/v1/ListWorkersRequest.js';
import type { ListWorkersResponse as _eddy_v1_ListWorkersResponse, ListWorkersResponse__Output as _eddy_v1_ListWorkersResponse__Output } from './eddy/v1/ListWorkersResponse.js';
import type { OperatorMetrics as _eddy_v1_OperatorMetrics, OperatorMetrics__Output as _eddy_v1_OperatorMetrics__Output } from './eddy/v1/OperatorMetrics.js';
import type { OperatorStatus as _eddy_v1_OperatorStatus, OperatorStatus__Output as _eddy_v1_OperatorStatus__Output } from './eddy/v1/OperatorStatus.js';
import type { RegisterWorkerRequest as _eddy_v1_RegisterWorkerRequest, RegisterWorkerRequest__Output as _eddy_v1_RegisterWorkerRequest__Output } from './eddy/v1/RegisterWorkerRequest.js';
import type { Registered as _eddy_v1_Registered, Registered__Output as _eddy_v1_Registered__Output } from './eddy/v1/Registered.js';
import type { ReleaseJobRequest as _eddy_v1_ReleaseJobRequest, ReleaseJobRequest__Output as _eddy_v1_ReleaseJobRequest__Output } from './eddy/v1/ReleaseJobRequest.js';
import type { ResourceManagerClient as _eddy_v1_ResourceManagerClient, ResourceManagerDefinition as _eddy_v1_ResourceManagerDefinition } from './eddy/v1/ResourceManager.js';
import type { SubmitJobRequest as _eddy_v1_SubmitJobRequest, SubmitJobRequest__Output as _eddy_v1_SubmitJobRequest__Output } from './eddy/v1/SubmitJobRequest.js';
import type { SubmitJobResponse as _eddy_v1_SubmitJobResponse, SubmitJobResponse__Output as _eddy_v1_SubmitJobResponse__Output } from './eddy/v1/SubmitJobResponse.js';
import type { SubscribeRequest as _eddy_v1_SubscribeRequest, SubscribeRequest__Output as _eddy_v1_SubscribeRequest__Output } from './eddy/v1/SubscribeRequest.js';
import type { TaskDeploymentDescriptor as _eddy_v1_TaskDeploymentDescriptor, TaskDeploymentDescriptor__Output as _eddy_v1_TaskDeploymentDescriptor__Output } from './eddy/v1/TaskDeploymentDescriptor.js';
import type { TaskExecutionStateUpdate as _eddy_v1_TaskExecutionStateUpdate, TaskExecutionStateUpdate__Output as _eddy_v1_TaskExecutionStateUpdate__Output } from './eddy/v1/TaskExecutionStateUpdate.js';
import type { TaskExecutorClient as _eddy_v1_TaskExecutorClient, TaskExecutorDefinition as _eddy_v1_TaskExecutorDefinition } from './eddy/v1/TaskExecutor.js';
import type { TaskLocation as _eddy_v1_TaskLocation, TaskLocation__Output as _eddy_v1_TaskLocation__Output } from './eddy/v1/TaskLocation.js';
import type { TaskMetrics as _eddy_v1_TaskMetrics, TaskMetrics__Output as _eddy_v1_TaskMetrics__Output } from './eddy/v1/TaskMetrics.js';
import type { TaskStatus as _eddy_v1_TaskStatus, TaskStatus__Output as _eddy_v1_TaskStatus__Output } from './eddy/v1/TaskStatus.js';
import type { TriggerCheckpointRequest as _eddy_v1_TriggerCheckpointRequest, TriggerCheckpointRequest__Output as _eddy_v1_TriggerCheckpointRequest__Output } from './eddy/v1/TriggerCheckpointRequest.js';
import type { WorkerInfo as _eddy_v1_WorkerInfo, WorkerInfo__Output as _eddy_v1_WorkerInfo__Output } from './eddy/v1/WorkerInfo.js';
import type { WorkerSessionEvent as _eddy_v1_WorkerSessionEvent, WorkerSessionEvent__Output as _eddy_v1_WorkerSessionEvent__Output } from './eddy/v1/WorkerSessionEvent.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  eddy: {
    v1: {
      Ack: MessageTypeDefinition<_eddy_v1_Ack, _eddy_v1_Ack__Output>
      AcknowledgeCheckpointRequest: MessageTypeDefinition<_eddy_v1_AcknowledgeCheckpointRequest, _eddy_v1_AcknowledgeCheckpointRequest__Output>
      ArtifactChunk: MessageTypeDefinition<_eddy_v1_ArtifactChunk, _eddy_v1_ArtifactChunk__Output>
      ArtifactRef: MessageTypeDefinition<_eddy_v1_ArtifactRef, _eddy_v1_ArtifactRef__Output>
      CancelTaskRequest: MessageTypeDefinition<_eddy_v1_CancelTaskRequest, _eddy_v1_CancelTaskRequest__Output>
      CheckpointInfo: MessageTypeDefinition<_eddy_v1_CheckpointInfo, _eddy_v1_CheckpointInfo__Output>
      CheckpointNotification: MessageTypeDefinition<_eddy_v1_CheckpointNotification, _eddy_v1_CheckpointNotification__Output>
      CollectedBatch: MessageTypeDefinition<_eddy_v1_CollectedBatch, _eddy_v1_CollectedBatch__Output>
      DeclineCheckpointRequest: MessageTypeDefinition<_eddy_v1_DeclineCheckpointRequest, _eddy_v1_DeclineCheckpointRequest__Output>
      EndOfDataNotification: MessageTypeDefinition<_eddy_v1_EndOfDataNotification, _eddy_v1_EndOfDataNotification__Output>
      Exchange: SubtypeConstructor<typeof grpc.Client, _eddy_v1_ExchangeClient> & { service: _eddy_v1_ExchangeDefinition }
      ExchangeDownstream: MessageTypeDefinition<_eddy_v1_ExchangeDownstream, _eddy_v1_ExchangeDownstream__Output>
      ExchangeUpstream: MessageTypeDefinition<_eddy_v1_ExchangeUpstream, _eddy_v1_ExchangeUpstream__Output>
      Fence: MessageTypeDefinition<_eddy_v1_Fence, _eddy_v1_Fence__Output>
      FetchCollectedRequest: MessageTypeDefinition<_eddy_v1_FetchCollectedRequest, _eddy_v1_FetchCollectedRequest__Output>
      FetchCollectedResponse: MessageTypeDefinition<_eddy_v1_FetchCollectedResponse, _eddy_v1_FetchCollectedResponse__Output>
      HeartbeatRequest: MessageTypeDefinition<_eddy_v1_HeartbeatRequest, _eddy_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_eddy_v1_HeartbeatResponse, _eddy_v1_HeartbeatResponse__Output>
      JobIdRequest: MessageTypeDefinition<_eddy_v1_JobIdRequest, _eddy_v1_JobIdRequest__Output>
      JobService: SubtypeConstructor<typeof grpc.Client, _eddy_v1_JobServiceClient> & { service: _eddy_v1_JobServiceDefinition }
      JobStatus: MessageTypeDefinition<_eddy_v1_JobStatus, _eddy_v1_JobStatus__Output>
      JobSummary: MessageTypeDefinition<_eddy_v1_JobSummary, _eddy_v1_JobSummary__Output>
      ListCheckpointsResponse: MessageTypeDefinition<_eddy_v1_ListCheckpointsResponse, _eddy_v1_ListCheckpointsResponse__Output>
      ListJobsRequest: MessageTypeDefinition<_eddy_v1_ListJobsRequest, _eddy_v1_ListJobsRequest__Output>
      ListJobsResponse: MessageTypeDefinition<_eddy_v1_ListJobsResponse, _eddy_v1_ListJobsResponse__Output>
      ListWorkersRequest: MessageTypeDefinition<_eddy_v1_ListWorkersRequest, _eddy_v1_ListWorkersRequest__Output>
      ListWorkersResponse: MessageTypeDefinition<_eddy_v1_ListWorkersResponse, _eddy_v1_ListWorkersResponse__Output>
      OperatorMetrics: MessageTypeDefinition<_eddy_v1_OperatorMetrics, _eddy_v1_OperatorMetrics__Output>
      OperatorStatus: MessageTypeDefinition<_eddy_v1_OperatorStatus, _eddy_v1_OperatorStatus__Output>
      RegisterWorkerRequest: MessageTypeDefinition<_eddy_v1_RegisterWorkerRequest, _eddy_v1_RegisterWorkerRequest__Output>
      Registered: MessageTypeDefinition<_eddy_v1_Registered, _eddy_v1_Registered__Output>
      ReleaseJobRequest: MessageTypeDefinition<_eddy_v1_ReleaseJobRequest, _eddy_v1_ReleaseJobRequest__Output>
      ResourceManager: SubtypeConstructor<typeof grpc.Client, _eddy_v1_ResourceManagerClient> & { service: _eddy_v1_ResourceManagerDefinition }
      SubmitJobRequest: MessageTypeDefinition<_eddy_v1_SubmitJobRequest, _eddy_v1_SubmitJobRequest__Output>
      SubmitJobResponse: MessageTypeDefinition<_eddy_v1_SubmitJobResponse, _eddy_v1_SubmitJobResponse__Output>
      SubscribeRequest: MessageTypeDefinition<_eddy_v1_SubscribeRequest, _eddy_v1_SubscribeRequest__Output>
      TaskDeploymentDescriptor: MessageTypeDefinition<_eddy_v1_TaskDeploymentDescriptor, _eddy_v1_TaskDeploymentDescriptor__Output>
      TaskExecutionStateUpdate: MessageTypeDefinition<_eddy_v1_TaskExecutionStateUpdate, _eddy_v1_TaskExecutionStateUpdate__Output>
      TaskExecutor: SubtypeConstructor<typeof grpc.Client, _eddy_v1_TaskExecutorClient> & { service: _eddy_v1_TaskExecutorDefinition }
      TaskLocation: MessageTypeDefinition<_eddy_v1_TaskLocation, _eddy_v1_TaskLocation__Output>
      TaskMetrics: MessageTypeDefinition<_eddy_v1_TaskMetrics, _eddy_v1_TaskMetrics__Output>
      TaskStatus: MessageTypeDefinition<_eddy_v1_TaskStatus, _eddy_v1_TaskStatus__Output>
      TriggerCheckpointRequest: MessageTypeDefinition<_eddy_v1_TriggerCheckpointRequest, _eddy_v1_TriggerCheckpointRequest__Output>
      WorkerInfo: MessageTypeDefinition<_eddy_v1_WorkerInfo, _eddy_v1_WorkerInfo__Output>
      WorkerSessionEvent: MessageTypeDefinition<_eddy_v1_WorkerSessionEvent, _eddy_v1_WorkerSessionEvent__Output>
    }
  }
}

