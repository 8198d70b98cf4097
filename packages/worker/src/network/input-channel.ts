/**
 * Consumer side of data exchange (Flink: InputChannel). A local channel reads a same-worker
 * subpartition directly; a remote channel subscribes over gRPC and grants one credit back per
 * buffer it has processed, so a slow consumer holds at most `credit` buffers in flight.
 */
import {
  CHANNEL_OPTIONS,
  RUNTIME_DEFAULTS,
  grpc,
  proto,
  type ExchangeClient,
  type ExchangeDownstream__Output,
  type ExchangeUpstream,
  type Fence__Output,
} from '@eddy/common';
import type { ChannelItem } from './channel-item.js';
import type { PartitionRegistry } from './partition-registry.js';
import type { Subpartition } from './subpartition.js';
import { UpstreamCanceledError } from './upstream-canceled.js';

/** One input of a task. */
export interface InputChannel {
  /** Human-readable origin, for errors. */
  readonly description: string;
  /** Next item, or undefined when none is ready. @throws Error when the channel broke. */
  poll(): ChannelItem | undefined;
  /** Called by the task after it processed an item (returns credit). */
  recycle(): void;
  /** Wake-up callback for new data or a broken channel. */
  setListener(listener: () => void): void;
  /** Marks end of partition received: the channel may close quietly. */
  markFinished(): void;
  close(): void;
}

/** Reads a subpartition of this worker. */
export class LocalInputChannel implements InputChannel {
  private sub: Subpartition | undefined;
  private failure: Error | undefined;
  private listener: (() => void) | undefined;

  constructor(
    readonly description: string,
    registry: PartitionRegistry,
    key: string,
    subpartition: number,
  ) {
    registry.request(key, RUNTIME_DEFAULTS.partitionRequestTimeoutMs).then(
      (p) => {
        const s = p.subpartitions[subpartition];
        if (!s) throw new Error(`partition ${key} has no subpartition ${subpartition}`);
        s.hasReader = true;
        this.sub = s;
        s.setDataListener(() => this.listener?.());
        this.listener?.();
      },
      (err: Error) => {
        this.failure = err;
        this.listener?.();
      },
    );
  }

  poll(): ChannelItem | undefined {
    if (this.failure) throw new Error(`${this.description}: ${this.failure.message}`);
    const s = this.sub;
    if (!s) return undefined;
    if (s.releasedCause instanceof UpstreamCanceledError) throw new UpstreamCanceledError(`${this.description}: producer canceled`);
    if (s.releasedCause) throw new Error(`${this.description}: producer stopped: ${s.releasedCause.message}`);
    return s.poll();
  }

  recycle(): void {}

  setListener(listener: () => void): void {
    this.listener = listener;
  }

  markFinished(): void {}

  close(): void {
    this.sub?.setDataListener(undefined);
  }
}

/** Shares one gRPC client per producer address. */
export class ExchangeClients {
  private readonly clients = new Map<string, ExchangeClient>();

  get(address: string): ExchangeClient {
    let c = this.clients.get(address);
    if (!c) {
      c = new proto.Exchange(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(address, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** Subscribes to a subpartition on another worker. */
export class RemoteInputChannel implements InputChannel {
  private readonly queue: ChannelItem[] = [];
  private head = 0;
  private listener: (() => void) | undefined;
  private failure: Error | undefined;
  private finished = false;
  private closed = false;
  private readonly stream: grpc.ClientDuplexStream<ExchangeUpstream, ExchangeDownstream__Output>;

  constructor(
    readonly description: string,
    client: ExchangeClient,
    req: { fence: Fence__Output; edgeId: string; producerSubtask: number; subpartition: number },
    initialCredit: number,
  ) {
    this.stream = client.subscribe();
    this.stream.on('data', (msg: ExchangeDownstream__Output) => {
      this.queue.push({ kind: 'bytes', data: msg.buffer });
      this.listener?.();
    });
    const broke = (err: Error): void => {
      if (this.finished || this.closed) return;
      this.failure ??= err;
      this.listener?.();
    };
    this.stream.on('error', (err: grpc.ServiceError) =>
      broke(
        err.code === grpc.status.CANCELLED
          ? new UpstreamCanceledError('producer canceled')
          : new Error(`lost connection to producer: ${err.message}`),
      ),
    );
    this.stream.on('end', () => broke(new Error('producer closed the connection before the end of the partition')));
    this.stream.write({ subscribe: { ...req, initialCredit } });
  }

  poll(): ChannelItem | undefined {
    if (this.head < this.queue.length) {
      const item = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as ChannelItem;
      if (this.head > 64 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      return item;
    }
    if (this.failure instanceof UpstreamCanceledError) throw new UpstreamCanceledError(`${this.description}: ${this.failure.message}`);
    if (this.failure) throw new Error(`${this.description}: ${this.failure.message}`);
    return undefined;
  }

  recycle(): void {
    if (!this.finished && !this.closed) this.stream.write({ credit: 1 });
  }

  setListener(listener: () => void): void {
    this.listener = listener;
  }

  markFinished(): void {
    this.finished = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.finished) this.stream.cancel();
    else this.stream.end();
  }
}
