/**
 * One run of `eddy local` (Flink: MiniCluster): an in-process coordinator, N worker child
 * processes, one job. Owns every resource it starts and releases all of them in
 * {@link LocalSession.run}'s cleanup, whatever way the run ends.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobStatus__Output, Logger } from '@eddy/common';
import type { CoordinatorHandle } from '@eddy/coordinator';
import { JobClient, isTerminalState } from '../job-client.js';
import { ConsoleOutput, WARN_LEVEL, isShownLogLine } from './lines.js';
import { ProgressLine, RateMeter, progressText, recordTotals } from './progress.js';
import { shutdownSignals } from './signals.js';
import { WorkerProcess, describeExit, killAllWorkersNow, type ChildExit } from './worker-processes.js';

/** Everything a local run needs, already resolved from flags and environment. */
export interface LocalSessionOptions {
  readonly job: string;
  readonly jobArgs: readonly string[];
  readonly workers: number;
  readonly slots: number;
  /** 0 keeps the job's own parallelism. */
  readonly parallelism: number;
  /** Undefined: a fresh temporary directory, removed at the end. */
  readonly dataDir: string | undefined;
  /** Logger of the in-process coordinator. */
  readonly logger: Logger;
  /** Environment of the worker processes. */
  readonly workerEnv: NodeJS.ProcessEnv;
  /** Forward all worker log lines (the user chose a level), not only warnings and errors. */
  readonly allWorkerLogs: boolean;
  /** Draw the live progress line (stderr is a terminal). */
  readonly showProgress: boolean;
}

const POLL_MS = 250; // also the progress redraw rate: ~4 per second
const REGISTER_TIMEOUT_MS = 30_000;
const CANCEL_TIMEOUT_MS = 10_000;
const WORKER_STOP_GRACE_MS = 5_000;
const INTERRUPTED = Symbol('interrupted');

/** A local cluster running one job. Use once. */
export class LocalSession {
  private readonly progress: ProgressLine | undefined;
  private readonly output: ConsoleOutput;
  private readonly workers: WorkerProcess[] = [];
  private coordinator: CoordinatorHandle | undefined;
  private client: JobClient | undefined;
  private jobId: string | undefined;
  private lastStatus: JobStatus__Output | undefined;
  private tempDir: string | undefined;
  private stopping = false;

  constructor(private readonly opts: LocalSessionOptions) {
    this.progress = opts.showProgress ? new ProgressLine(process.stderr) : undefined;
    this.output = new ConsoleOutput(process.stdout, process.stderr, this.progress);
  }

  /**
   * Runs the job to its end and cleans up.
   * @returns 0 when the job FINISHED, 1 when it FAILED, was CANCELED or could not run, 130 when
   * interrupted by SIGINT or SIGTERM (the job is cancelled first).
   */
  async run(): Promise<number> {
    const signals = shutdownSignals();
    const removeTempDir = (): void => {
      if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    };
    // A crash skips `finally`; the exit hook still removes the directory (workers: see worker-processes).
    process.on('exit', removeTempDir);
    try {
      const outcome = await Promise.race([this.execute(), signals.received.then((): typeof INTERRUPTED => INTERRUPTED)]);
      if (outcome !== INTERRUPTED) return outcome;
      this.stopping = true;
      this.progress?.clear();
      await this.cancelJob();
      return 130;
    } catch (err) {
      this.progress?.clear();
      this.output.stderrLines([`eddy local: ${err instanceof Error ? err.message : String(err)}`]);
      return 1;
    } finally {
      signals.onRepeat(() => {
        // Second Ctrl-C: the user does not want to wait for a clean stop.
        killAllWorkersNow();
        process.exit(130);
      });
      await this.cleanup();
      process.off('exit', removeTempDir);
      signals.dispose();
    }
  }

  private async execute(): Promise<number> {
    const { opts } = this;
    const dataDir = opts.dataDir ?? (this.tempDir = await mkdtemp(join(tmpdir(), 'eddy-local-')));
    // Loaded lazily: the coordinator is only needed here, not by the other commands.
    const { startCoordinator } = await import('@eddy/coordinator');
    this.coordinator = await startCoordinator({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dataDir, 'coordinator'),
      logger: opts.logger,
    });
    if (this.stopping) {
      // Interrupted while the coordinator started: cleanup has already run without it.
      await this.coordinator.close();
      throw new Error('interrupted');
    }
    const address = `127.0.0.1:${this.coordinator.port}`;
    this.client = new JobClient(address);
    for (let i = 0; i < opts.workers; i++) this.workers.push(this.spawnWorker(i, address, join(dataDir, `worker-${i}`)));
    this.showProgress(`starting ${opts.workers} worker(s)...`);
    await this.orWorkerExit(this.client.waitForWorkers(opts.workers, { timeoutMs: REGISTER_TIMEOUT_MS }));

    this.jobId = await this.client.submitJobFile(opts.job, { args: opts.jobArgs, parallelism: opts.parallelism });
    const status = await this.monitor(this.client, this.jobId);
    if (this.stopping) return 130; // interrupted meanwhile: run() reports and cleans up

    // Stop the workers before reporting, so that all their output is printed first.
    this.stopping = true;
    this.progress?.clear();
    await this.stopWorkers();
    if (status.state === 'FINISHED') return 0;
    const cause = status.failure ? `: ${status.failure}` : '';
    this.output.stderrLines([`job ${status.id} (${status.name}) ${status.state}${cause}`]);
    return 1;
  }

  /** Polls the job until it is terminal, drawing the progress line. */
  private async monitor(client: JobClient, jobId: string): Promise<JobStatus__Output> {
    const started = Date.now();
    const meter = new RateMeter();
    for (;;) {
      const status = await client.getJobStatus(jobId);
      this.lastStatus = status;
      if (isTerminalState(status.state)) return status;
      const totals = recordTotals(status);
      const now = Date.now();
      this.showProgress(progressText(status.state, totals, meter.add(now, totals.recordsIn), now - started));
      if (this.workers.every((w) => w.exit !== undefined))
        throw new Error(`every worker exited while the job was ${status.state}; it cannot make progress`);
      await sleep(POLL_MS);
    }
  }

  private showProgress(text: string): void {
    if (!this.stopping) this.progress?.show(text);
  }

  private spawnWorker(index: number, coordinator: string, dataDir: string): WorkerProcess {
    const minLevel = this.opts.allWorkerLogs ? 0 : WARN_LEVEL;
    const wp = WorkerProcess.spawn({
      index,
      args: ['--coordinator', coordinator, '--slots', String(this.opts.slots), '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0'],
      env: this.opts.workerEnv,
      onStdout: (lines, pause) => {
        if (!this.output.stdoutLines(lines)) this.output.onStdoutDrain(pause());
      },
      onStderr: (lines) => this.output.stderrLines(lines.filter((l) => isShownLogLine(l, minLevel))),
    });
    wp.exited
      .then((exit) => {
        if (!this.stopping) this.output.stderrLines([`eddy local: ${describeExit(index, exit)}`]);
      })
      .catch(() => {}); // `exited` never rejects; nothing to report
    return wp;
  }

  /** Awaits `p`, but fails as soon as a worker exits (e.g. it could not reach the coordinator). */
  private async orWorkerExit<T>(p: Promise<T>): Promise<T> {
    const firstExit = Promise.race(this.workers.map((w) => w.exited.then((exit): [number, ChildExit] => [w.index, exit])));
    return Promise.race([
      p,
      firstExit.then(([index, exit]): never => {
        throw new Error(`${describeExit(index, exit)} during startup`);
      }),
    ]);
  }

  private async cancelJob(): Promise<void> {
    const { client, jobId } = this;
    if (!client || !jobId || (this.lastStatus && isTerminalState(this.lastStatus.state))) return;
    try {
      await client.cancelJob(jobId);
      const final = await client.waitForJobState(jobId, (s) => isTerminalState(s.state), { timeoutMs: CANCEL_TIMEOUT_MS });
      const cause = final.state === 'FAILED' && final.failure ? `: ${final.failure}` : '';
      this.output.stderrLines([`job ${jobId} ${final.state}${cause}`]);
    } catch (err) {
      this.output.stderrLines([`eddy local: could not cancel job ${jobId}: ${err instanceof Error ? err.message : String(err)}`]);
    }
  }

  private async stopWorkers(): Promise<void> {
    // The coordinator warns about every lost worker; here losing them is the plan, not news.
    if (!this.opts.allWorkerLogs) this.opts.logger.level = 'error';
    await Promise.all(this.workers.map((w) => w.stop(WORKER_STOP_GRACE_MS)));
  }

  /** Releases everything; never throws (problems are printed). */
  private async cleanup(): Promise<void> {
    this.stopping = true;
    this.progress?.clear();
    await this.stopWorkers();
    this.client?.close();
    try {
      await this.coordinator?.close();
    } catch (err) {
      this.output.stderrLines([`eddy local: closing the coordinator failed: ${err instanceof Error ? err.message : String(err)}`]);
    }
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true, maxRetries: 3 });
  }
}
