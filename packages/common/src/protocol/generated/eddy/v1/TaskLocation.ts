// Original file: proto/eddy.proto


export interface TaskLocation {
  'vertexId'?: (string);
  'subtask'?: (number);
  'workerId'?: (string);
  'address'?: (string);
}

export interface TaskLocation__Output {
  'vertexId': (string);
  'subtask': (number);
  'workerId': (string);
  'address': (string);
}
