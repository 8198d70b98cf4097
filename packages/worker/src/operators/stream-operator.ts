/**
 * Base of every chained operator: counters, lifecycle hooks and rich-function handling.
 */
import type { RuntimeContext } from '@eddy/api';
import { MIN_WATERMARK } from '@eddy/common';
import { OutputTag } from '@eddy/api';
import { NO_OUTPUT, type Emitter } from './emitter.js';
import type { OperatorSnapshot, StateInitializationContext } from './operator-state.js';

/** Optional lifecycle methods of a user function object. */
interface RichLike {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** An operator inside a task's chain. */
export abstract class StreamOperator implements Emitter {
  recordsIn = 0;
  recordsOut = 0;
  /** Records dropped because they were too late for every window (Flink: numLateRecordsDropped). */
  lateRecordsDropped = 0;
  output: Emitter = NO_OUTPUT;
  /** Side outputs read by some downstream operator, by tag id; records to other tags are dropped, as in Flink. */
  readonly sideOutputs = new Map<string, Emitter>();
  /** The latest watermark this operator received (Flink: the operator's current watermark). */
  currentWatermark = MIN_WATERMARK;

  constructor(
    /** Stream node id, as a string: the operator id in metrics. */
    readonly operatorId: string,
    readonly name: string,
    /** The user function object, when it may have `open`/`close`. */
    protected readonly userFunction: unknown,
  ) {}

  abstract collect(value: unknown, timestamp: number | undefined): void;

  /**
   * A new input watermark. The default records it and forwards it to the main and side outputs;
   * operators with event-time logic act on it first. Only a chain head may return a promise.
   */
  processWatermark(watermark: number): void | Promise<void> {
    this.currentWatermark = watermark;
    this.forwardWatermark(watermark);
  }

  /** Sends a watermark to the main and every side output. */
  protected forwardWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
    for (const side of this.sideOutputs.values()) side.emitWatermark(watermark);
  }

  /** The input became idle or active: forwarded to every output. */
  processStatus(idle: boolean): void {
    this.output.emitStatus(idle);
    for (const side of this.sideOutputs.values()) side.emitStatus(idle);
  }

  /** As a chained successor, watermarks arrive through the Emitter interface. */
  emitWatermark(watermark: number): void {
    const r = this.processWatermark(watermark);
    if (r !== undefined) throw new Error(`'${this.name}' handles watermarks asynchronously and cannot be chained`);
  }

  emitStatus(idle: boolean): void {
    this.processStatus(idle);
  }

  /** Emits `value` to the side output `tagId`; dropped when nobody reads that output. */
  emitSide(tagId: string, value: unknown, timestamp: number | undefined): void {
    this.sideOutputs.get(tagId)?.collect(value, timestamp);
  }

  /** Calls the user function's `open`, if any. */
  async open(ctx: RuntimeContext): Promise<void> {
    const f = this.userFunction as RichLike | undefined;
    if (f && typeof f === 'object' && typeof f.open === 'function') await f.open(ctx);
  }

  /** Called once at the end of a bounded input, before close. */
  endInput(): void | Promise<void> {}

  /** Calls the user function's `close`, if any. */
  async close(): Promise<void> {
    const f = this.userFunction as RichLike | undefined;
    if (f && typeof f === 'object' && typeof f.close === 'function') await f.close();
  }

  /**
   * Called once before {@link open}: creates state and restores it when the subtask is restored
   * from a checkpoint (Flink: initializeState).
   */
  initializeState(_ctx: StateInitializationContext): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Synchronous part of a snapshot, taken when the barrier is aligned (Flink: snapshotState).
   * Must be cheap: the task blocks meanwhile; expensive writing belongs in the returned keyed writer.
   * @returns undefined for operators without state.
   */
  snapshotState(_checkpointId: number): OperatorSnapshot | undefined {
    return undefined;
  }

  /** Checkpoint `checkpointId` completed everywhere (Flink: notifyCheckpointComplete). */
  notifyCheckpointComplete(_checkpointId: number): void | Promise<void> {}

  /** Checkpoint `checkpointId` was abandoned (Flink: notifyCheckpointAborted). */
  notifyCheckpointAborted(_checkpointId: number): void | Promise<void> {}

  /** Whether the operator can take more records now (sinks may say no). */
  isReady(): boolean {
    return true;
  }

  /** Resolves when {@link isReady} may be true again. */
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Resolves a user function given either as a plain function or as an object with `method`.
 * @throws Error naming the operator when neither is the case.
 */
export function bindUserFunction<F extends (...args: never[]) => unknown>(fn: unknown, method: string, operator: string): F {
  if (typeof fn === 'function') return fn as F;
  if (fn && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[method] === 'function')
    return ((fn as Record<string, F>)[method] as F).bind(fn) as F;
  throw new Error(`${operator} needs a function or an object with a '${method}' method`);
}

/** The id of a side-output tag. @throws Error for anything but an OutputTag. */
export function checkTag(tag: unknown): string {
  if (!(tag instanceof OutputTag)) throw new Error('ctx.output needs an OutputTag as its first argument');
  return tag.id;
}
