/**
 * A job as a worker runs it: the job function evaluated locally (for the user's functions) and
 * checked against the JobGraph the coordinator planned, so every process runs the same graph.
 */
import { streamGraphFingerprint, type JobGraph } from '@eddy/common';
import { buildJob, loadJobFunction, type Transformation } from '@eddy/api/internal';

/** The pieces a task needs. */
export interface BuiltJob {
  readonly jobGraph: JobGraph;
  /** Transformations by stream node id. */
  readonly transformations: ReadonlyMap<number, Transformation>;
}

/**
 * Loads an artifact, builds the job and compares it with the coordinator's graph.
 * @throws Error when the job is not deterministic (builds a different graph here).
 */
export async function buildJobOnWorker(
  artifactFile: string,
  args: readonly string[],
  parallelismOverride: number,
  planned: JobGraph,
): Promise<BuiltJob> {
  const fn = await loadJobFunction(artifactFile);
  const built = buildJob(fn, args, parallelismOverride);
  if (built.fingerprint !== streamGraphFingerprint(planned.streamGraph))
    throw new Error(
      'the job built a different graph on this worker than on the coordinator; a job function must be deterministic (same operators, names and parallelism for the same arguments)',
    );
  const transformations = new Map<number, Transformation>();
  for (const t of built.env.getTransformations()) transformations.set(t.id, t);
  return { jobGraph: planned, transformations };
}
