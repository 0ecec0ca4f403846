import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitForPort } from './ports';

/** The well-known Azurite development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

export interface AzuriteHandle {
  port: number;
  connectionString: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  port: number;
  /** Directory for data on disk; omitted = in memory. */
  location?: string;
  /** Where Azurite's own output goes; default: discarded. */
  logFile?: string;
  /** HTTPS with this PEM certificate and key, and Entra-style bearer tokens (oauth basic): production-like access. */
  https?: { cert: string; key: string; oauth: boolean };
}

/** Starts Azurite's table service (telemetry off) and resolves once it accepts connections. */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  const main = require.resolve('azurite/dist/src/table/main.js');
  const args = [main, '--disableTelemetry', '--tableHost', '127.0.0.1', '--tablePort', String(options.port), '--skipApiVersionCheck'];
  if (options.https) {
    args.push('--cert', options.https.cert, '--key', options.https.key);
    if (options.https.oauth) args.push('--oauth', 'basic');
  }
  if (options.location) {
    fs.mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  let out: 'ignore' | number = 'ignore';
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    out = fs.openSync(options.logFile, 'a');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, out] });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const failed = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Azurite exited early with code ${code} (is port ${options.port} taken?)`))));
  await Promise.race([waitForPort(options.port, '127.0.0.1', 30_000), failed]);
  failed.catch(() => undefined);
  return {
    port: options.port,
    connectionString: azuriteConnectionString(options.port),
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
