// Original file: proto/eddy.proto


export interface WorkerInfo {
  'workerId'?: (string);
  'address'?: (string);
  'slots'?: (number);
  'freeSlots'?: (number);
  'pid'?: (number);
  /**
   * Milliseconds since the last heartbeat.
   */
  'lastHeartbeatMs'?: (number);
}

export interface WorkerInfo__Output {
  'workerId': (string);
  'address': (string);
  'slots': (number);
  'freeSlots': (number);
  'pid': (number);
  /**
   * Milliseconds since the last heartbeat.
   */
  'lastHeartbeatMs': (number);
}
