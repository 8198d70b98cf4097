/**
 * `eddy submit <job>`: bundles a job file, uploads it and submits it (Flink: `flink run -d`).
 */
import { SETTINGS } from '@eddy/common';
import { CLI_SETTINGS, option, requireInt, type CommandSpec, type ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, println, withClient, type Command } from './command.js';

const spec: CommandSpec = {
  name: 'submit',
  summary: 'Submit a job to a running coordinator and print its id.',
  description: 'The job id is the last line of stdout. A job the coordinator rejects is reported on stderr (exit 1).',
  positionals: [{ name: 'job', description: 'Job file (.ts or .js) whose default export builds the dataflow.' }],
  options: [
    COORDINATOR_OPTION,
    { setting: SETTINGS.parallelism, short: 'p', valueName: 'P' },
    { setting: CLI_SETTINGS.jobName, valueName: 'NAME' },
  ],
  jobArgs: true,
};

async function run(args: ParsedArgs): Promise<number> {
  const job = args.positionals[0]!;
  const parallelism = requireInt(option(args, SETTINGS.parallelism), SETTINGS.parallelism, 0);
  const name = option(args, CLI_SETTINGS.jobName);
  const jobId = await withClient(args, (client) => client.submitJobFile(job, { args: args.jobArgs, parallelism, name }));
  println(jobId);
  return 0;
}

/** The `submit` command. */
export const submitCommand: Command = { spec, run };
