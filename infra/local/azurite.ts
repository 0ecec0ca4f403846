import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isPortFree, waitForPort } from './ports';
import { commandLineOf, isAlive, parentOf, waitUntil } from './processes';
import { HOST_MARKER, PID_FILE, type PidRecord } from './azuriteHost';

/** The well-known Azurite development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * How much a hard crash (kill -9 of Azurite itself, power loss) can lose: Azurite's table store (LokiJS) is
 * saved to disk by a timer every 5 s (azurite 3.35.0, LokiTableMetadataStore `autosaveInterval: 5000`) and
 * on close. Every other way of stopping it closes it (see azuriteHost.ts).
 */
export const AZURITE_AUTOSAVE_MS = 5000;

/** How long a closing Azurite may take to save before it is killed (it saves one JSON file; this is generous). */
const CLOSE_TIMEOUT_MS = 30_000;

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

export interface AzuriteHandle {
  port: number;
  connectionString: string;
  process: ChildProcess;
  /** Closes Azurite (it saves its data first) and waits for the process to end. */
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

/**
 * Starts Azurite's table service (our host process, see azuriteHost.ts) and resolves once it accepts connections.
 * It runs in its own process group, so a terminal's Ctrl+C reaches only the launcher, which stops it last, after
 * the bot and the outbox; and it is tied to this process by an IPC lifeline, so it saves and exits if we die.
 */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  const host = path.join(__dirname, 'azuriteHost.js');
  const args = [host, String(options.port), options.location ? path.resolve(options.location) : ':memory:'];
  if (options.https) args.push(options.https.cert, options.https.key, ...(options.https.oauth ? ['basic'] : []));
  if (options.location) fs.mkdirSync(options.location, { recursive: true });
  let out: 'ignore' | number = 'ignore';
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    out = fs.openSync(options.logFile, 'a');
  }
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', out, out, 'ipc'],
    detached: process.platform !== 'win32',
    env: { ...process.env, AZURITE_ACCESS_LOG: options.logFile ? '1' : '0' },
  });
  if (typeof out === 'number') fs.closeSync(out);
  // The IPC channel is only a lifeline (we send nothing): it must not keep this process alive.
  child.channel?.unref();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const failed = exited.then(() => { throw new Error(`Azurite exited early with code ${child.exitCode} (is port ${options.port} taken?)`); });
  try {
    await Promise.race([waitForPort(options.port, '127.0.0.1', 30_000), failed]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  failed.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    port: options.port,
    connectionString: azuriteConnectionString(options.port),
    process: child,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // SIGINT is what Azurite itself closes on (its table/main.js); our host closes on any of them.
        child.kill('SIGINT');
        const killer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

/**
 * Before starting the embedded Azurite with data in `location`: an Azurite of this project left
 * running on that data (recorded in <location>/azurite.pid, its command line still ours, the process that
 * started it gone — a live one means another start uses the data, and that is refused) is closed — it saves
 * its data — so a new one can start; whatever port it used (two Azurites on one data file would overwrite each
 * other). Returns the pid it stopped, if any. Anything else on the port is left alone (the caller refuses with a
 * message naming AZURITE_PORT).
 */
export async function stopLeftoverAzurite(location: string): Promise<number | undefined> {
  const file = path.join(location, PID_FILE);
  let record: PidRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
  const ours = Number.isInteger(record.pid) && record.pid > 0 && isAlive(record.pid)
    && isOurAzurite(commandLineOf(record.pid), path.resolve(location));
  if (!ours) {
    // A stale record (the process is gone, or the pid now belongs to something else).
    fs.rmSync(file, { force: true });
    return undefined;
  }
  if (record.parent > 1 && parentOf(record.pid) === record.parent) {
    // Still the child of the launcher that started it: the data is in use by another start, not left over.
    // (A left-over one has been re-parented: its launcher is gone.)
    throw new Error(`The local data in ${location} is in use by another running start of this project (pid ${record.parent}). Stop that one first, or set LOCAL_DATA_DIR to another folder.`);
  }
  process.kill(record.pid, 'SIGINT');
  if (!(await waitUntil(() => !isAlive(record.pid), CLOSE_TIMEOUT_MS))) process.kill(record.pid, 'SIGKILL');
  await waitUntil(() => isPortFree(record.port), 5_000);
  return record.pid;
}

function isOurAzurite(commandLine: string | undefined, location: string): boolean {
  return !!commandLine && commandLine.includes(HOST_MARKER) && commandLine.includes(location);
}
