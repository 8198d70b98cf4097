/**
 * `eddy workers`: the workers registered with a coordinator and their slots.
 */
import { CLI_SETTINGS, option, type CommandSpec, type ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, println, withClient, type Command } from './command.js';
import { renderWorkers } from './format.js';

const spec: CommandSpec = {
  name: 'workers',
  summary: 'List the workers registered with a coordinator and their free slots.',
  positionals: [],
  options: [COORDINATOR_OPTION, { setting: CLI_SETTINGS.json }],
  jobArgs: false,
};

async function run(args: ParsedArgs): Promise<number> {
  const json = option(args, CLI_SETTINGS.json);
  const workers = await withClient(args, (client) => client.listWorkers());
  println(json ? JSON.stringify(workers, null, 2) : renderWorkers(workers));
  return 0;
}

/** The `workers` command. */
export const workersCommand: Command = { spec, run };
