/**
 * `eddy cancel <jobId>`: cancels a job and waits until it is CANCELED (Flink: `flink cancel`).
 */
import { grpc } from '@eddy/common';
import { RpcError, isTerminalState, type JobClient } from '../job-client.js';
import type { CommandSpec, ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, eprintln, println, withClient, type Command } from './command.js';

/** How long `eddy cancel` waits for the job to stop. */
const CANCEL_WAIT_MS = 60_000;

const spec: CommandSpec = {
  name: 'cancel',
  summary: 'Cancel a job and wait until it has stopped.',
  description: `Waits up to ${CANCEL_WAIT_MS / 1000} s. A job that already ended is left as it is (exit 0, noted on stderr).`,
  positionals: [{ name: 'jobId', description: 'Id printed by `eddy submit` or shown by `eddy list`.' }],
  options: [COORDINATOR_OPTION],
  jobArgs: false,
};

async function cancel(client: JobClient, jobId: string): Promise<string> {
  try {
    const after = await client.cancelJob(jobId);
    if (isTerminalState(after.state)) return after.state;
  } catch (err) {
    // A coordinator may refuse to cancel a job that already ended; that job is stopped all the same.
    if (!(err instanceof RpcError && err.code === grpc.status.FAILED_PRECONDITION)) throw err;
  }
  const final = await client.waitForJobState(jobId, (s) => isTerminalState(s.state), { timeoutMs: CANCEL_WAIT_MS });
  return final.state;
}

async function run(args: ParsedArgs): Promise<number> {
  const jobId = args.positionals[0]!;
  const state = await withClient(args, (client) => cancel(client, jobId));
  if (state === 'CANCELED') println(`job ${jobId} CANCELED`);
  else eprintln(`job ${jobId} had already ended: ${state}`);
  return 0;
}

/** The `cancel` command. */
export const cancelCommand: Command = { spec, run };
