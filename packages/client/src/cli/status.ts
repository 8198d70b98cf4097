/**
 * `eddy status <jobId>`: one job's state, operators with record counts, and failure.
 */
import { toStatusJson } from '../job-client.js';
import { CLI_SETTINGS, option, type CommandSpec, type ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, println, withClient, type Command } from './command.js';
import { renderStatus } from './format.js';

const spec: CommandSpec = {
  name: 'status',
  summary: "Show a job's state, operators with records in/out, and its failure if any.",
  positionals: [{ name: 'jobId', description: 'Id printed by `eddy submit` or shown by `eddy list`.' }],
  options: [COORDINATOR_OPTION, { setting: CLI_SETTINGS.json }],
  jobArgs: false,
};

async function run(args: ParsedArgs): Promise<number> {
  const json = option(args, CLI_SETTINGS.json);
  const status = toStatusJson(await withClient(args, (client) => client.getJobStatus(args.positionals[0]!)));
  println(json ? JSON.stringify(status, null, 2) : renderStatus(status, Date.now()));
  return 0;
}

/** The `status` command. */
export const statusCommand: Command = { spec, run };
