// Original file: proto/eddy.proto

import type { JobSummary as _eddy_v1_JobSummary, JobSummary__Output as _eddy_v1_JobSummary__Output } from '../../eddy/v1/JobSummary.js';

export interface ListJobsResponse {
  'jobs'?: (_eddy_v1_JobSummary)[];
}

export interface ListJobsResponse__Output {
  'jobs': (_eddy_v1_JobSummary__Output)[];
}
