// Original file: proto/eddy.proto


export interface SubmitJobRequest {
  'artifactSha256'?: (string);
  'args'?: (string)[];
  /**
   * 0 = use the job's own default.
   */
  'parallelism'?: (number);
  /**
   * Optional display name; defaults to the job's own name.
   */
  'name'?: (string);
}

export interface SubmitJobRequest__Output {
  'artifactSha256': (string);
  'args': (string)[];
  /**
   * 0 = use the job's own default.
   */
  'parallelism': (number);
  /**
   * Optional display name; defaults to the job's own name.
   */
  'name': (string);
}
