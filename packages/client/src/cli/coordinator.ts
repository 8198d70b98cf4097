/**
 * `eddy coordinator`: runs a coordinator (Flink: JobManager) until SIGINT or SIGTERM.
 */
import { SETTINGS } from '@eddy/common';
import { option, requireInt, type CommandSpec, type ParsedArgs } from './args.js';
import { flushLogger, loggerFor, type Command } from './command.js';
import { shutdownSignals } from './signals.js';

const spec: CommandSpec = {
  name: 'coordinator',
  summary: 'Run a coordinator (JobManager) until SIGINT or SIGTERM.',
  description: 'Logs (JSON by default) go to stderr. Exits 0 after a clean shutdown.',
  positionals: [],
  options: [
    { setting: SETTINGS.coordinatorHost, valueName: 'HOST' },
    { setting: SETTINGS.coordinatorPort, valueName: 'PORT' },
    { setting: SETTINGS.etcd, valueName: 'URL[,URL...]' },
    { setting: SETTINGS.dataDir, valueName: 'DIR' },
    { setting: SETTINGS.checkpointDir, valueName: 'DIR' },
    { setting: SETTINGS.retainedCheckpoints, valueName: 'N' },
  ],
  jobArgs: false,
};

async function run(args: ParsedArgs): Promise<number> {
  const host = option(args, SETTINGS.coordinatorHost);
  const port = requireInt(option(args, SETTINGS.coordinatorPort), SETTINGS.coordinatorPort, 0);
  const etcd = option(args, SETTINGS.etcd);
  const dataDir = option(args, SETTINGS.dataDir);
  const checkpointDir = option(args, SETTINGS.checkpointDir);
  const retainedCheckpoints = requireInt(option(args, SETTINGS.retainedCheckpoints), SETTINGS.retainedCheckpoints, 1);
  const logger = loggerFor(args, 'coordinator');
  const signals = shutdownSignals();
  try {
    const { startCoordinator } = await import('@eddy/coordinator');
    const starting = startCoordinator({
      host,
      port,
      dataDir,
      logger,
      retainedCheckpoints,
      ...(etcd ? { etcd } : {}),
      ...(checkpointDir ? { checkpointDir } : {}),
    });
    // A signal during startup (e.g. etcd unreachable) must not wait for the start to give up.
    const handle = await Promise.race([starting, signals.received.then(() => undefined)]);
    if (!handle) {
      logger.warn('interrupted during startup');
      void starting.then((h) => h.close()).catch(() => {}); // main exits the process shortly anyway
      return 0;
    }
    logger.info({ address: handle.address, port: handle.port, etcd: etcd || undefined, dataDir }, 'coordinator ready');
    const signal = await signals.received;
    logger.info({ signal }, 'shutting down');
    await handle.close();
    return 0;
  } catch (err) {
    logger.fatal({ err }, 'coordinator failed');
    return 1;
  } finally {
    signals.dispose();
    await flushLogger(logger);
  }
}

/** The `coordinator` command. */
export const coordinatorCommand: Command = { spec, run };
