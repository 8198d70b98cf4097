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
  description: [
    `Waits up to ${CANCEL_WAIT_MS / 1000} s. Exits 0 when the job is CANCELED or had already ended (noted on`,
    'stderr), 1 when it ended otherwise while being canceled (e.g. FAILED; the cause is printed).',
  ].join('\n'),
  positionals: [{ name: 'jobId', description: 'Id printed by `eddy submit` or shown by `eddy list`.' }],
  options: [COORDINATOR_OPTION],
  jobArgs: false,
};

/** How a cancellation ended. */
interface CancelOutcome {
  readonly state: string;
  /** The job had ended before the request reached it. */
  readonly alreadyEnded: boolean;
  readonly failure: string;
}

async function cancel(client: JobClient, jobId: string): Promise<CancelOutcome> {
  try {
    const after = await client.cancelJob(jobId);
    if (isTerminalState(after.state))
      return { state: after.state, alreadyEnded: after.state !== 'CANCELED', failure: after.failure };
  } catch (err) {
    // A coordinator may refuse to cancel a job that already ended; that job is stopped all the same.
    if (!(err instanceof RpcError && err.code === grpc.status.FAILED_PRECONDITION)) throw err;
    const now = await client.getJobStatus(jobId);
    if (isTerminalState(now.state)) return { state: now.state, alreadyEnded: true, failure: now.failure };
  }
  const final = await client.waitForJobState(jobId, (s) => isTerminalState(s.state), { timeoutMs: CANCEL_WAIT_MS });
  return { state: final.state, alreadyEnded: false, failure: final.failure };
}

async function run(args: ParsedArgs): Promise<number> {
  const jobId = args.positionals[0]!;
  const outcome = await withClient(args, (client) => cancel(client, jobId));
  if (outcome.state === 'CANCELED') {
    println(`job ${jobId} CANCELED`);
    return 0;
  }
  if (outcome.alreadyEnded) {
    eprintln(`job ${jobId} had already ended: ${outcome.state}`);
    return 0;
  }
  // Stopped, but not by the cancellation: e.g. a task failed while the job was being canceled.
  eprintln(`job ${jobId} ended ${outcome.state} instead of CANCELED${outcome.failure ? `: ${outcome.failure}` : ''}`);
  return 1;
}

/** The `cancel` command. */
export const cancelCommand: Command = { spec, run };
