// Original file: proto/eddy.proto


export interface ListWorkersRequest {
}

export interface ListWorkersRequest__Output {
}
