/**
 * Child entry point of the bench cluster: runs one coordinator or one worker in its own process,
 * so that the bench process (which only submits and polls) takes no CPU from the workers.
 *
 * ```
 * node cluster-node.js coordinator <dataDir> [<checkpointDir>]
 * node cluster-node.js worker <dataDir> <coordinatorAddress> <slots>
 * ```
 * Prints one JSON line on stdout when ready (`{"role","address"}`); logs (pino, level from
 * `EDDY_LOG_LEVEL`, default warn) go to stderr. SIGTERM and SIGINT shut it down cleanly.
 *
 * The runtime packages are imported by name at run time: the bench project does not reference
 * them at compile time, and the small interfaces below are all it relies on.
 */
import { createLogger, type Logger } from '@eddy/common';

interface Closable {
  readonly address: string;
  close(): Promise<void>;
}

interface CoordinatorModule {
  readonly startCoordinator: (opts: {
    host: string;
    port: number;
    dataDir: string;
    checkpointDir?: string;
    logger: Logger;
  }) => Promise<Closable>;
}

interface WorkerModule {
  readonly startWorker: (opts: {
    coordinator: string;
    slots: number;
    dataDir: string;
    host: string;
    port: number;
    logger: Logger;
  }) => Promise<Closable & { readonly workerId: string }>;
}

/** Imports a runtime package by name; the specifier is a variable so tsc does not resolve it. */
async function importRuntime<T>(name: '@eddy/coordinator' | '@eddy/worker'): Promise<T> {
  const specifier: string = name;
  return (await import(specifier)) as T;
}

async function main(): Promise<void> {
  const [role, dataDir, third, slots] = process.argv.slice(2);
  const level = process.env.EDDY_LOG_LEVEL ?? 'warn';
  if (!dataDir) throw new Error('usage: cluster-node.js coordinator <dataDir> [<checkpointDir>] | worker <dataDir> <coordinator> <slots>');
  let handle: Closable;
  if (role === 'coordinator') {
    const { startCoordinator } = await importRuntime<CoordinatorModule>('@eddy/coordinator');
    handle = await startCoordinator({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      // The option, not EDDY_CHECKPOINT_DIR: startCoordinator does not read the environment.
      ...(third ? { checkpointDir: third } : {}),
      logger: createLogger({ role, level }),
    });
    process.stdout.write(`${JSON.stringify({ role, address: handle.address })}\n`);
  } else if (role === 'worker') {
    const coordinator = third;
    if (!coordinator || !slots) throw new Error('a worker needs <coordinator> <slots>');
    const { startWorker } = await importRuntime<WorkerModule>('@eddy/worker');
    const worker = await startWorker({
      coordinator,
      slots: Number(slots),
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ role, level }),
    });
    handle = worker;
    process.stdout.write(`${JSON.stringify({ role, address: worker.address, workerId: worker.workerId })}\n`);
  } else {
    throw new Error(`unknown role '${role}'`);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 4000);
    force.unref();
    handle.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${role}: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster-node: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
