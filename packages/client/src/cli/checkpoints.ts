/**
 * `eddy checkpoints <jobId>`: a job's retained completed checkpoints (Flink: the checkpoint
 * history of the web UI's Checkpoints tab).
 */
import { toCheckpointJson } from '../job-client.js';
import { CLI_SETTINGS, UsageError, option, type CommandSpec, type ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, println, withClient, type Command } from './command.js';
import { renderCheckpoints } from './format.js';

const spec: CommandSpec = {
  name: 'checkpoints',
  summary: "List a job's retained completed checkpoints: id, completion time, size and duration.",
  description: [
    'A running job keeps its last 3 completed checkpoints, a FAILED job its latest one, and a',
    'FINISHED or CANCELED job none. SIZE is the bytes of all state files a checkpoint refers to;',
    '--json gives it in bytes, with the trigger time and the duration in milliseconds.',
  ].join('\n'),
  positionals: [{ name: 'jobId', description: 'Id printed by `eddy submit` or shown by `eddy list`.' }],
  options: [COORDINATOR_OPTION, { setting: CLI_SETTINGS.json }],
  jobArgs: false,
};

async function run(args: ParsedArgs): Promise<number> {
  const jobId = args.positionals[0]!;
  // `eddy checkpoints ""` (an unset shell variable) is a command-line mistake, not a failed call.
  if (jobId.trim() === '') throw new UsageError('<jobId> must not be empty', spec.name);
  const json = option(args, CLI_SETTINGS.json);
  const checkpoints = (await withClient(args, (client) => client.listCheckpoints(jobId))).map(toCheckpointJson);
  println(json ? JSON.stringify(checkpoints, null, 2) : renderCheckpoints(checkpoints));
  return 0;
}

/** The `checkpoints` command. */
export const checkpointsCommand: Command = { spec, run };
