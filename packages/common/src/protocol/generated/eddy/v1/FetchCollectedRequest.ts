// Original file: proto/eddy.proto


export interface FetchCollectedRequest {
  'jobId'?: (string);
  /**
   * Name given to the CollectSink.
   */
  'sinkName'?: (string);
}

export interface FetchCollectedRequest__Output {
  'jobId': (string);
  /**
   * Name given to the CollectSink.
   */
  'sinkName': (string);
}
