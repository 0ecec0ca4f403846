/**
 * `npm start`: the whole app on embedded defaults — Azurite's table service on disk under .data/, the sample
 * organisation, the bot on 127.0.0.1, and the Microsoft 365 Agents Playground as the Teams client — then prints
 * what to open. Any port already taken stops the start with a message naming the setting to change.
 */
import path from 'node:path';
import fs from 'node:fs';
import { ConfigError, loadConfig, loadDotEnv, projectRoot } from '../../bot/config';
import type { RunningApp } from '../../bot/main';
import { startLocalApp } from './localApp';
import { createLogger } from '../../bot/log';
import { isPortFree } from './ports';
import { stopLeftoverAzurite } from './azurite';
import { startPlayground, PLAYGROUND_PORT_ENV, type PlaygroundHandle } from './playground';
import { castMember, writePlaygroundConfig, PLAYGROUND_IDS, PLAYGROUND_CAST } from './playgroundConfig';

async function main(): Promise<void> {
  loadDotEnv();
  const root = projectRoot();
  const playgroundPort = Number(process.env[PLAYGROUND_PORT_ENV] ?? 56150);
  const who = process.env.PLAYGROUND_USER ?? 'employee';
  if (!PLAYGROUND_CAST.some((c) => c.role === who || c.aadObjectId === who)) {
    fail(`PLAYGROUND_USER="${who}" is not one of: ${PLAYGROUND_CAST.map((c) => c.role).join(', ')}.`);
  }
  // The playground is the Teams client locally: its channel is the administrators' channel and its connector
  // receives proactive messages. (With MICROSOFT_APP_ID set, npm start is not the way to run: use start:bot.)
  process.env.ADMIN_CHANNEL_ID ??= PLAYGROUND_IDS.channelId;
  process.env.ADMIN_TEAM_ID ??= PLAYGROUND_IDS.teamId;
  process.env.BOT_SERVICE_URL ??= `http://localhost:${playgroundPort}/_connector`;

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`${err.message}\nSee README.md, "Configuration".`);
    throw err;
  }
  if (config.mode !== 'local') fail('npm start runs the local stack (Agents Playground, no authentication). MICROSOFT_APP_ID is set: use "npm run start:bot" for a real tenant.');

  const log = createLogger(config.logLevel);
  const ports: Array<[number, string]> = [[config.port, 'PORT'], [playgroundPort, PLAYGROUND_PORT_ENV]];
  if (config.storage.kind === 'embedded') {
    ports.push([config.storage.port, 'AZURITE_PORT']);
    // The Azurite of an earlier start whose launcher was killed (-9) may still be saving or running: close it.
    const leftover = await stopLeftoverAzurite(config.storage.location);
    if (leftover) log.warn({ pid: leftover }, 'stopped an embedded Azurite left running by an earlier start (its data was saved)');
  }
  for (const [port, setting] of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${setting}="${port}" must be a port number.`);
    if (!(await isPortFree(port))) fail(`Port ${port} is already in use (another npm start still running?). Stop it, or set ${setting} to a free port.`);
  }

  const dataRoot = config.storage.kind === 'embedded' ? path.dirname(config.storage.location) : path.join(root, '.data');
  // From here on a stop signal stops what has started, in order (see stopStack).
  const stack: { app?: RunningApp; playground?: PlaygroundHandle } = {};
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) { log.info({ reason }, 'already stopping'); return; }
    stopping = true;
    log.info({ reason }, 'stopping the local stack');
    stopStack(stack).then(() => { log.info('local stack stopped'); process.exit(0); }, (err: unknown) => {
      log.error({ err: (err as Error).message }, 'stopping the local stack failed');
      process.exit(1);
    });
  };
  // A terminal's Ctrl+C (SIGINT to the foreground group: npm and this process; Azurite and the playground run
  // in their own groups), a process manager's SIGTERM, and a closed terminal's SIGHUP all stop the same way.
  // npm forwards the signal it got too, so a second one is expected and ignored.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  // If whatever started us goes away without a signal reaching us (a shell in between was killed), stop too.
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) stop('parent-exit'); }, 1000).unref();

  const app: RunningApp = await startLocalApp(config, { log });
  stack.app = app;
  if (stopping) return;
  const configPath = path.join(dataRoot, 'playground', 'm365agentsplayground.yml');
  writePlaygroundConfig(who, configPath);
  let playground: PlaygroundHandle;
  try {
    playground = await startPlayground({ port: playgroundPort, botEndpoint: `${app.url}/api/messages`, configPath,
      logFile: path.join(dataRoot, 'playground', 'playground.log'), cwd: root });
  } catch (err) {
    await app.stop();
    fail((err as Error).message);
  }
  stack.playground = playground;
  if (stopping) return;
  const person = castMember(who);
  const line = '─'.repeat(72);
  process.stdout.write([
    '', line,
    ` Valtuusbotti is running locally (no authentication; listening on 127.0.0.1 only).`,
    ``,
    `   Open the Teams client:  ${playground.url}`,
    `   Reports tab (browser):  ${app.url}/reports   (local mode: no sign-in, the data as the local user)`,
    `   You are:                ${person.name} (${person.role})`,
    `   Try:                    "hei" in Personal Chat, then "Tilaa valtuus"`,
    `   Administrators' channel: team "${PLAYGROUND_IDS.teamName}" → channel "${PLAYGROUND_IDS.channelName}"`,
    `   Act as someone else:    PLAYGROUND_USER=administrator npm start (roles: ${PLAYGROUND_CAST.map((c) => c.role).join(', ')})`,
    ``,
    `   Bot endpoint: ${app.url}/api/messages   Health: ${app.url}/healthz`,
    `   Data on disk: ${path.relative(process.cwd(), dataRoot) || '.data'}/ (delete it to start afresh)`,
    `   Stop with Ctrl+C (or SIGTERM): the bot finishes its turns, the outbox its round, then the data is saved.`,
    line, '',
  ].join('\n'));

  playground.process.once('exit', (code) => {
    if (!stopping) { log.error({ code }, 'the Agents Playground exited; stopping'); stop('playground-exit'); }
  });
  fs.mkdirSync(dataRoot, { recursive: true });
}

/**
 * Stop order: the bot drains its in-flight turns, the outbox finishes its round and releases its lease, the
 * embedded Azurite closes (saving to disk) — all in app.stop(), which closes the Azurite localApp.ts handed it —
 * and the playground goes last, because the bot's replies during the drain go to its connector.
 */
async function stopStack(stack: { app?: RunningApp; playground?: PlaygroundHandle }): Promise<void> {
  await stack.app?.stop();
  await stack.playground?.stop().catch(() => undefined);
}

function fail(message: string): never {
  process.stderr.write(`\nnpm start: ${message}\n\n`);
  process.exit(1);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
