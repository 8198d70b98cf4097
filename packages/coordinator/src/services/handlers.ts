/**
 * Adapters from async functions to gRPC handlers: every thrown error becomes a gRPC status with
 * a message a person can act on, and nothing a client sends can crash the process.
 */
import { grpc, toServiceError, type Logger } from '@eddy/common';

/** Wraps an async unary implementation. */
export function unary<Req, Res>(
  logger: Logger,
  name: string,
  impl: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => impl(call.request, call))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const status = toServiceError(err);
          if (status.code === grpc.status.INTERNAL) logger.error({ rpc: name, err }, 'rpc failed');
          else logger.debug({ rpc: name, code: status.code, details: status.details }, 'rpc rejected');
          callback({ code: status.code, details: status.details, name: 'Error', message: status.details, metadata: new grpc.Metadata() });
        },
      );
  };
}
