/**
 * `@eddy/client`: the gRPC client of the coordinator's JobService and the job bundler. The `eddy`
 * CLI (`./cli/main.js`) is built on these and is not exported.
 */
export {
  JobClient,
  RpcError,
  isTerminalState,
  statusName,
  toRpcError,
  toCheckpointJson,
  toStatusJson,
  type CheckpointJson,
  type JobClientOptions,
  type JobStatusJson,
  type OperatorStatusJson,
  type SubmitFileOptions,
  type SubmitOptions,
  type TaskStatusJson,
  type WaitOptions,
} from './job-client.js';
export { bundleJob, type JobArtifact } from './bundle-job.js';
export type { CheckpointInfo__Output, JobStatus__Output, JobSummary__Output, WorkerInfo__Output } from '@eddy/common';
