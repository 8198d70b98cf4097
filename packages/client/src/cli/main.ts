/**
 * The `eddy` CLI entry point: dispatches to one command per file. Exit codes: 0 success, 1 the
 * operation failed, 2 bad command line, 130 interrupted.
 */
import { RpcError } from '../job-client.js';
import { UsageError, parseCommandArgs, parseGlobalPrefix, renderCommandUsage, renderTopUsage } from './args.js';
import { cancelCommand } from './cancel.js';
import { checkpointsCommand } from './checkpoints.js';
import { eprintln, type Command } from './command.js';
import { coordinatorCommand } from './coordinator.js';
import { listCommand } from './list.js';
import { localCommand } from './local.js';
import { statusCommand } from './status.js';
import { submitCommand } from './submit.js';
import { killAllWorkersNow } from './worker-processes.js';
import { workerCommand } from './worker.js';
import { workersCommand } from './workers.js';

const COMMANDS: readonly Command[] = [
  localCommand,
  submitCommand,
  listCommand,
  statusCommand,
  checkpointsCommand,
  cancelCommand,
  workersCommand,
  coordinatorCommand,
  workerCommand,
];

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

function usageFailure(message: string, command?: string): number {
  const hint = command ? `eddy ${command} --help` : 'eddy --help';
  eprintln(`eddy${command ? ` ${command}` : ''}: ${message}\nRun '${hint}' for usage.`);
  return 2;
}

async function main(argv: readonly string[]): Promise<number> {
  let prefix;
  try {
    prefix = parseGlobalPrefix(argv);
  } catch (err) {
    return usageFailure((err as Error).message);
  }
  const topUsage = renderTopUsage(COMMANDS.map((c) => c.spec));
  if (prefix.help) {
    process.stdout.write(topUsage);
    return 0;
  }
  let name = prefix.command;
  let rest = prefix.rest;
  if (name === 'help') {
    // `eddy help <command>` is `eddy <command> --help`.
    name = rest[0];
    rest = ['--help'];
    if (name === undefined) {
      process.stdout.write(topUsage);
      return 0;
    }
  }
  if (name === undefined) {
    process.stderr.write(topUsage);
    return 2;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) return usageFailure(`unknown command '${name}'`);

  try {
    const parsed = parseCommandArgs(command.spec, rest, prefix.flags);
    if (parsed.help) {
      process.stdout.write(renderCommandUsage(command.spec));
      return 0;
    }
    return await command.run(parsed);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err.message, err.command ?? command.spec.name);
    // RpcError messages are already written for people; other errors get their message only,
    // the stack is noise for a CLI user unless they ask for debug logs.
    const debug = process.env['EDDY_LOG_LEVEL'] === 'debug' || process.env['EDDY_LOG_LEVEL'] === 'trace';
    const text = err instanceof RpcError || !debug || !(err instanceof Error) ? String((err as Error)?.message ?? err) : (err.stack ?? err.message);
    eprintln(`eddy ${command.spec.name}: ${text}`);
    return 1;
  }
}

function crash(kind: string, err: unknown): void {
  eprintln(`eddy: ${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  killAllWorkersNow();
  process.exit(1);
}

process.on('uncaughtException', (err) => crash('uncaught exception', err));
process.on('unhandledRejection', (err) => crash('unhandled rejection', err));

/**
 * Exits explicitly once the command is done and its output flushed: a command has released what it
 * owns, and a library's stray timer or channel must not keep the CLI alive.
 */
async function exitWith(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

main(process.argv.slice(2))
  .then(exitWith)
  .catch((err: unknown) => crash('internal error', err));
