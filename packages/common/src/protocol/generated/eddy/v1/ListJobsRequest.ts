// Original file: proto/eddy.proto


export interface ListJobsRequest {
}

export interface ListJobsRequest__Output {
}
