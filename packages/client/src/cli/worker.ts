/**
 * `eddy worker`: runs a worker (Flink: TaskManager) until SIGINT or SIGTERM, or until it loses
 * its coordinator for good.
 */
import { SETTINGS } from '@eddy/common';
import { option, requireInt, type CommandSpec, type ParsedArgs } from './args.js';
import { COORDINATOR_OPTION, flushLogger, loggerFor, type Command } from './command.js';
import { shutdownSignals } from './signals.js';

const spec: CommandSpec = {
  name: 'worker',
  summary: 'Run a worker (TaskManager) that offers task slots to a coordinator.',
  description: [
    "Jobs' print output goes to stdout, logs to stderr. Exits 0 after SIGINT or SIGTERM, 1 when",
    'the worker stops by itself (e.g. it lost its coordinator for good).',
  ].join('\n'),
  positionals: [],
  options: [
    COORDINATOR_OPTION,
    { setting: SETTINGS.workerSlots, valueName: 'N' },
    { setting: SETTINGS.dataDir, valueName: 'DIR' },
    { setting: SETTINGS.workerHost, valueName: 'HOST' },
    { setting: SETTINGS.workerPort, valueName: 'PORT' },
    { setting: SETTINGS.etcd, valueName: 'ENDPOINTS' },
    { setting: SETTINGS.stateCacheBytes, valueName: 'BYTES' },
  ],
  jobArgs: false,
};

async function run(args: ParsedArgs): Promise<number> {
  const coordinator = option(args, SETTINGS.coordinatorAddress);
  const slots = requireInt(option(args, SETTINGS.workerSlots), SETTINGS.workerSlots, 1);
  const dataDir = option(args, SETTINGS.dataDir);
  const host = option(args, SETTINGS.workerHost);
  const port = requireInt(option(args, SETTINGS.workerPort), SETTINGS.workerPort, 0);
  const etcd = option(args, SETTINGS.etcd);
  const stateCacheBytes = requireInt(option(args, SETTINGS.stateCacheBytes), SETTINGS.stateCacheBytes, 1 << 20);
  const logger = loggerFor(args, 'worker');
  const signals = shutdownSignals();
  try {
    const { startWorker } = await import('@eddy/worker');
    const starting = startWorker({ coordinator, slots, dataDir, host, port, logger, stateCacheBytes, ...(etcd ? { etcd } : {}) });
    // A signal during startup (e.g. the coordinator is unreachable) must not wait for the start to give up.
    const handle = await Promise.race([starting, signals.received.then(() => undefined)]);
    if (!handle) {
      logger.warn('interrupted during startup');
      void starting.then((h) => h.close()).catch(() => {}); // main exits the process shortly anyway
      return 0;
    }
    logger.info({ workerId: handle.workerId, address: handle.address, coordinator, slots }, 'worker ready');
    const outcome = await Promise.race([signals.received, handle.closed.then(() => 'closed' as const)]);
    if (outcome === 'closed') {
      logger.error({ workerId: handle.workerId }, 'worker stopped by itself (lost its coordinator?)');
      return 1;
    }
    logger.info({ signal: outcome }, 'shutting down');
    await handle.close();
    return 0;
  } catch (err) {
    logger.fatal({ err }, 'worker failed');
    return 1;
  } finally {
    signals.dispose();
    await flushLogger(logger);
  }
}

/** The `worker` command. */
export const workerCommand: Command = { spec, run };
