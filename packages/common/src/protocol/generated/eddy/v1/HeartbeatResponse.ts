// Original file: proto/eddy.proto


export interface HeartbeatResponse {
  /**
   * False when the coordinator does not know this worker (it must register again).
   */
  'known'?: (boolean);
}

export interface HeartbeatResponse__Output {
  /**
   * False when the coordinator does not know this worker (it must register again).
   */
  'known': (boolean);
}
