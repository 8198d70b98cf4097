/**
 * Test harness that runs a real, single-member etcd on loopback. Tests (unit and cluster) use it
 * instead of a fake so that the etcd metadata store is checked against the server it talks to in
 * production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from './free-port.js';

/** Options of {@link startEtcd}. Every field is optional. */
export interface StartEtcdOptions {
  /** etcd binary. Default: `/usr/bin/etcd` when it exists (Debian's `etcd-server`), else `etcd` on `PATH`. */
  binary?: string;
  /** Member name (`--name`). Default `eddy-test`. */
  name?: string;
  /** How long to wait for `/health` to report healthy. Default 20 000 ms. */
  startTimeoutMs?: number;
  /** How long {@link EtcdServer.stop} waits after SIGTERM before it sends SIGKILL. Default 5 000 ms. */
  stopTimeoutMs?: number;
  /** Extra command-line flags appended after the harness's own. Default none. */
  extraArgs?: readonly string[];
}

/** A running etcd started by {@link startEtcd}. */
export interface EtcdServer {
  /** Client URL, `http://127.0.0.1:<port>`; pass it to the etcd metadata store or `etcdctl --endpoints`. */
  readonly endpoint: string;
  /** The member's fresh temporary data directory; removed by {@link EtcdServer.stop}. */
  readonly dataDir: string;
  /** Process id, for chaos tests that pause (SIGSTOP) or kill etcd directly. */
  readonly pid: number;
  /** The last bytes etcd wrote to stderr (its log), for failure reports. */
  logs(): string;
  /**
   * Stops etcd: SIGTERM, then SIGKILL when it has not exited within `stopTimeoutMs`; waits for
   * the exit and removes the data directory. Idempotent; never rejects because etcd had already
   * died.
   */
  stop(): Promise<void>;
}

/** etcd did not become healthy. `logs` holds the tail of its stderr. */
export class EtcdStartError extends Error {
  constructor(
    message: string,
    readonly logs: string,
    options?: { cause?: unknown },
  ) {
    super(logs ? `${message}\n--- etcd stderr (tail) ---\n${logs}` : message, options);
    this.name = 'EtcdStartError';
  }
}

const DEFAULTS = { name: 'eddy-test', startTimeoutMs: 20_000, stopTimeoutMs: 5_000 } as const;
const LOG_TAIL_BYTES = 16 * 1024;
const HEALTH_POLL_MS = 50;
const HEALTH_REQUEST_TIMEOUT_MS = 1_000;
// A free port can be taken between probing and etcd binding it; a fresh pair usually works.
const PORT_CLASH_ATTEMPTS = 3;

/**
 * Starts a single-member etcd on free loopback ports (client and peer) with a fresh data directory
 * under `os.tmpdir()`, and resolves once `GET /health` answers `{"health":"true"}`.
 *
 * The child is unref'ed so that a test which forgets {@link EtcdServer.stop} does not hang its
 * process; a process `exit` hook then kills it (SIGKILL) and removes its data directory. Fatal
 * signals that bypass `exit` handlers cannot be covered.
 *
 * @throws {EtcdStartError} when the binary is missing, etcd exits early, or it is not healthy
 * within `startTimeoutMs`; the message includes the tail of etcd's stderr. Nothing is left running.
 */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      const clash = err instanceof EtcdStartError && /address already in use/i.test(err.logs);
      if (!clash || attempt >= PORT_CLASH_ATTEMPTS) throw err;
    }
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

async function startOnce(opts: StartEtcdOptions): Promise<EtcdServer> {
  const binary = opts.binary ?? (existsSync('/usr/bin/etcd') ? '/usr/bin/etcd' : 'etcd');
  const name = opts.name ?? DEFAULTS.name;
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULTS.startTimeoutMs;
  const stopTimeoutMs = opts.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs;

  const clientPort = await findFreePort();
  let peerPort = await findFreePort();
  while (peerPort === clientPort) peerPort = await findFreePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'eddy-etcd-'));

  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${name}=${peerUrl}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: etcdEnv() });
  const logs = new TailBuffer(LOG_TAIL_BYTES);
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk));
  const exit = watchExit(child);
  let exited: Exit | undefined;
  void exit.then((e) => (exited = e));
  const entry = { child, dataDir };
  trackForExitHook(entry);

  const fail = async (message: string, cause?: unknown): Promise<never> => {
    untrack(entry);
    if (!exited) child.kill('SIGKILL');
    await exit;
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    throw new EtcdStartError(message, logs.toString(), { cause });
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      if (exited.error) return fail(`cannot start etcd binary '${binary}': ${exited.error.message}`, exited.error);
      return fail(`etcd exited during startup (code ${exited.code}, signal ${exited.signal})`);
    }
    if (await isHealthy(endpoint)) break;
    if (Date.now() >= deadline) return fail(`etcd at ${endpoint} not healthy within ${startTimeoutMs} ms`);
    await delay(HEALTH_POLL_MS);
  }

  // Unref so a forgotten stop() cannot keep the test process alive; the exit hook cleans up.
  child.unref();
  (child.stderr as Socket | null)?.unref();

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    untrack(entry);
    if (!exited) {
      // Hold the event loop open until etcd is really gone.
      child.ref();
      child.kill('SIGTERM');
      if (!(await settlesWithin(exit, stopTimeoutMs))) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  return {
    endpoint,
    dataDir,
    pid: child.pid ?? -1,
    logs: () => logs.toString(),
    stop: () => (stopping ??= stop()),
  };
}

/** Parent env without `ETCD_*` variables, which etcd would otherwise merge with our flags. */
function etcdEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCD_')) env[k] = v;
  // etcd refuses to start on architectures other than amd64 unless told this explicitly.
  if (process.arch !== 'x64') env['ETCD_UNSUPPORTED_ARCH'] = process.arch;
  return env;
}

/** Resolves once the child is gone and its stderr drained, or when it could not be spawned. */
function watchExit(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      // 'error' also fires for a failed kill(); only a failed spawn means 'close' may never come.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
  });
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function isHealthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(`${endpoint}/health`, { agent: false, timeout: HEALTH_REQUEST_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', () => resolve(false));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 && (JSON.parse(body) as { health?: unknown }).health === 'true');
        } catch {
          resolve(false);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('health probe timed out')));
    req.on('error', () => resolve(false));
  });
}

interface Tracked {
  child: ChildProcess;
  dataDir: string;
}
const running = new Set<Tracked>();
let exitHookInstalled = false;

function trackForExitHook(entry: Tracked): void {
  running.add(entry);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL and a blocking rm are all we can do here.
  process.once('exit', () => {
    for (const { child, dataDir } of running) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      try {
        rmSync(dataDir, { recursive: true, force: true });
      } catch {
        // Best effort while the process is going away.
      }
    }
    running.clear();
  });
}

function untrack(entry: Tracked): void {
  running.delete(entry);
}

/** Keeps roughly the last `capacity` bytes written, so a chatty etcd cannot grow memory. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (let first = this.chunks[0]; first && this.size - first.length >= this.capacity; first = this.chunks[0]) {
      this.chunks.shift();
      this.size -= first.length;
    }
  }

  toString(): string {
    return Buffer.concat(this.chunks).subarray(-this.capacity).toString('utf8').trim();
  }
}
