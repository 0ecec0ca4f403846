/** Process entry: configuration → the app → graceful shutdown on SIGTERM/SIGINT/SIGHUP. */
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
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal (npm forwards the one it got, a terminal sends its own) must not cut the ordered stop short.
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight turns');
    app.stop().then(() => { log.info('stopped cleanly'); process.exit(0); }, (err: unknown) => {
      log.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
}

main().catch((err: unknown) => {
  process.stderr.write(`Valtuusbotti could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
