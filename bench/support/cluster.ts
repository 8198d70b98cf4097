/**
 * A local Eddy cluster for benchmarks: one coordinator and N workers, each its own `node`
 * process, on free ports (every process binds port 0 and reports its address), with data
 * directories, the checkpoint directory and logs in a fresh temporary directory.
 *
 * Workers can be SIGKILLed and replaced while the cluster runs, for the recovery benchmark.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobClient } from '@eddy/client';
import { WORKER_NODE_FLAGS } from '@eddy/common';
import { CLUSTER_NODE_MAIN } from './paths.js';
import { pollUntil } from './polling.js';
import { NodeProcess, tailOf } from './processes.js';

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Worker processes. */
  readonly workers: number;
  /** Slots per worker. */
  readonly slots: number;
  /**
   * Extra node flags for worker processes, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']`,
   * after `WORKER_NODE_FLAGS`, which workers always get (as `eddy local` passes them).
   * Default: the whitespace-separated words of `EDDY_BENCH_WORKER_NODE_ARGS`, or none.
   */
  readonly workerNodeArgs?: readonly string[];
  /**
   * Variables set for worker processes on top of the bench's own environment, which they inherit
   * anyway (so `EDDY_STATE_CACHE_BYTES` exported in the shell reaches them). Default none.
   */
  readonly workerEnv?: Readonly<Record<string, string>>;
  /** How long each process may take to report ready. Default 30 000 ms. */
  readonly startTimeoutMs?: number;
}

/** A worker process of the cluster. */
export interface BenchWorker {
  /** Position in {@link Cluster.workers}: 0-based, in start order, replacements included. */
  readonly index: number;
  /** `worker-<index + 1>`, also the name of its data directory and log file. */
  readonly name: string;
  /** The id the worker registered with, as in job status and ListWorkers. */
  readonly workerId: string;
  readonly pid: number;
  /** Whether the process is still running. */
  readonly alive: boolean;
}

/** A running local cluster. */
export interface Cluster {
  /** `host:port` of the coordinator. */
  readonly address: string;
  /** A client of the coordinator's JobService. */
  readonly client: JobClient;
  /** Worker id → process id of every worker ever started, for reports and profiling. */
  readonly workerPids: ReadonlyMap<string, number>;
  /** Every worker ever started, in start order; killed ones stay listed with `alive` false. */
  readonly workers: readonly BenchWorker[];
  /** Temporary directory with data directories, the checkpoint directory and the processes' logs. */
  readonly dir: string;
  /** The coordinator's `--checkpoint-dir`, inside {@link dir}. */
  readonly checkpointDir: string;
  /**
   * Throws when a cluster process has exited (it should run until {@link stop}), except workers
   * ended by {@link killWorker}; the message includes the end of its log.
   */
  checkAlive(): void;
  /**
   * SIGKILLs the worker at `index`. Resolves once the process has exited; the coordinator notices
   * on its own (its registration stream breaks).
   * @throws Error when there is no such worker or it is not running.
   */
  killWorker(index: number): Promise<void>;
  /**
   * Starts one more worker with the cluster's slots and waits until it has registered.
   * @returns the new worker.
   * @throws Error when it does not start or register in time.
   */
  addWorker(): Promise<BenchWorker>;
  /** Stops workers, then the coordinator, and removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

interface WorkerEntry {
  readonly index: number;
  readonly name: string;
  readonly process: NodeProcess;
  workerId: string;
  killed: boolean;
}

/**
 * Starts a coordinator and `workers` workers and waits until every worker has registered.
 * @throws Error when a process fails to start or register in time; already started processes are stopped.
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-'));
  const checkpointDir = path.join(dir, 'checkpoints');
  const timeout = opts.startTimeoutMs ?? 30_000;
  const workerNodeArgs = [
    ...WORKER_NODE_FLAGS,
    ...(opts.workerNodeArgs ?? (process.env.EDDY_BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '')),
  ];
  let coordinator: NodeProcess | undefined;
  const workers: WorkerEntry[] = [];
  const workerPids = new Map<string, number>();
  const exits: string[] = [];
  let client: JobClient | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client?.close();
    // Workers first, so they do not see a vanished coordinator.
    await Promise.all(workers.map((w) => w.process.stop()));
    await coordinator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const watch = (p: NodeProcess, expected: () => boolean): void => {
    void p.exited.then((e) => {
      if (!stopped && !expected()) exits.push(`${p.opts.name} exited (code ${e.code}, signal ${e.signal})\n${tailOf(p.opts.logFile, 20)}`);
    });
  };
  const spawnWorker = (address: string): WorkerEntry => {
    const index = workers.length;
    const name = `worker-${index + 1}`;
    const entry: WorkerEntry = {
      index,
      name,
      process: new NodeProcess({
        name,
        script: CLUSTER_NODE_MAIN,
        args: ['worker', path.join(dir, name), address, String(opts.slots)],
        nodeArgs: workerNodeArgs,
        ...(opts.workerEnv ? { env: opts.workerEnv } : {}),
        logFile: path.join(dir, `${name}.log`),
      }),
      workerId: '',
      killed: false,
    };
    workers.push(entry);
    return entry;
  };
  const awaitReady = async (w: WorkerEntry): Promise<void> => {
    const ready = await w.process.readyLine(timeout);
    w.workerId = String(ready.workerId);
    workerPids.set(w.workerId, w.process.pid ?? -1);
  };
  const view = (w: WorkerEntry): BenchWorker => ({
    index: w.index,
    name: w.name,
    workerId: w.workerId,
    pid: w.process.pid ?? -1,
    get alive() {
      return w.process.running;
    },
  });
  try {
    coordinator = new NodeProcess({
      name: 'coordinator',
      script: CLUSTER_NODE_MAIN,
      args: ['coordinator', path.join(dir, 'coordinator'), checkpointDir],
      nodeArgs: (process.env.EDDY_BENCH_COORDINATOR_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== ''),
      logFile: path.join(dir, 'coordinator.log'),
    });
    const address = String((await coordinator.readyLine(timeout)).address);
    const initial = Array.from({ length: opts.workers }, () => spawnWorker(address));
    await Promise.all(initial.map(awaitReady));
    client = new JobClient(address);
    await client.waitForWorkers(opts.workers, { timeoutMs: timeout, pollMs: 50 });
    watch(coordinator, () => false);
    for (const w of initial) watch(w.process, () => w.killed);
    const jobClient = client;
    return {
      address,
      client: jobClient,
      workerPids,
      get workers() {
        return workers.map(view);
      },
      dir,
      checkpointDir,
      checkAlive() {
        if (exits.length > 0) throw new Error(`a cluster process died: ${exits.join('\n')}`);
      },
      async killWorker(index) {
        const w = workers[index];
        if (!w || !w.process.running) throw new Error(`worker index ${index} is not a running worker`);
        w.killed = true;
        await w.process.kill();
      },
      async addWorker() {
        const w = spawnWorker(address);
        watch(w.process, () => w.killed);
        await awaitReady(w);
        // Ready means its server is up; only once the coordinator lists it can it get tasks. A
        // count of workers would not do: a killed worker may still be listed for a moment.
        await pollUntil(
          async () => ((await jobClient.listWorkers()).some((x) => x.workerId === w.workerId) ? true : undefined),
          { timeoutMs: timeout, intervalMs: 20, what: `${w.name} to register` },
        );
        return view(w);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
