/**
 * Errors that cross an RPC boundary. Each carries the gRPC status a caller should see, so that
 * handlers can map any thrown error to a status a person can act on.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';

export { GrpcStatus };

/** An error with a gRPC status code and a message meant for the person who made the call. */
export class EddyError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EddyError';
  }
}

/** The request is malformed or refers to something invalid (gRPC INVALID_ARGUMENT). */
export const invalidArgument = (message: string, cause?: unknown): EddyError =>
  new EddyError(GrpcStatus.INVALID_ARGUMENT, message, { cause });
/** The referenced job, artifact or task does not exist (gRPC NOT_FOUND). */
export const notFound = (message: string): EddyError => new EddyError(GrpcStatus.NOT_FOUND, message);
/** The service or a needed peer is not reachable now; retrying later may help (gRPC UNAVAILABLE). */
export const unavailable = (message: string): EddyError => new EddyError(GrpcStatus.UNAVAILABLE, message);
/** The call is valid but the system is not in a state to perform it (gRPC FAILED_PRECONDITION). */
export const failedPrecondition = (message: string): EddyError =>
  new EddyError(GrpcStatus.FAILED_PRECONDITION, message);

/** Converts anything thrown into a gRPC service error; unknown errors become INTERNAL with their message. */
export function toServiceError(err: unknown): { code: GrpcStatus; details: string; message: string } {
  if (err instanceof EddyError) return { code: err.code, details: err.message, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: GrpcStatus.INTERNAL, details: `internal error: ${message}`, message };
}

/** Renders an error with its cause chain, one cause per line, for failure reports. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (current instanceof Error) {
      parts.push(depth === 0 && current.stack ? current.stack : `Caused by: ${current.stack ?? current.message}`);
      current = (current as { cause?: unknown }).cause;
    } else {
      const text = typeof current === 'string' ? current : (JSON.stringify(current) ?? typeof current);
      parts.push(depth === 0 ? text : `Caused by: ${text}`);
      break;
    }
  }
  return parts.join('\n');
}
