/**
 * Restart strategies (Flink: RestartStrategies): whether and when a failed job restarts from its
 * latest completed checkpoint. Pure functions.
 */

/** A restart strategy as a job sets it (JSON-serializable, part of the JobGraph). */
export type RestartStrategyConfig =
  | { readonly type: 'none' }
  | { readonly type: 'fixed-delay'; readonly attempts: number; readonly delayMs: number }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoffMs: number;
      readonly maxBackoffMs: number;
      readonly multiplier: number;
      /** Maximum restarts; Infinity for no limit. */
      readonly maxAttempts: number;
    };

/** Flink's default when checkpointing is on and the job sets none: restart without limit after a short delay. */
export const DEFAULT_CHECKPOINTING_RESTART: RestartStrategyConfig = {
  type: 'fixed-delay',
  attempts: Number.MAX_SAFE_INTEGER,
  delayMs: 500,
};

/** The strategy in force: the job's own, else the default for checkpointed jobs, else none. */
export function effectiveRestartStrategy(
  configured: RestartStrategyConfig | undefined,
  checkpointing: boolean,
): RestartStrategyConfig {
  if (configured) return configured;
  return checkpointing ? DEFAULT_CHECKPOINTING_RESTART : { type: 'none' };
}

/**
 * Delay before restart number `restartsSoFar + 1`.
 * @returns milliseconds to wait, or undefined when the job must fail instead.
 */
export function nextRestartDelay(s: RestartStrategyConfig, restartsSoFar: number): number | undefined {
  switch (s.type) {
    case 'none':
      return undefined;
    case 'fixed-delay':
      return restartsSoFar < s.attempts ? s.delayMs : undefined;
    case 'exponential-delay': {
      if (restartsSoFar >= s.maxAttempts) return undefined;
      const d = s.initialBackoffMs * Math.pow(s.multiplier, restartsSoFar);
      return Math.min(s.maxBackoffMs, Math.round(d));
    }
  }
}

/**
 * Checks a strategy's numbers.
 * @returns an error message, or undefined when valid.
 */
export function validateRestartStrategy(s: RestartStrategyConfig): string | undefined {
  switch (s.type) {
    case 'none':
      return undefined;
    case 'fixed-delay':
      if (!(s.attempts >= 0) || !(s.delayMs >= 0)) return 'fixed-delay restart needs attempts >= 0 and delayMs >= 0';
      return undefined;
    case 'exponential-delay':
      if (!(s.initialBackoffMs > 0) || !(s.maxBackoffMs >= s.initialBackoffMs) || !(s.multiplier >= 1) || !(s.maxAttempts >= 0))
        return 'exponential-delay restart needs initialBackoffMs > 0, maxBackoffMs >= initialBackoffMs, multiplier >= 1, maxAttempts >= 0';
      return undefined;
  }
}
