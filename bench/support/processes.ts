/**
 * Child processes of the bench (coordinator and workers), tracked so that none outlives the
 * bench: a synchronous `exit` hook SIGKILLs survivors, and SIGINT/SIGTERM stop children before
 * the bench exits with the conventional 128+signal code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILLs every tracked child still running. Synchronous, so it is safe in an `exit` hook. */
export function killAllChildrenNow(): void {
  for (const child of live) if (isRunning(child)) child.kill('SIGKILL');
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildrenNow);
  const onSignal = (signal: NodeJS.Signals, code: number): void => {
    process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
    killAllChildrenNow();
    process.exit(code);
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
}

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /** Name for messages, e.g. `worker-1`. */
  readonly name: string;
  /** The script `node` runs. */
  readonly script: string;
  readonly args: readonly string[];
  /** Extra node flags, e.g. `--cpu-prof`. Default none. */
  readonly nodeArgs?: readonly string[];
  /** Variables added to (or overriding) this process's environment for the child. Default none. */
  readonly env?: Readonly<Record<string, string>>;
  /** stderr (the process's logs) is appended to this file. */
  readonly logFile: string;
}

/** A tracked `node` child process. Its stdout is available for ready lines; stderr goes to a log file. */
export class NodeProcess {
  /** Resolves when the child has exited. Never rejects. */
  readonly exited: Promise<ChildExit>;
  readonly child: ChildProcess;

  constructor(readonly opts: SpawnNodeOptions) {
    installHooks();
    const log = fs.openSync(opts.logFile, 'a');
    try {
      this.child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script, ...opts.args], {
        stdio: ['ignore', 'pipe', log],
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
      });
    } finally {
      fs.closeSync(log);
    }
    live.add(this.child);
    const child = this.child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      });
      child.once('error', (err) => {
        if (child.pid !== undefined) return; // only a failed spawn is not followed by 'exit'
        live.delete(child);
        process.stderr.write(`${opts.name}: cannot start: ${err.message}\n`);
        resolve({ code: 127, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Resolves with the first stdout line that parses as a JSON object, which the child prints once
   * it is ready.
   * @throws Error when the child exits or `timeoutMs` passes before that; the message includes the
   *   end of the child's log.
   */
  readyLine(timeoutMs: number): Promise<Record<string, unknown>> {
    const stdout = this.child.stdout;
    if (!stdout) return Promise.reject(new Error(`${this.opts.name}: no stdout`));
    return new Promise((resolve, reject) => {
      let pending = '';
      let settled = false;
      const cleanup = (): void => {
        settled = true;
        clearTimeout(timer);
        stdout.off('data', onData);
      };
      const fail = (why: string): void => {
        if (settled) return;
        cleanup();
        reject(new Error(`${this.opts.name} ${why}\n--- last lines of ${this.opts.logFile} ---\n${tailOf(this.opts.logFile, 20)}`));
      };
      const timer = setTimeout(() => fail(`did not report ready within ${timeoutMs} ms`), timeoutMs);
      const onData = (chunk: Buffer): void => {
        pending += chunk.toString('utf8');
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line.startsWith('{')) continue;
          try {
            const parsed = JSON.parse(line) as unknown;
            if (parsed && typeof parsed === 'object') {
              cleanup();
              resolve(parsed as Record<string, unknown>);
              return;
            }
          } catch {
            // not a ready line; keep reading
          }
        }
      };
      stdout.on('data', onData);
      void this.exited.then((exit) => fail(`exited early (code ${exit.code}, signal ${exit.signal})`));
    });
  }

  /** Whether the child is still running. */
  get running(): boolean {
    return isRunning(this.child);
  }

  /**
   * SIGKILLs the child, as a crash or an OOM kill would end it: no shutdown, no goodbye to the
   * coordinator. Resolves once it has exited.
   */
  async kill(): Promise<ChildExit> {
    if (isRunning(this.child)) this.child.kill('SIGKILL');
    return this.exited;
  }

  /**
   * Stops the child: SIGTERM, then SIGKILL after `graceMs`. A SIGTERM lets it shut down cleanly
   * (which is also when `--cpu-prof` writes its profile).
   */
  async stop(graceMs = 5000): Promise<ChildExit> {
    if (isRunning(this.child)) this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (isRunning(this.child)) this.child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The last `lines` lines of a text file, or a note when it cannot be read. */
export function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read: ${err instanceof Error ? err.message : String(err)})`;
  }
}
