// Original file: proto/eddy.proto

import type { Fence as _eddy_v1_Fence, Fence__Output as _eddy_v1_Fence__Output } from '../../eddy/v1/Fence.js';
import type { TaskLocation as _eddy_v1_TaskLocation, TaskLocation__Output as _eddy_v1_TaskLocation__Output } from '../../eddy/v1/TaskLocation.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskDeploymentDescriptor {
  'fence'?: (_eddy_v1_Fence | null);
  'vertexId'?: (string);
  'subtask'?: (number);
  'artifactSha256'?: (string);
  'args'?: (string)[];
  /**
   * The JobGraph (JSON of common's JobGraph type); the worker builds its operators from it.
   */
  'jobGraphJson'?: (string);
  /**
   * Where every subtask of the job runs, so inputs can subscribe to their producers.
   */
  'locations'?: (_eddy_v1_TaskLocation)[];
  /**
   * Parallelism override given at submission (0 = none); the worker needs it to rebuild
   * the same graph the coordinator built.
   */
  'parallelismOverride'?: (number);
  /**
   * The job's checkpoint directory (shared storage); empty when checkpointing is off.
   */
  'checkpointDir'?: (string);
  /**
   * JSON of the subtask's TaskStateSnapshot to restore from, with its checkpoint id; empty for a fresh start.
   */
  'restoreJson'?: (string);
  'restoreCheckpointId'?: (number | string | Long);
}

export interface TaskDeploymentDescriptor__Output {
  'fence': (_eddy_v1_Fence__Output | null);
  'vertexId': (string);
  'subtask': (number);
  'artifactSha256': (string);
  'args': (string)[];
  /**
   * The JobGraph (JSON of common's JobGraph type); the worker builds its operators from it.
   */
  'jobGraphJson': (string);
  /**
   * Where every subtask of the job runs, so inputs can subscribe to their producers.
   */
  'locations': (_eddy_v1_TaskLocation__Output)[];
  /**
   * Parallelism override given at submission (0 = none); the worker needs it to rebuild
   * the same graph the coordinator built.
   */
  'parallelismOverride': (number);
  /**
   * The job's checkpoint directory (shared storage); empty when checkpointing is off.
   */
  'checkpointDir': (string);
  /**
   * JSON of the subtask's TaskStateSnapshot to restore from, with its checkpoint id; empty for a fresh start.
   */
  'restoreJson': (string);
  'restoreCheckpointId': (number);
}
