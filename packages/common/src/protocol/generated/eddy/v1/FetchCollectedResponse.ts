// Original file: proto/eddy.proto


export interface FetchCollectedResponse {
  /**
   * Records as JSON lines, in arrival order per subtask.
   */
  'records'?: (string)[];
}

export interface FetchCollectedResponse__Output {
  /**
   * Records as JSON lines, in arrival order per subtask.
   */
  'records': (string)[];
}
