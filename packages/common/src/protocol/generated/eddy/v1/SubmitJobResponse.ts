// Original file: proto/eddy.proto


export interface SubmitJobResponse {
  'jobId'?: (string);
}

export interface SubmitJobResponse__Output {
  'jobId': (string);
}
