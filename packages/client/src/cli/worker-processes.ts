/**
 * Worker child processes of `eddy local`: spawned from this same CLI (`eddy worker …`), their
 * output forwarded line by line, and stopped with SIGTERM then SIGKILL. A process `exit` hook
 * SIGKILLs any child still alive, so no worker outlives the CLI, even after a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WORKER_NODE_FLAGS } from '@eddy/common';
import { LineSplitter } from './lines.js';

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link WorkerProcess.spawn}. */
export interface WorkerProcessOptions {
  /** Position of the worker, for messages (0-based). */
  readonly index: number;
  /** Arguments after `eddy worker`. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Complete stdout lines of the child. Return false to pause reading until `resume` is called. */
  readonly onStdout: (lines: string[], pause: () => (() => void)) => void;
  /** Complete stderr lines of the child. */
  readonly onStderr: (lines: string[]) => void;
}

/** The compiled CLI entry point, which `node` runs for `eddy worker`. */
export const CLI_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' listeners must be synchronous; SIGKILL is all that can still be done.
  process.on('exit', killAllWorkersNow);
}

/** SIGKILLs every worker child still running. Synchronous; safe to call from an `exit` hook. */
export function killAllWorkersNow(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

/** A worker child process and its forwarded output. */
export class WorkerProcess {
  /** Resolves when the child exited and its output was fully forwarded. Never rejects. */
  readonly exited: Promise<ChildExit>;
  private exitInfo: ChildExit | undefined;

  private constructor(
    readonly index: number,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      child.once('error', (err) => {
        // Only a failed spawn means no 'close' will follow.
        if (child.pid !== undefined) return;
        live.delete(child);
        process.stderr.write(`worker ${index}: cannot start: ${err.message}\n`);
        this.exitInfo = { code: 127, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  /**
   * Spawns `node <cli> worker <args>`. The child gets its own process group (`detached`), so a
   * terminal's Ctrl-C reaches only the CLI, which then cancels the job before it stops workers.
   */
  static spawn(opts: WorkerProcessOptions): WorkerProcess {
    // Source maps: failures in job code then point at the job file, not at the bundle.
    const child = spawn(process.execPath, ['--enable-source-maps', ...WORKER_NODE_FLAGS, CLI_MAIN, 'worker', ...opts.args], {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    track(child);
    const wp = new WorkerProcess(opts.index, child);
    const out = new LineSplitter();
    const err = new LineSplitter();
    const pause = (): (() => void) => {
      child.stdout?.pause();
      return () => child.stdout?.resume();
    };
    child.stdout?.on('data', (chunk: Buffer) => opts.onStdout(out.push(chunk), pause));
    child.stdout?.on('end', () => {
      const rest = out.end();
      if (rest !== undefined) opts.onStdout([rest], pause);
    });
    child.stderr?.on('data', (chunk: Buffer) => opts.onStderr(err.push(chunk)));
    child.stderr?.on('end', () => {
      const rest = err.end();
      if (rest !== undefined) opts.onStderr([rest]);
    });
    return wp;
  }

  /** The exit, once the child ended; undefined while it runs. */
  get exit(): ChildExit | undefined {
    return this.exitInfo;
  }

  /** The child's pid (undefined when it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Stops the worker: SIGTERM (it closes cleanly), then SIGKILL when it has not exited within
   * `graceMs`. Resolves once it is gone and its output forwarded. Idempotent.
   */
  async stop(graceMs = 5000): Promise<ChildExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    try {
      await Promise.race([this.exited, killed]);
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `worker 1 exited with code 1` / `… was killed by SIGKILL`. */
export function describeExit(index: number, e: ChildExit): string {
  return e.signal ? `worker ${index} was killed by ${e.signal}` : `worker ${index} exited with code ${e.code}`;
}
