// Original file: proto/eddy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ArtifactChunk as _eddy_v1_ArtifactChunk, ArtifactChunk__Output as _eddy_v1_ArtifactChunk__Output } from '../../eddy/v1/ArtifactChunk.js';
import type { ArtifactRef as _eddy_v1_ArtifactRef, ArtifactRef__Output as _eddy_v1_ArtifactRef__Output } from '../../eddy/v1/ArtifactRef.js';
import type { FetchCollectedRequest as _eddy_v1_FetchCollectedRequest, FetchCollectedRequest__Output as _eddy_v1_FetchCollectedRequest__Output } from '../../eddy/v1/FetchCollectedRequest.js';
import type { FetchCollectedResponse as _eddy_v1_FetchCollectedResponse, FetchCollectedResponse__Output as _eddy_v1_FetchCollectedResponse__Output } from '../../eddy/v1/FetchCollectedResponse.js';
import type { JobIdRequest as _eddy_v1_JobIdRequest, JobIdRequest__Output as _eddy_v1_JobIdRequest__Output } from '../../eddy/v1/JobIdRequest.js';
import type { JobStatus as _eddy_v1_JobStatus, JobStatus__Output as _eddy_v1_JobStatus__Output } from '../../eddy/v1/JobStatus.js';
import type { ListCheckpointsResponse as _eddy_v1_ListCheckpointsResponse, ListCheckpointsResponse__Output as _eddy_v1_ListCheckpointsResponse__Output } from '../../eddy/v1/ListCheckpointsResponse.js';
import type { ListJobsRequest as _eddy_v1_ListJobsRequest, ListJobsRequest__Output as _eddy_v1_ListJobsRequest__Output } from '../../eddy/v1/ListJobsRequest.js';
import type { ListJobsResponse as _eddy_v1_ListJobsResponse, ListJobsResponse__Output as _eddy_v1_ListJobsResponse__Output } from '../../eddy/v1/ListJobsResponse.js';
import type { ListWorkersRequest as _eddy_v1_ListWorkersRequest, ListWorkersRequest__Output as _eddy_v1_ListWorkersRequest__Output } from '../../eddy/v1/ListWorkersRequest.js';
import type { ListWorkersResponse as _eddy_v1_ListWorkersResponse, ListWorkersResponse__Output as _eddy_v1_ListWorkersResponse__Output } from '../../eddy/v1/ListWorkersResponse.js';
import type { SubmitJobRequest as _eddy_v1_SubmitJobRequest, SubmitJobRequest__Output as _eddy_v1_SubmitJobRequest__Output } from '../../eddy/v1/SubmitJobRequest.js';
import type { SubmitJobResponse as _eddy_v1_SubmitJobResponse, SubmitJobResponse__Output as _eddy_v1_SubmitJobResponse__Output } from '../../eddy/v1/SubmitJobResponse.js';

export interface JobServiceClient extends grpc.Client {
  CancelJob(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _eddy_v1_JobIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _eddy_v1_JobIdRequest, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _eddy_v1_JobIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _eddy_v1_JobIdRequest, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  
  FetchCollected(argument: _eddy_v1_FetchCollectedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  FetchCollected(argument: _eddy_v1_FetchCollectedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  FetchCollected(argument: _eddy_v1_FetchCollectedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  FetchCollected(argument: _eddy_v1_FetchCollectedRequest, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  fetchCollected(argument: _eddy_v1_FetchCollectedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  fetchCollected(argument: _eddy_v1_FetchCollectedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  fetchCollected(argument: _eddy_v1_FetchCollectedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  fetchCollected(argument: _eddy_v1_FetchCollectedRequest, callback: grpc.requestCallback<_eddy_v1_FetchCollectedResponse__Output>): grpc.ClientUnaryCall;
  
  GetJobStatus(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  GetJobStatus(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  GetJobStatus(argument: _eddy_v1_JobIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  GetJobStatus(argument: _eddy_v1_JobIdRequest, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  getJobStatus(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  getJobStatus(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  getJobStatus(argument: _eddy_v1_JobIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  getJobStatus(argument: _eddy_v1_JobIdRequest, callback: grpc.requestCallback<_eddy_v1_JobStatus__Output>): grpc.ClientUnaryCall;
  
  ListCheckpoints(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  ListCheckpoints(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  ListCheckpoints(argument: _eddy_v1_JobIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  ListCheckpoints(argument: _eddy_v1_JobIdRequest, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  listCheckpoints(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  listCheckpoints(argument: _eddy_v1_JobIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  listCheckpoints(argument: _eddy_v1_JobIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  listCheckpoints(argument: _eddy_v1_JobIdRequest, callback: grpc.requestCallback<_eddy_v1_ListCheckpointsResponse__Output>): grpc.ClientUnaryCall;
  
  ListJobs(argument: _eddy_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _eddy_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _eddy_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _eddy_v1_ListJobsRequest, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _eddy_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _eddy_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _eddy_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _eddy_v1_ListJobsRequest, callback: grpc.requestCallback<_eddy_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  
  ListWorkers(argument: _eddy_v1_ListWorkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  ListWorkers(argument: _eddy_v1_ListWorkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  ListWorkers(argument: _eddy_v1_ListWorkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  ListWorkers(argument: _eddy_v1_ListWorkersRequest, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  listWorkers(argument: _eddy_v1_ListWorkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  listWorkers(argument: _eddy_v1_ListWorkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  listWorkers(argument: _eddy_v1_ListWorkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  listWorkers(argument: _eddy_v1_ListWorkersRequest, callback: grpc.requestCallback<_eddy_v1_ListWorkersResponse__Output>): grpc.ClientUnaryCall;
  
  SubmitJob(argument: _eddy_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _eddy_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _eddy_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _eddy_v1_SubmitJobRequest, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _eddy_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _eddy_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _eddy_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _eddy_v1_SubmitJobRequest, callback: grpc.requestCallback<_eddy_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  
  UploadArtifact(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  UploadArtifact(metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  UploadArtifact(options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  UploadArtifact(callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  uploadArtifact(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  uploadArtifact(metadata: grpc.Metadata, callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  uploadArtifact(options: grpc.CallOptions, callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  uploadArtifact(callback: grpc.requestCallback<_eddy_v1_ArtifactRef__Output>): grpc.ClientWritableStream<_eddy_v1_ArtifactChunk>;
  
}

export interface JobServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelJob: grpc.handleUnaryCall<_eddy_v1_JobIdRequest__Output, _eddy_v1_JobStatus>;
  
  FetchCollected: grpc.handleUnaryCall<_eddy_v1_FetchCollectedRequest__Output, _eddy_v1_FetchCollectedResponse>;
  
  GetJobStatus: grpc.handleUnaryCall<_eddy_v1_JobIdRequest__Output, _eddy_v1_JobStatus>;
  
  ListCheckpoints: grpc.handleUnaryCall<_eddy_v1_JobIdRequest__Output, _eddy_v1_ListCheckpointsResponse>;
  
  ListJobs: grpc.handleUnaryCall<_eddy_v1_ListJobsRequest__Output, _eddy_v1_ListJobsResponse>;
  
  ListWorkers: grpc.handleUnaryCall<_eddy_v1_ListWorkersRequest__Output, _eddy_v1_ListWorkersResponse>;
  
  SubmitJob: grpc.handleUnaryCall<_eddy_v1_SubmitJobRequest__Output, _eddy_v1_SubmitJobResponse>;
  
  UploadArtifact: grpc.handleClientStreamingCall<_eddy_v1_ArtifactChunk__Output, _eddy_v1_ArtifactRef>;
  
}

export interface JobServiceDefinition extends grpc.ServiceDefinition {
  CancelJob: MethodDefinition<_eddy_v1_JobIdRequest, _eddy_v1_JobStatus, _eddy_v1_JobIdRequest__Output, _eddy_v1_JobStatus__Output>
  FetchCollected: MethodDefinition<_eddy_v1_FetchCollectedRequest, _eddy_v1_FetchCollectedResponse, _eddy_v1_FetchCollectedRequest__Output, _eddy_v1_FetchCollectedResponse__Output>
  GetJobStatus: MethodDefinition<_eddy_v1_JobIdRequest, _eddy_v1_JobStatus, _eddy_v1_JobIdRequest__Output, _eddy_v1_JobStatus__Output>
  ListCheckpoints: MethodDefinition<_eddy_v1_JobIdRequest, _eddy_v1_ListCheckpointsResponse, _eddy_v1_JobIdRequest__Output, _eddy_v1_ListCheckpointsResponse__Output>
  ListJobs: MethodDefinition<_eddy_v1_ListJobsRequest, _eddy_v1_ListJobsResponse, _eddy_v1_ListJobsRequest__Output, _eddy_v1_ListJobsResponse__Output>
  ListWorkers: MethodDefinition<_eddy_v1_ListWorkersRequest, _eddy_v1_ListWorkersResponse, _eddy_v1_ListWorkersRequest__Output, _eddy_v1_ListWorkersResponse__Output>
  SubmitJob: MethodDefinition<_eddy_v1_SubmitJobRequest, _eddy_v1_SubmitJobResponse, _eddy_v1_SubmitJobRequest__Output, _eddy_v1_SubmitJobResponse__Output>
  UploadArtifact: MethodDefinition<_eddy_v1_ArtifactChunk, _eddy_v1_ArtifactRef, _eddy_v1_ArtifactChunk__Output, _eddy_v1_ArtifactRef__Output>
}
