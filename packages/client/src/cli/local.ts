/**
 * `eddy local <job>`: runs a job on a throwaway cluster on this machine and exits with the job.
 */
import { existsSync } from 'node:fs';
import { SETTINGS } from '@eddy/common';
import { explicitOption, option, requireInt, type CommandSpec, type ParsedArgs } from './args.js';
import { eprintln, explicitLevel, loggerFor, type Command } from './command.js';
import { LocalSession } from './local-session.js';

const spec: CommandSpec = {
  name: 'local',
  summary: 'Run a job on a local cluster: an in-process coordinator and worker processes.',
  description: [
    'Prints the job\'s output (the workers\' stdout) and exits when the job ends: 0 when it',
    'FINISHED, 1 when it FAILED or was CANCELED. Ctrl-C cancels the job and exits with 130.',
    'Worker logs are shown from level warn up unless --log-level or EDDY_LOG_LEVEL is set.',
  ].join('\n'),
  positionals: [{ name: 'job', description: 'Job file (.ts or .js) whose default export builds the dataflow.' }],
  options: [
    { setting: SETTINGS.localWorkers, valueName: 'N' },
    { setting: SETTINGS.parallelism, short: 'p', valueName: 'P' },
    {
      setting: SETTINGS.workerSlots,
      valueName: 'S',
      defaultText: `max(1, ceil(P / N)) with --parallelism, else ${SETTINGS.workerSlots.default}`,
    },
    { setting: SETTINGS.dataDir, valueName: 'DIR', defaultText: 'a fresh temporary directory, removed at exit' },
    { setting: SETTINGS.logLevel, valueName: 'LEVEL', defaultText: 'warn (coordinator and workers)' },
  ],
  jobArgs: true,
};

/** Resolves the worker count, parallelism and slots of a local run (pure, for tests). */
export function localResources(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv = process.env,
): { workers: number; parallelism: number; slots: number } {
  const workers = requireInt(option(args, SETTINGS.localWorkers, env), SETTINGS.localWorkers, 1);
  const parallelism = requireInt(option(args, SETTINGS.parallelism, env), SETTINGS.parallelism, 0);
  // Without an explicit slot count, give the workers enough slots together for the job to fit.
  const fitting = parallelism > 0 ? Math.max(1, Math.ceil(parallelism / workers)) : SETTINGS.workerSlots.default;
  const slots = requireInt(explicitOption(args, SETTINGS.workerSlots, env) ?? fitting, SETTINGS.workerSlots, 1);
  return { workers, parallelism, slots };
}

async function run(args: ParsedArgs): Promise<number> {
  const job = args.positionals[0]!;
  const { workers, parallelism, slots } = localResources(args);
  const level = explicitLevel(args);
  // The in-process coordinator logs like the workers: warnings and errors only unless asked.
  const logger = loggerFor(args, 'coordinator', 'warn');
  if (!existsSync(job)) {
    eprintln(`eddy local: job file not found: ${job}`);
    return 1;
  }
  const session = new LocalSession({
    job,
    jobArgs: args.jobArgs,
    workers,
    slots,
    parallelism,
    dataDir: explicitOption(args, SETTINGS.dataDir),
    logger,
    workerEnv: {
      ...process.env,
      [SETTINGS.logLevel.env]: level ?? 'warn',
      [SETTINGS.logFormat.env]: option(args, SETTINGS.logFormat),
    },
    allWorkerLogs: level !== undefined,
    showProgress: process.stderr.isTTY === true,
  });
  return session.run();
}

/** The `local` command. */
export const localCommand: Command = { spec, run };
