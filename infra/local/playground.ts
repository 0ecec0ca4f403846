import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isPortFree } from './ports';
import { writePlaygroundConfig, type PlaygroundRole } from './playgroundConfig';

export interface PlaygroundOptions {
  port: number;
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Config file (YAML or JSON); must exist, else the tool silently uses its built-in sample people. */
  configPath: string;
  /** The tool's own log (its config errors appear only here). */
  logFile: string;
  cwd?: string;
  /** How long to wait for "Listening on" and the backend to come up. */
  startTimeoutMs?: number;
}

export interface PlaygroundHandle {
  port: number;
  /** The web UI, e.g. http://127.0.0.1:56150/ */
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The env var that local scripts read for the playground port; named in errors so people know what to change. */
export const PLAYGROUND_PORT_ENV = 'PLAYGROUND_PORT';

/** The tool's own default port. */
export const DEFAULT_PLAYGROUND_PORT = 56150;

/** The port from PLAYGROUND_PORT, else the tool's default; rejects junk so a typo does not pick a random port. */
export function playgroundPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[PLAYGROUND_PORT_ENV];
  if (raw === undefined || raw === '') return DEFAULT_PLAYGROUND_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${PLAYGROUND_PORT_ENV}="${raw}" is not a TCP port`);
  return port;
}

const LISTENING = /Listening on (\d+)/;

/**
 * Starts the Agents Playground (the project's own install, telemetry off, no browser) on exactly `port`.
 * Fails instead of accepting the tool's silent fallback to a random port, and turns a rejected config file
 * (reported only in the log, after "Listening on", followed by exit 1) into a thrown Error with the reason.
 */
export async function startPlayground(opts: PlaygroundOptions): Promise<PlaygroundHandle> {
  if (!(await isPortFree(opts.port))) {
    throw new Error(`Port ${opts.port} for the Agents Playground is already in use: stop what listens there or set ${PLAYGROUND_PORT_ENV} to another port.`);
  }
  if (!fs.existsSync(opts.configPath)) {
    throw new Error(`Playground config ${opts.configPath} does not exist (the tool would fall back to its built-in sample users).`);
  }
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const logStart = fs.existsSync(opts.logFile) ? fs.statSync(opts.logFile).size : 0;

  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const args = [path.join(__dirname, 'lifeline.js'), cli, '-e', opts.botEndpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(opts.port)];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? process.cwd(),
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.resolve(opts.configPath),
      M365_AGENTS_PLAYGROUND_LOGFILE: path.resolve(opts.logFile),
    },
    // Its own process group: a terminal's Ctrl+C reaches only the launcher, which stops the tool after the bot
    // has drained (the bot's replies go to the tool's connector). It runs under lifeline.ts:
    // if this process dies, even by kill -9, the tool exits too. 0.2.28 spawns no children of its own (checked
    // with --disable-telemetry and TEAMSAPPTESTER_BROWSER=none), so ending it ends everything.
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const handle = makeHandle(child, opts.port);
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  try {
    const actual = await waitForListening(child, timeoutMs);
    if (actual !== opts.port) {
      throw new Error(`The Agents Playground listened on ${actual} instead of ${opts.port} (port taken meanwhile?); set ${PLAYGROUND_PORT_ENV} to a free port.`);
    }
    await waitForBackend(child, opts.port, timeoutMs, () => newLogText(opts.logFile, logStart));
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/** Stops `current` (if any), rewrites the config for `who`, and starts again on the same port. */
export async function restartPlaygroundAs(
  current: PlaygroundHandle | undefined,
  who: PlaygroundRole | string,
  opts: PlaygroundOptions,
): Promise<PlaygroundHandle> {
  if (current) await current.stop();
  writePlaygroundConfig(who, opts.configPath);
  // The old process has exited, but its listening socket may linger a moment in the kernel.
  const deadline = Date.now() + 5_000;
  while (!(await isPortFree(opts.port)) && Date.now() < deadline) await sleep(100);
  return startPlayground(opts);
}

function makeHandle(child: ChildProcess, port: number): PlaygroundHandle {
  const alive = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => {
    if (!alive()) resolve();
    else child.once('exit', () => resolve());
  });
  // If the parent exits without stop() (mocha --exit after a failing hook), do not leave the port taken.
  const onParentExit = () => { if (alive()) child.kill('SIGKILL'); };
  process.once('exit', onParentExit);
  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    process: child,
    stop() {
      stopping ??= (async () => {
        if (alive()) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => { if (alive()) child.kill('SIGKILL'); }, 5_000);
          await exited;
          clearTimeout(killer);
        }
        process.removeListener('exit', onParentExit);
      })();
      return stopping;
    },
  };
}

/** Resolves with the port from the "Listening on N" line; rejects if the tool exits or stays silent. */
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`The Agents Playground printed no "Listening on" within ${timeoutMs} ms. Output: ${out.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = LISTENING.exec(out);
      if (m) done(undefined, Number(m[1]));
    };
    const onExit = (code: number | null) => done(new Error(`The Agents Playground exited (code ${code}) before listening. Output: ${out.slice(-2000)}`));
    function done(err?: Error, port?: number) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so a chatty tool never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (err) reject(err); else resolve(port as number);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * "Listening on" is printed before the config is loaded. The backend routes (/_debug/ping) are mounted only
 * when the config was accepted; on rejection the tool logs the reason and exits. Poll until one of the two.
 */
async function waitForBackend(child: ChildProcess, port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw configError(log(), `exited with code ${child.exitCode}`);
    const status = await httpStatus(`http://127.0.0.1:${port}/_debug/ping`);
    if (status === 200) break;
    if (Date.now() > deadline) throw configError(log(), `backend not ready within ${timeoutMs} ms (last status ${status})`);
    await sleep(100);
  }
  // A tiny grace period: a late failure would show as an exit or an error in the log.
  await sleep(200);
  if (child.exitCode !== null || child.signalCode !== null) throw configError(log(), `exited with code ${child.exitCode}`);
  const text = log();
  if (/Failed to start/i.test(text)) throw configError(text, 'reported an error');
}

function configError(logText: string, what: string): Error {
  const reason = logText
    .split('\n')
    .filter((l) => /^(error|warn)\b/.test(l))
    // chalk colours are on in some terminals; strip ANSI escapes for readable messages.
    .map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''))
    .join('\n');
  return new Error(`The Agents Playground ${what} (bad config file?).${reason ? `\n${reason}` : ' Nothing in its log.'}`);
}

function newLogText(file: string, from: number): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.min(from, buf.length)).toString('utf8');
  } catch {
    return '';
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2_000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
