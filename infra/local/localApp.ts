/**
 * The app as the local launcher runs it: when no Table Storage is configured, an embedded Azurite on disk under
 * LOCAL_DATA_DIR is started here and handed to the production composition root (bot/main.ts), which closes it
 * last on stop (after the turns and the outbox), so the data is saved. With storage configured, plain startApp.
 */
import type { Logger } from 'pino';
import type { Config } from '../../bot/config';
import { createLogger } from '../../bot/log';
import { startApp, type RunningApp, type StartOptions } from '../../bot/main';
import { startAzurite, stopLeftoverAzurite } from './azurite';
import { isPortFree } from './ports';

export async function startLocalApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  if (config.storage.kind !== 'embedded') return startApp(config, options);
  const log = options.log ?? createLogger(config.logLevel);
  const azurite = await startEmbeddedAzurite(config.storage, log);
  const close = async () => {
    await azurite.stop();
    log.info('stop: embedded Azurite closed, data saved');
  };
  try {
    return await startApp(config, { ...options, log, storage: { access: { kind: 'connectionString', connectionString: azurite.connectionString }, close } });
  } catch (err) {
    await azurite.stop();
    throw err;
  }
}

async function startEmbeddedAzurite(storage: Extract<Config['storage'], { kind: 'embedded' }>, log: Logger) {
  // An Azurite left running on our data by an earlier start (its launcher was killed) is closed first: it saves.
  const leftover = await stopLeftoverAzurite(storage.location);
  if (leftover) log.warn({ pid: leftover }, 'stopped an embedded Azurite left running by an earlier start (its data was saved)');
  if (!(await isPortFree(storage.port))) {
    throw new Error(`Port ${storage.port} is taken, so the embedded Azurite cannot start. Stop what uses it, or set AZURITE_PORT to a free port (or AZURE_TABLES_CONNECTION_STRING to use a running Azurite).`);
  }
  const azurite = await startAzurite({ port: storage.port, location: storage.location, logFile: `${storage.location}/azurite.log` });
  log.info({ port: azurite.port, location: storage.location }, 'embedded Azurite started (data on disk)');
  return azurite;
}
