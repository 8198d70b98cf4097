/**
 * A local Eddy cluster for benchmarks: one coordinator and N workers, each its own `node`
 * process, on free ports (every process binds port 0 and reports its address), with data
 * directories and logs in a fresh temporary directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobClient } from '@eddy/client';
import { CLUSTER_NODE_MAIN } from './paths.js';
import { NodeProcess, tailOf } from './processes.js';

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Worker processes. */
  readonly workers: number;
  /** Slots per worker. */
  readonly slots: number;
  /**
   * Extra node flags for worker processes, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']`.
   * Default: the whitespace-separated words of `EDDY_BENCH_WORKER_NODE_ARGS`, or none.
   */
  readonly workerNodeArgs?: readonly string[];
  /** How long each process may take to report ready. Default 30 000 ms. */
  readonly startTimeoutMs?: number;
}

/** A running local cluster. */
export interface Cluster {
  /** `host:port` of the coordinator. */
  readonly address: string;
  /** A client of the coordinator's JobService. */
  readonly client: JobClient;
  /** Worker id → process id, for reports and profiling. */
  readonly workerPids: ReadonlyMap<string, number>;
  /** Temporary directory with data directories and the processes' logs. */
  readonly dir: string;
  /**
   * Throws when a cluster process has exited (it should run until {@link stop}); the message
   * includes the end of its log.
   */
  checkAlive(): void;
  /** Stops workers, then the coordinator, and removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a coordinator and `workers` workers and waits until every worker has registered.
 * @throws Error when a process fails to start or register in time; already started processes are stopped.
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-'));
  const timeout = opts.startTimeoutMs ?? 30_000;
  const workerNodeArgs =
    opts.workerNodeArgs ?? (process.env.EDDY_BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const procs: NodeProcess[] = [];
  const exits: string[] = [];
  let client: JobClient | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client?.close();
    // Workers first, so they do not see a vanished coordinator.
    await Promise.all(procs.slice(1).map((p) => p.stop()));
    await procs[0]?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const coordinator = new NodeProcess({
      name: 'coordinator',
      script: CLUSTER_NODE_MAIN,
      args: ['coordinator', path.join(dir, 'coordinator')],
      logFile: path.join(dir, 'coordinator.log'),
    });
    procs.push(coordinator);
    const address = String((await coordinator.readyLine(timeout)).address);
    const workers = Array.from({ length: opts.workers }, (_v, i) => {
      const w = new NodeProcess({
        name: `worker-${i + 1}`,
        script: CLUSTER_NODE_MAIN,
        args: ['worker', path.join(dir, `worker-${i + 1}`), address, String(opts.slots)],
        nodeArgs: workerNodeArgs,
        logFile: path.join(dir, `worker-${i + 1}.log`),
      });
      procs.push(w);
      return w;
    });
    const ready = await Promise.all(workers.map((w) => w.readyLine(timeout)));
    const workerPids = new Map<string, number>();
    ready.forEach((r, i) => workerPids.set(String(r.workerId), workers[i]!.pid ?? -1));
    client = new JobClient(address);
    await client.waitForWorkers(opts.workers, { timeoutMs: timeout, pollMs: 50 });
    for (const p of procs) {
      void p.exited.then((e) => {
        if (!stopped) exits.push(`${p.opts.name} exited (code ${e.code}, signal ${e.signal})\n${tailOf(p.opts.logFile, 20)}`);
      });
    }
    const jobClient = client;
    return {
      address,
      client: jobClient,
      workerPids,
      dir,
      checkAlive() {
        if (exits.length > 0) throw new Error(`a cluster process died: ${exits.join('\n')}`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
