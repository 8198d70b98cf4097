/** Waiting with deadlines: the bench never waits forever for a cluster that went wrong. */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Pause between attempts in milliseconds. Default 20. */
  readonly intervalMs?: number;
  /** What is being waited for, for the timeout error. */
  readonly what: string;
}

/**
 * Calls `probe` until it returns a value other than `undefined`, pausing `intervalMs` between calls.
 * @returns the first defined value.
 * @throws Error when `timeoutMs` passes first; errors thrown by `probe` propagate unchanged.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const interval = opts.intervalMs ?? 20;
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() + interval > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await sleep(interval);
  }
}
