// Original file: proto/eddy.proto


export interface TaskStatus {
  'vertexId'?: (string);
  'subtask'?: (number);
  'state'?: (string);
  'workerId'?: (string);
}

export interface TaskStatus__Output {
  'vertexId': (string);
  'subtask': (number);
  'state': (string);
  'workerId': (string);
}
