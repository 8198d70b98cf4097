/**
 * What a window operator is configured with: the assigner, trigger, lateness and the function
 * that evaluates fired windows. Built by {@link WindowedStream}, read by the runtime.
 */
import type { OutputTag } from './output-tag.js';
import type { AggregateFunction } from './state.js';
import type { Trigger } from './triggers.js';
import type { WindowAssigner } from './windows.js';

/** How a window's records are kept and evaluated. */
export type WindowFunctionSpec =
  /** Incremental: one reduced value per window. */
  | { readonly kind: 'reduce'; readonly reduce: (a: unknown, b: unknown) => unknown; readonly process?: unknown }
  /** Incremental: one accumulator per window. */
  | { readonly kind: 'aggregate'; readonly aggregate: AggregateFunction<unknown, unknown, unknown>; readonly process?: unknown }
  /** Every record is kept until the window fires. */
  | { readonly kind: 'process'; readonly process: unknown };

/** A window operator's configuration. */
export interface WindowSpec {
  readonly assigner: WindowAssigner<unknown>;
  readonly trigger: Trigger<unknown>;
  /** Ms after a window's end during which late records still update it. */
  readonly allowedLateness: number;
  /** Where records too late for every window go; undefined: they are dropped (and counted). */
  readonly lateDataTag: OutputTag<unknown> | undefined;
  readonly fn: WindowFunctionSpec;
}
