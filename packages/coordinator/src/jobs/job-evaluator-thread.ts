/**
 * Worker-thread entry that evaluates a job artifact in isolation from the coordinator's event
 * loop and heap, and posts back the JobGraph or the reason the job is invalid.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildJob, loadJobFunction } from '@eddy/api/internal';

interface Input {
  readonly artifactFile: string;
  readonly args: string[];
  readonly parallelism: number;
}

const input = workerData as Input;

async function main(): Promise<void> {
  try {
    const fn = await loadJobFunction(input.artifactFile);
    const built = buildJob(fn, input.args, input.parallelism);
    parentPort?.postMessage({ ok: true, jobGraph: built.jobGraph });
  } catch (err) {
    parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  }
}

void main();
