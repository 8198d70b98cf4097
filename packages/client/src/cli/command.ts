/**
 * What every CLI command is made of, and the few things several commands share: the coordinator
 * flag, loggers and a client that is always closed.
 */
import { SETTINGS, createLogger, type Logger } from '@eddy/common';
import { JobClient } from '../job-client.js';
import { UsageError, option, requireOneOf, type CommandSpec, type OptionSpec, type ParsedArgs } from './args.js';

/** A CLI command: its spec (flags, usage) and its implementation. */
export interface Command {
  readonly spec: CommandSpec;
  /**
   * Runs the command.
   * @returns the process exit code: 0 success, 1 failure, 130 interrupted.
   * @throws UsageError for bad arguments (exit 2); anything else is printed and exits 1.
   */
  run(args: ParsedArgs): Promise<number>;
}

/** The `--coordinator HOST:PORT` flag of client commands. */
export const COORDINATOR_OPTION: OptionSpec = { setting: SETTINGS.coordinatorAddress, valueName: 'HOST:PORT' };

const LOG_FORMATS = ['json', 'pretty'] as const;

/**
 * Creates a process logger (stderr) from `--log-level` / `--log-format`.
 * @param defaultLevel level used when neither the flag nor `EDDY_LOG_LEVEL` is set.
 * @throws UsageError for an unknown format.
 */
export function loggerFor(args: ParsedArgs, role: string, defaultLevel?: string): Logger {
  const format = requireOneOf(option(args, SETTINGS.logFormat), SETTINGS.logFormat, LOG_FORMATS);
  const level = explicitLevel(args) ?? defaultLevel ?? SETTINGS.logLevel.default;
  try {
    return createLogger({ role, level, format });
  } catch (err) {
    // pino throws for unknown levels; that is a usage problem, not a crash.
    throw new UsageError(`--log-level (or EDDY_LOG_LEVEL): ${(err as Error).message}`);
  }
}

/** The log level the user asked for (flag or `EDDY_LOG_LEVEL`), undefined when they did not. */
export function explicitLevel(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = args.flags.get(SETTINGS.logLevel.flag) ?? env[SETTINGS.logLevel.env];
  return given === undefined || given === '' ? undefined : given;
}

/**
 * Runs `fn` with a client of the coordinator named by `--coordinator` / `EDDY_COORDINATOR`, and
 * closes the client afterwards whatever happens.
 */
export async function withClient<T>(args: ParsedArgs, fn: (client: JobClient) => Promise<T>): Promise<T> {
  const client = new JobClient(option(args, SETTINGS.coordinatorAddress));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Writes one line (or lines) to stdout. */
export function println(text = ''): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes one line (or lines) to stderr. */
export function eprintln(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Resolves once the logger's buffered lines are written (pino's stderr destination is asynchronous). */
export function flushLogger(logger: Logger, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    // Bounded: a broken stderr must not keep the process from exiting.
    const timer = setTimeout(resolve, timeoutMs);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
