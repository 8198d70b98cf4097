/**
 * Calls from the coordinator to workers (Flink: TaskExecutorGateway), with one gRPC client per
 * worker address and a deadline on every call.
 */
import {
  CHANNEL_OPTIONS,
  grpc,
  proto,
  type CancelTaskRequest,
  type CheckpointNotification,
  type TriggerCheckpointRequest,
  type ReleaseJobRequest,
  type TaskDeploymentDescriptor,
  type TaskExecutorClient,
} from '@eddy/common';

const CALL_DEADLINE_MS = 10_000;

/** Sends task commands to workers. */
export class TaskExecutorGateway {
  private readonly clients = new Map<string, TaskExecutorClient>();

  private client(address: string): TaskExecutorClient {
    let c = this.clients.get(address);
    if (!c) {
      c = new proto.TaskExecutor(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(address, c);
    }
    return c;
  }

  private unary<Req>(
    address: string,
    call: (c: TaskExecutorClient, req: Req, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void) => void,
    req: Req,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      call(this.client(address), req, { deadline: Date.now() + CALL_DEADLINE_MS }, (err) => (err ? reject(err) : resolve()));
    });
  }

  submitTask(address: string, tdd: TaskDeploymentDescriptor): Promise<void> {
    return this.unary(address, (c, r, o, cb) => c.submitTask(r, o, cb), tdd);
  }

  cancelTask(address: string, req: CancelTaskRequest): Promise<void> {
    return this.unary(address, (c, r, o, cb) => c.cancelTask(r, o, cb), req);
  }

  releaseJob(address: string, req: ReleaseJobRequest): Promise<void> {
    return this.unary(address, (c, r, o, cb) => c.releaseJob(r, o, cb), req);
  }

  triggerCheckpoint(address: string, req: TriggerCheckpointRequest): Promise<void> {
    return this.unary(address, (c, r, o, cb) => c.triggerCheckpoint(r, o, cb), req);
  }

  notifyCheckpoint(address: string, req: CheckpointNotification): Promise<void> {
    return this.unary(address, (c, r, o, cb) => c.notifyCheckpoint(r, o, cb), req);
  }

  /** Drops the client of a worker that is gone. */
  forget(address: string): void {
    this.clients.get(address)?.close();
    this.clients.delete(address);
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
