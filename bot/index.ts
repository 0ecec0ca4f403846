/** Process entry: configuration → telemetry (when configured) → the app → graceful shutdown on SIGTERM/SIGINT/SIGHUP. */
import pino from 'pino';
import { ConfigError, loadConfig, loadDotEnv } from './config';
import type { StartOptions } from './main';
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
  // OpenTelemetry must be in place before http, restify and the Azure SDK are loaded (its instrumentations patch
  // them as they load), so the app is required only after it; without a connection string it is never loaded.
  let telemetry: StartOptions['telemetry'] & { logStream?: pino.DestinationStream } | undefined;
  if (config.appInsightsConnectionString) {
    telemetry = (require('./otel') as typeof import('./otel')).startAzureMonitor(config.appInsightsConnectionString);
  }
  const log = telemetry?.logStream
    ? createLogger(config.logLevel, pino.multistream([
      { level: config.logLevel as pino.Level, stream: pino.destination(1) },
      { level: config.logLevel as pino.Level, stream: telemetry.logStream },
    ]))
    : createLogger(config.logLevel);
  if (config.mode === 'local') {
    log.warn({ host: config.host }, 'LOCAL MODE: no MICROSOFT_APP_ID, so requests are not authenticated; listening on 127.0.0.1 only');
  }
  const { startApp } = require('./main') as typeof import('./main');
  const app = await startApp(config, { log, telemetry });
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal (npm forwards the one it got, a terminal sends its own) must not cut the ordered stop short.
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight turns');
    app.stop()
      // The last telemetry (this shutdown's logs, the final metrics) is flushed before the process ends.
      .then(() => telemetry?.shutdown().catch(() => undefined))
      .then(() => { log.info('stopped cleanly'); process.exit(0); }, (err: unknown) => {
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
