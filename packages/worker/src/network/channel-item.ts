/**
 * What travels through a channel: encoded buffers (remote channels), record batches passed by
 * reference (same-worker channels, no serialization), and in-band events.
 */
import type { StreamEvent } from '@eddy/common';

/** An encoded network buffer (records or one event); see common's network-buffer codec. */
export interface BytesItem {
  readonly kind: 'bytes';
  readonly data: Buffer;
}

/** Records handed over within one worker, by reference. */
export interface BatchItem {
  readonly kind: 'batch';
  readonly values: unknown[];
  /** Per-record timestamps, or undefined when no record in the batch has one. */
  readonly timestamps: Array<number | undefined> | undefined;
}

/** One in-band event (same-worker channels; remote channels carry events as bytes). */
export interface EventItem {
  readonly kind: 'event';
  readonly event: StreamEvent;
}

export type ChannelItem = BytesItem | BatchItem | EventItem;
