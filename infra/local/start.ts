/**
 * `npm start`: the whole app on embedded defaults — Azurite's table service on disk under .data/, the sample
 * organisation, the bot on 127.0.0.1, and the Microsoft 365 Agents Playground as the Teams client — then prints
 * what to open. Any port already taken stops the start with a message naming the setting to change.
 */
import path from 'node:path';
import fs from 'node:fs';
import { ConfigError, loadConfig, loadDotEnv, projectRoot } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { isPortFree } from './ports';
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

  const ports: Array<[number, string]> = [[config.port, 'PORT'], [playgroundPort, PLAYGROUND_PORT_ENV]];
  if (config.storage.kind === 'embedded') ports.push([config.storage.port, 'AZURITE_PORT']);
  for (const [port, setting] of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${setting}="${port}" must be a port number.`);
    if (!(await isPortFree(port))) fail(`Port ${port} is already in use (another npm start still running?). Stop it, or set ${setting} to a free port.`);
  }

  const log = createLogger(config.logLevel);
  const app: RunningApp = await startApp(config, { log });
  const configPath = path.join(root, '.data', 'playground', 'm365agentsplayground.yml');
  writePlaygroundConfig(who, configPath);
  let playground: PlaygroundHandle;
  try {
    playground = await startPlayground({ port: playgroundPort, botEndpoint: `${app.url}/api/messages`, configPath,
      logFile: path.join(root, '.data', 'playground', 'playground.log'), cwd: root });
  } catch (err) {
    await app.stop();
    fail((err as Error).message);
  }
  const person = castMember(who);
  const line = '─'.repeat(72);
  process.stdout.write([
    '', line,
    ` Valtuusbotti is running locally (no authentication; listening on 127.0.0.1 only).`,
    ``,
    `   Open the Teams client:  ${playground.url}`,
    `   You are:                ${person.name} (${person.role})`,
    `   Try:                    "hei" in Personal Chat, then "Tilaa valtuus"`,
    `   Administrators' channel: team "${PLAYGROUND_IDS.teamName}" → channel "${PLAYGROUND_IDS.channelName}"`,
    `   Act as someone else:    PLAYGROUND_USER=administrator npm start (roles: ${PLAYGROUND_CAST.map((c) => c.role).join(', ')})`,
    ``,
    `   Bot endpoint: ${app.url}/api/messages   Health: ${app.url}/healthz`,
    `   Data on disk: ${path.relative(process.cwd(), path.join(root, '.data')) || '.data'}/ (delete it to start afresh)`,
    `   Stop with Ctrl+C.`,
    line, '',
  ].join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the local stack');
    await playground.stop().catch(() => undefined);
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  playground.process.once('exit', (code) => {
    if (!stopping) { log.error({ code }, 'the Agents Playground exited; stopping'); void stop('playground-exit'); }
  });
  fs.mkdirSync(path.join(root, '.data'), { recursive: true });
}

function fail(message: string): never {
  process.stderr.write(`\nnpm start: ${message}\n\n`);
  process.exit(1);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
