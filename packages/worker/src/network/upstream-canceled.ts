/**
 * Why a producer released its partition when it was canceled rather than failed. A consumer that
 * reads it stops as canceled: the coordinator is already stopping the job, and a "failure" here
 * would hide the real cause of a restart or cancellation.
 */
export class UpstreamCanceledError extends Error {
  override readonly name = 'UpstreamCanceledError';
}
