/**
 * Stateless one-input operators: map, filter, flatMap and process (Flink: StreamMap,
 * StreamFilter, StreamFlatMap, ProcessOperator).
 */
import type { Collector, ProcessContext } from '@eddy/api';
import { StreamOperator, bindUserFunction, checkTag } from './stream-operator.js';

export class MapOperator extends StreamOperator {
  private readonly fn: (v: unknown) => unknown;

  constructor(id: string, name: string, userFunction: unknown) {
    super(id, name, userFunction);
    this.fn = bindUserFunction(userFunction, 'map', name);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    const r = this.fn(value);
    this.recordsOut++;
    this.output.collect(r, timestamp);
  }
}

export class FilterOperator extends StreamOperator {
  private readonly fn: (v: unknown) => boolean;

  constructor(id: string, name: string, userFunction: unknown) {
    super(id, name, userFunction);
    this.fn = bindUserFunction(userFunction, 'filter', name);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    if (this.fn(value)) {
      this.recordsOut++;
      this.output.collect(value, timestamp);
    }
  }
}

/** A collector that stamps emitted records with the current input's timestamp. */
class TimestampedCollector implements Collector<unknown> {
  timestamp: number | undefined;

  constructor(private readonly op: StreamOperator) {}

  collect(value: unknown): void {
    this.op.recordsOut++;
    this.op.output.collect(value, this.timestamp);
  }
}

export class FlatMapOperator extends StreamOperator {
  private readonly fn: (v: unknown, out: Collector<unknown>) => void;
  private readonly out = new TimestampedCollector(this);

  constructor(id: string, name: string, userFunction: unknown) {
    super(id, name, userFunction);
    this.fn = bindUserFunction(userFunction, 'flatMap', name);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    this.out.timestamp = timestamp;
    this.fn(value, this.out);
  }
}

export class ProcessOperator extends StreamOperator {
  private readonly fn: (v: unknown, ctx: ProcessContext, out: Collector<unknown>) => void;
  private readonly out = new TimestampedCollector(this);
  private readonly ctx: { timestamp: number | undefined; output: ProcessContext['output'] } = {
    timestamp: undefined,
    output: (tag, value) => this.emitSide(checkTag(tag), value, this.ctx.timestamp),
  };

  constructor(id: string, name: string, userFunction: unknown) {
    super(id, name, userFunction);
    this.fn = bindUserFunction(userFunction, 'processElement', name);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    this.recordsIn++;
    this.out.timestamp = timestamp;
    this.ctx.timestamp = timestamp;
    this.fn(value, this.ctx, this.out);
  }
}
