/**
 * The cluster-test harness (Flink: MiniCluster for ITCases, but with real processes): starts a
 * coordinator and workers as `eddy` CLI processes on free ports, captures their output, and
 * always cleans up. Waits poll with deadlines; nothing here sleeps for a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { JobClient } from '@eddy/client';
import { findFreePort } from '@eddy/common/testing';

/** Repository root (this file runs as `test/dist/harness/cluster.js`). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `eddy` launcher the harness runs. */
export const EDDY_BIN = join(REPO_ROOT, 'packages', 'client', 'bin', 'eddy.js');

const STDERR_TAIL_BYTES = 64 * 1024;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 50;
const PORT_CLASH_ATTEMPTS = 3;

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Worker processes to start. */
  readonly workers: number;
  /** Slots per worker (`--slots`). Default 4. */
  readonly slots?: number;
  /** etcd endpoint(s) for the coordinator and the workers (`--etcd`); default none = embedded file store. */
  readonly etcd?: string;
  /**
   * Extra environment of every process. The harness drops inherited `EDDY_*` variables so a
   * developer's shell cannot change a test; set them here instead. `EDDY_LOG_LEVEL` defaults to
   * `info` (captured in memory, shown when something fails).
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment of worker `index` only (also for workers added later), over {@link env}. */
  readonly workerEnv?: (index: number) => Readonly<Record<string, string>> | undefined;
  /** How long startup may take before it fails. Default 30 000 ms. */
  readonly startTimeoutMs?: number;
  /** How long {@link Cluster.stop} waits after SIGTERM before SIGKILL. Default 5 000 ms. */
  readonly stopTimeoutMs?: number;
}

/** A running test cluster. */
export interface Cluster {
  /** `127.0.0.1:<port>` of the coordinator. */
  readonly coordinatorAddress: string;
  /** Client of the coordinator; closed by {@link stop}. */
  readonly client: JobClient;
  readonly coordinator: ChildProcess;
  /** Worker processes by index, including stopped ones (indexes never shift). */
  readonly workers: readonly ChildProcess[];
  /** Everything worker `i` wrote to stdout so far (the jobs' print output). */
  stdoutOf(i: number): string;
  /** The last 64 KiB worker `i` wrote to stderr (its logs). */
  stderrOf(i: number): string;
  /** The last 64 KiB the coordinator wrote to stderr. */
  coordinatorStderr(): string;
  /** Stderr tails of every process, for assertion messages. */
  logs(): string;
  /**
   * Starts one more worker and resolves once the coordinator lists it (matched by pid).
   * @returns its index in {@link workers}.
   */
  addWorker(): Promise<number>;
  /**
   * Sends `signal` (default SIGKILL) to worker `i`. For SIGSTOP / SIGCONT / SIGTSTP it resolves
   * right away; otherwise once the process exited.
   * @throws Error when the worker does not exit within the stop timeout.
   */
  killWorker(i: number, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops every process (SIGTERM, SIGKILL after the stop timeout), waits for them to exit and
   * removes the temporary directories. Idempotent; never rejects.
   */
  stop(): Promise<void>;
}

/** Startup failed; the message carries the stderr tails of the processes. */
export class ClusterStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClusterStartError';
  }
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One child process with its output captured in memory. */
class Managed {
  stdout = '';
  private stderrTail = '';
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (s: string) => (this.stdout += s));
    child.stderr?.on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => resolve((this.exit = { code, signal })));
      child.once('error', (err) => {
        if (child.pid !== undefined) return; // a failed kill(), not a failed spawn
        this.stderrTail += `\n[harness] cannot spawn: ${err.message}`;
        resolve((this.exit = { code: null, signal: null }));
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  stderr(): string {
    return this.stderrTail;
  }

  describe(): string {
    const state = this.exit ? `exited (code ${this.exit.code}, signal ${this.exit.signal})` : `running (pid ${this.child.pid})`;
    return `--- ${this.name}: ${state}; stderr tail ---\n${this.stderrTail.slice(-4096).trimEnd()}`;
  }

  /** SIGTERM (and SIGCONT, so a paused process can act on it), then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    this.child.kill('SIGCONT');
    if (await settlesWithin(this.exited, graceMs)) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Every process and directory any cluster created, so a test that forgets stop() (or crashes)
// still leaves nothing behind. 'exit' hooks must be synchronous: SIGKILL and rmSync.
const liveProcesses = new Set<Managed>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of liveProcesses) if (p.running) p.child.kill('SIGKILL');
    for (const d of liveDirs) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        // Best effort while the process goes away.
      }
    }
  });
}

/** The parent's environment without `EDDY_*`, then `defaults`, then `extra`. */
function childEnv(
  extra: Readonly<Record<string, string>> = {},
  defaults: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDDY_')) env[k] = v;
  return { ...env, ...defaults, ...extra };
}

function spawnEddy(name: string, args: readonly string[], env: NodeJS.ProcessEnv): Managed {
  installExitHook();
  const child = spawn(process.execPath, ['--enable-source-maps', EDDY_BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = new Managed(name, child);
  liveProcesses.add(m);
  void m.exited.then(() => liveProcesses.delete(m));
  return m;
}

/**
 * Polls `check` every 50 ms until it returns a value other than undefined or false, or fails after
 * `timeoutMs` with an error naming `what` (and the last error `check` threw, if any).
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  pollMs = POLL_MS,
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as Exclude<T, false>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(pollMs);
  }
}

/**
 * Starts a coordinator and `workers` workers as real `eddy` processes, and resolves once every
 * worker is registered.
 * @throws ClusterStartError when a process exits or the cluster is not up within the start
 * timeout; everything started is stopped first and the message has every process's stderr tail.
 */
export async function startCluster(opts: StartClusterOptions): Promise<Cluster> {
  installExitHook();
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const stopTimeoutMs = opts.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const slots = opts.slots ?? 4;
  const env = childEnv(opts.env, { EDDY_LOG_LEVEL: 'info' });
  const root = await mkdtemp(join(tmpdir(), 'eddy-cluster-'));
  liveDirs.add(root);
  const deadline = Date.now() + startTimeoutMs;

  const workers: Managed[] = [];
  let coordinator: Managed | undefined;
  let client: JobClient | undefined;
  let stopping: Promise<void> | undefined;
  const all = (): Managed[] => (coordinator ? [coordinator, ...workers] : [...workers]);
  const logs = (): string => all().map((m) => m.describe()).join('\n');

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      client?.close();
      // Workers first: they shut down cleanly while their coordinator is still there.
      await Promise.all(workers.map((w) => w.stop(stopTimeoutMs)));
      await coordinator?.stop(stopTimeoutMs);
      await rm(root, { recursive: true, force: true, maxRetries: 3 });
      liveDirs.delete(root);
    })());

  const coordinatorPorts = new Map<Managed, number>();
  const addressOf = (m: Managed): string => `127.0.0.1:${coordinatorPorts.get(m)}`;

  /** Awaits `p` but fails as soon as one of `watched` exits. */
  const unlessExited = async <T>(p: Promise<T>, watched: readonly Managed[]): Promise<T> => {
    const died = Promise.race(watched.map((m) => m.exited.then(() => m)));
    return Promise.race([
      p,
      died.then((m): never => {
        throw new Error(`${m.name} exited during startup (code ${m.exit?.code}, signal ${m.exit?.signal})`);
      }),
    ]);
  };

  const startWorker = async (index: number, timeoutMs: number): Promise<Managed> => {
    if (!coordinator || !client) throw new Error('the coordinator is not running');
    const w = spawnEddy(
      `worker ${index}`,
      [
        'worker',
        '--coordinator',
        addressOf(coordinator),
        '--slots',
        String(slots),
        '--data-dir',
        join(root, `worker-${index}`),
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        // Workers of an etcd cluster keep a liveness lease there, as in production.
        ...(opts.etcd ? ['--etcd', opts.etcd] : []),
      ],
      { ...env, ...opts.workerEnv?.(index) },
    );
    workers[index] = w;
    const c = client;
    await unlessExited(
      pollUntil(`worker ${index} (pid ${w.child.pid}) to register`, async () => {
        const listed = await c.listWorkers();
        return listed.some((info) => info.pid === w.child.pid) ? true : undefined;
      }, timeoutMs),
      [w, coordinator],
    );
    return w;
  };

  try {
    // A free port can be taken between probing and binding; retry with a fresh one then.
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      const args = ['coordinator', '--host', '127.0.0.1', '--port', String(port), '--data-dir', join(root, 'coordinator')];
      if (opts.etcd) args.push('--etcd', opts.etcd);
      coordinator = spawnEddy('coordinator', args, env);
      coordinatorPorts.set(coordinator, port);
      client?.close();
      client = new JobClient(`127.0.0.1:${port}`, { rpcTimeoutMs: 5_000 });
      const c = client;
      try {
        await unlessExited(
          pollUntil(
            'the coordinator to answer',
            async () => {
              await c.listWorkers();
              return true;
            },
            Math.max(0, deadline - Date.now()),
          ),
          [coordinator],
        );
        break;
      } catch (err) {
        const clash = /EADDRINUSE|address already in use/i.test(coordinator.stderr());
        if (!clash || attempt >= PORT_CLASH_ATTEMPTS) throw err;
        await coordinator.stop(stopTimeoutMs);
      }
    }
    await Promise.all(
      Array.from({ length: opts.workers }, (_, i) => startWorker(i, Math.max(0, deadline - Date.now()))),
    );
  } catch (err) {
    const message = `cluster did not start: ${err instanceof Error ? err.message : String(err)}\n${logs()}`;
    await stop();
    throw new ClusterStartError(message, { cause: err });
  }

  const coord = coordinator;
  const cl = client;
  const worker = (i: number): Managed => {
    const w = workers[i];
    if (!w) throw new RangeError(`no worker ${i} (there are ${workers.length})`);
    return w;
  };
  return {
    coordinatorAddress: addressOf(coord),
    client: cl,
    coordinator: coord.child,
    get workers() {
      return workers.map((w) => w.child);
    },
    stdoutOf: (i) => worker(i).stdout,
    stderrOf: (i) => worker(i).stderr(),
    coordinatorStderr: () => coord.stderr(),
    logs,
    async addWorker() {
      const index = workers.length;
      try {
        await startWorker(index, startTimeoutMs);
      } catch (err) {
        throw new Error(`worker ${index} did not start: ${err instanceof Error ? err.message : String(err)}\n${logs()}`, {
          cause: err,
        });
      }
      return index;
    },
    async killWorker(i, signal = 'SIGKILL') {
      const w = worker(i);
      if (!w.running) return;
      w.child.kill(signal);
      if (signal === 'SIGSTOP' || signal === 'SIGCONT' || signal === 'SIGTSTP') return;
      if (!(await settlesWithin(w.exited, stopTimeoutMs)))
        throw new Error(`worker ${i} did not exit within ${stopTimeoutMs} ms of ${signal}\n${w.describe()}`);
    },
    stop,
  };
}

/** What {@link runEddy} returns. */
export interface EddyResult {
  /** Exit code; null when the process was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runEddy}. */
export interface RunEddyOptions {
  /** Kill the process (SIGKILL) and reject after this long. Default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Extra environment (inherited `EDDY_*` variables are dropped, as for clusters). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. Default the repository root. */
  readonly cwd?: string;
}

/**
 * Runs the `eddy` CLI with `args` and resolves with its exit and output once it ended.
 * @throws Error when it runs longer than the timeout (it is killed; the message has its output).
 */
export async function runEddy(args: readonly string[], opts: RunEddyOptions = {}): Promise<EddyResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  installExitHook();
  const child = spawn(process.execPath, ['--enable-source-maps', EDDY_BIN, ...args], {
    env: childEnv(opts.env),
    cwd: opts.cwd ?? REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = new Managed(`eddy ${args.join(' ')}`, child);
  liveProcesses.add(m);
  try {
    if (!(await settlesWithin(m.exited, timeoutMs))) {
      child.kill('SIGKILL');
      await m.exited;
      throw new Error(
        `'eddy ${args.join(' ')}' did not end within ${timeoutMs} ms\n--- stdout ---\n${m.stdout.slice(-4096)}\n--- stderr ---\n${m.stderr()}`,
      );
    }
    const exit = await m.exited;
    return { code: exit.code, signal: exit.signal, stdout: m.stdout, stderr: m.stderr() };
  } finally {
    liveProcesses.delete(m);
  }
}
