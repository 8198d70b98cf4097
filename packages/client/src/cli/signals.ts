/**
 * SIGINT / SIGTERM handling for long-running commands: the first signal starts a clean shutdown,
 * a second one means "stop now".
 */

/** A subscription to SIGINT and SIGTERM. */
export interface ShutdownSignals {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  /** Called for every further signal (after the first); e.g. force-kill and exit. */
  onRepeat(handler: (signal: NodeJS.Signals) => void): void;
  /** Removes the handlers (the default behaviour, exiting, applies again). */
  dispose(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Subscribes to SIGINT and SIGTERM. While subscribed, the signals no longer terminate the process. */
export function shutdownSignals(): ShutdownSignals {
  let first: NodeJS.Signals | undefined;
  let repeat: (signal: NodeJS.Signals) => void = () => process.exit(130);
  let resolve: (s: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = signal;
      resolve(signal);
    } else {
      repeat(signal);
    }
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    received,
    onRepeat(h) {
      repeat = h;
    },
    dispose() {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
