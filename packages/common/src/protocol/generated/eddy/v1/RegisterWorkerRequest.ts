// Original file: proto/eddy.proto


export interface RegisterWorkerRequest {
  'workerId'?: (string);
  /**
   * host:port of the worker's own gRPC server (task submission and data exchange).
   */
  'address'?: (string);
  'slots'?: (number);
  'pid'?: (number);
}

export interface RegisterWorkerRequest__Output {
  'workerId': (string);
  /**
   * host:port of the worker's own gRPC server (task submission and data exchange).
   */
  'address': (string);
  'slots': (number);
  'pid': (number);
}
