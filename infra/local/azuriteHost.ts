/**
 * The embedded Azurite's own process: Azurite's table server, run so that every way of stopping it saves its data.
 *
 * Why not Azurite's `table/main.js`: its on-disk store (LokiJS, `__azurite_db_table__.json`) is written by an
 * autosave timer every 5 s (LokiTableMetadataStore: `autosaveInterval: 5000`) and on close, and main.js closes
 * only on SIGINT or an IPC "shutdown" message. SIGTERM (kill, process managers) ends it without closing, so the
 * writes of the last few seconds are lost. Here SIGINT, SIGTERM, SIGHUP, and the parent's death (the IPC channel
 * disconnects, even after `kill -9` of the parent) all close the server once, which saves the store; then the
 * process exits. Only SIGKILL or power loss skip the save.
 *
 * Usage (by infra/local/azurite.ts): node azuriteHost.js <port> <location|:memory:> [certFile keyFile [oauth]]
 * With a location it records its pid and command in <location>/azurite.pid so a later start can find and stop
 * it if it was left running.
 */
import fs from 'node:fs';
import path from 'node:path';

interface TableServerLike { start(): Promise<void>; close(): Promise<void> }
type TableServerCtor = new (config: unknown) => TableServerLike;
type TableConfigurationCtor = new (...args: unknown[]) => unknown;

/** The file next to the data that names the Azurite process serving it. */
export const PID_FILE = 'azurite.pid';
/** A word in this process's command line: proves a recorded pid is still one of ours, not a reused pid. */
export const HOST_MARKER = 'azuriteHost.js';

export interface PidRecord {
  pid: number;
  port: number;
  location: string;
  /** The process that started it (the launcher): while that lives, the Azurite is in use, not left over. */
  parent: number;
}

function main(): void {
  const [portArg, locationArg, cert = '', key = '', oauth] = process.argv.slice(2);
  const port = Number(portArg);
  const inMemory = locationArg === ':memory:';
  const location = inMemory ? undefined : path.resolve(locationArg);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const TableServer = (require('azurite/dist/src/table/TableServer') as { default: TableServerCtor }).default;
  const TableConfiguration = (require('azurite/dist/src/table/TableConfiguration') as { default: TableConfigurationCtor }).default;
  const constants = require('azurite/dist/src/table/utils/constants') as { DEFAULT_TABLE_LOKI_DB_PATH: string; DEFAULT_TABLE_KEEP_ALIVE_TIMEOUT: number };
  (require('azurite/dist/src/common/Logger') as { configLogger: (enable: boolean) => void }).configLogger(false);
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (location) fs.mkdirSync(location, { recursive: true });
  const dbPath = path.join(location ?? process.cwd(), constants.DEFAULT_TABLE_LOKI_DB_PATH);
  // The same positional settings Azurite's table/main.js passes (3.35.0), with the access log only when it goes to a file.
  const config = new TableConfiguration('127.0.0.1', port, constants.DEFAULT_TABLE_KEEP_ALIVE_TIMEOUT, dbPath,
    false, process.env.AZURITE_ACCESS_LOG === '1', undefined, undefined, false, true, cert, key, '', oauth, false, inMemory);
  const server = new TableServer(config);
  const pidFile = location ? path.join(location, PID_FILE) : undefined;

  const started = server.start();
  let closing: Promise<void> | undefined;
  const close = (why: string): Promise<void> => {
    closing ??= (async () => {
      console.log(`Azurite closing (${why}): saving data`);
      await started.catch(() => undefined);
      try {
        await server.close();
        console.log('Azurite closed: data saved');
      } finally {
        if (pidFile) fs.rmSync(pidFile, { force: true });
      }
      process.exit(0);
    })().catch((err: unknown) => {
      console.error(`Azurite could not close cleanly: ${(err as Error).message}`);
      process.exit(1);
    });
    return closing;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void close(signal));
  // The lifeline: the parent started us with an IPC channel; when it goes (the parent exited or was killed), so do we.
  if (process.send) {
    process.on('disconnect', () => void close('parent gone'));
    process.channel?.unref();
  }
  started.then(() => {
    if (pidFile && location) fs.writeFileSync(pidFile, JSON.stringify({ pid: process.pid, port, location, parent: process.ppid } satisfies PidRecord));
    console.log(`Azurite table service listening on 127.0.0.1:${port}${location ? ` (data in ${location})` : ' (in memory)'}`);
  }, (err: unknown) => {
    console.error(`Azurite could not start: ${(err as Error).message}`);
    process.exit(1);
  });
}

if (require.main === module) main();
