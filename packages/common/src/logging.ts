/**
 * pino logging for every Eddy process: JSON by default, pretty-printed for terminals on request.
 * Child loggers carry `{ jobId, task, attempt }` so log lines can be joined across processes.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Process role, e.g. `coordinator` or `worker`. Appears as `role` on every line. */
  readonly role: string;
  /** pino level; default `info`. */
  readonly level?: string;
  /** `json` (default) or `pretty`. Pretty output needs the optional `pino-pretty` package. */
  readonly format?: string;
  /** File descriptor to write to; default 2 (stderr), keeping stdout for job output. */
  readonly fd?: number;
}

/** Creates the root logger of a process. Logs go to stderr so that stdout carries only job output. */
export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? 'info';
  const fd = opts.fd ?? 2;
  if (opts.format === 'pretty') {
    return pino({
      level,
      base: { role: opts.role },
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: true, sync: true } },
    });
  }
  return pino({ level, base: { role: opts.role, pid: process.pid } }, pino.destination({ fd, sync: false }));
}
