/** Feeds a sink writer; its readiness is part of the task's backpressure. */
import type { RuntimeContext, Sink, SinkContext, SinkWriter } from '@eddy/api';
import { StreamOperator } from './stream-operator.js';

/** Services a sink writer needs beyond the runtime context. */
export type SinkServices = Pick<SinkContext, 'pushCollected' | 'writeStdout'>;

export class SinkOperator extends StreamOperator {
  private writer: SinkWriter<unknown> | undefined;

  constructor(
    id: string,
    name: string,
    private readonly sink: Sink<unknown>,
    private readonly services: SinkServices,
  ) {
    super(id, name, sink);
  }

  override async open(ctx: RuntimeContext): Promise<void> {
    this.writer = this.sink.createWriter({ ...ctx, ...this.services });
    await super.open(ctx);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    this.writer!.write(value, timestamp);
  }

  override isReady(): boolean {
    return this.writer?.isReady?.() ?? true;
  }

  override whenReady(): Promise<void> {
    return this.writer?.ready?.() ?? Promise.resolve();
  }

  /** Periodic flush (buffer timeout), so printed and written records show up promptly. */
  async flush(): Promise<void> {
    await this.writer?.flush(false);
  }

  override async endInput(): Promise<void> {
    await this.writer?.flush(true);
  }

  override async close(): Promise<void> {
    await this.writer?.close?.();
    await super.close();
  }
}
