/**
 * Watermark bounds (Flink: `Watermark.MAX_WATERMARK`, `Long.MIN_VALUE`). Event timestamps are
 * milliseconds; the bounds are the safe-integer limits so that arithmetic on them stays exact.
 */

/** The watermark before any was emitted: every timestamp is after it. */
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
/** The final watermark at the end of a bounded input: fires every pending event-time window and timer. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;
