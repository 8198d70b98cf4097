/** Factories of restart strategies, named as in Flink's `RestartStrategies`. */
import type { RestartStrategyConfig } from '@eddy/common';

export type { RestartStrategyConfig };

export const RestartStrategies = {
  /** Never restart: a failure fails the job. */
  noRestart(): RestartStrategyConfig {
    return { type: 'none' };
  },
  /** Restart up to `attempts` times, waiting `delayMs` before each. */
  fixedDelayRestart(attempts: number, delayMs: number): RestartStrategyConfig {
    return { type: 'fixed-delay', attempts, delayMs };
  },
  /** Restart with a delay that grows by `multiplier` up to `maxBackoffMs`, at most `maxAttempts` times (default no limit). */
  exponentialDelayRestart(opts: {
    initialBackoffMs: number;
    maxBackoffMs: number;
    multiplier?: number;
    maxAttempts?: number;
  }): RestartStrategyConfig {
    return {
      type: 'exponential-delay',
      initialBackoffMs: opts.initialBackoffMs,
      maxBackoffMs: opts.maxBackoffMs,
      multiplier: opts.multiplier ?? 2,
      maxAttempts: opts.maxAttempts ?? Number.MAX_SAFE_INTEGER,
    };
  },
};
