/** Process entry: configuration → the app → graceful shutdown on SIGTERM/SIGINT. */
import { ConfigError, loadConfig, loadDotEnv } from './config';
import { startApp } from './main';
import { createLogger } from './log';

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (config.mode === 'local') {
    log.warn({ host: config.host }, 'LOCAL MODE: no MICROSOFT_APP_ID, so requests are not authenticated; listening on 127.0.0.1 only');
  }
  const app = await startApp(config, { log });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: draining in-flight turns');
    app.stop().then(() => { log.info('stopped cleanly'); process.exit(0); }, (err: unknown) => {
      log.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Valtuusbotti could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
