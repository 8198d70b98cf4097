/**
 * `eddy list`: the coordinator's jobs (Flink: `flink list`).
 */
import { CLI_SETTINGS, option, type CommandSpec, type ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, println, withClient, type Command } from './command.js';
import { renderJobs } from './format.js';

const spec: CommandSpec = {
  name: 'list',
  summary: 'List the jobs of a coordinator.',
  positionals: [],
  options: [COORDINATOR_OPTION, { setting: CLI_SETTINGS.json }],
  jobArgs: false,
};

async function run(args: ParsedArgs): Promise<number> {
  const json = option(args, CLI_SETTINGS.json);
  const jobs = await withClient(args, (client) => client.listJobs());
  println(json ? JSON.stringify(jobs, null, 2) : renderJobs(jobs, Date.now()));
  return 0;
}

/** The `list` command. */
export const listCommand: Command = { spec, run };
