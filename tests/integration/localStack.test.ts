import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { loadConfig, projectRoot } from '../../bot/config';
import type { RunningApp } from '../../bot/main';
import { startLocalApp } from '../../infra/local/localApp';
import { createLogger } from '../../bot/log';
import { azuriteConnectionString, startAzurite } from '../../infra/local/azurite';
import { freePort, isPortFree } from '../../infra/local/ports';
import { isAlive, waitUntil } from '../../infra/local/processes';
import { ConnectorSink } from '../helpers/connectorSink';
import { ADMIN_CHANNEL, PEOPLE, TENANT, cardText, validOrder } from '../helpers/botHarness';

/**
 * The local stack (`npm start`) as a person or a process manager runs it, stopped every way it gets stopped:
 * SIGTERM to npm, Ctrl+C to the terminal's process group, kill -9. Real processes, real Azurite on disk.
 */
const root = projectRoot();
const CHECK_TABLE = 'stopcheck';

interface Stack { child: ChildProcess; out: () => string; dir: string; ports: { bot: number; azurite: number; playground: number } }

const started: ChildProcess[] = [];
const orphans: number[] = [];
const dirs: string[] = [];

async function launch(options: { viaNpm?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-stack-'));
  dirs.push(dir);
  const ports = { bot: await freePort(), azurite: await freePort(), playground: await freePort() };
  const [cmd, args] = options.viaNpm ? ['npm', ['start', '--silent']] : [process.execPath, [path.join(root, 'dist/infra/local/start.js')]];
  // Its own process group, as a terminal gives a foreground job: a group signal reaches npm/node only.
  const child = spawn(cmd, args, {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOCAL_DATA_DIR: dir, PORT: String(ports.bot), AZURITE_PORT: String(ports.azurite),
      PLAYGROUND_PORT: String(ports.playground), LOG_LEVEL: 'info', ...options.env },
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
  const ready = await waitUntil(() => out.includes('Open the Teams client') || child.exitCode !== null, 150_000);
  assert.ok(ready && child.exitCode === null, `the stack did not start:\n${out.slice(-3000)}`);
  return { child, out: () => out, dir, ports };
}

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) { resolve(child.exitCode); return; }
    const t = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
    child.once('exit', (code) => { clearTimeout(t); resolve(code); });
  });
}

function table(port: number): TableClient {
  return TableClient.fromConnectionString(azuriteConnectionString(port), CHECK_TABLE, { allowInsecureConnection: true });
}

/** Acknowledged writes: each upsert has been answered 204 by Azurite before the next. Returns their keys. */
async function writeAcknowledged(port: number, n: number): Promise<string[]> {
  const t = table(port);
  await t.createTable();
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${Date.now()}-${i}`;
    await t.upsertEntity({ partitionKey: 'p', rowKey: key, value: i });
    keys.push(key);
  }
  return keys;
}

/** Opens the data directory with a fresh Azurite and returns which of `keys` are there. */
async function keysOnDisk(dir: string, keys: string[]): Promise<string[]> {
  const azurite = await startAzurite({ port: await freePort(), location: path.join(dir, 'azurite') });
  try {
    const t = table(azurite.port);
    const found: string[] = [];
    for (const k of keys) if (await t.getEntity('p', k).then(() => true, () => false)) found.push(k);
    return found;
  } finally {
    await azurite.stop();
  }
}

function azuritePid(dir: string): number {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'azurite', 'azurite.pid'), 'utf8')) as { pid: number }).pid;
}

async function allFree(ports: Stack['ports']): Promise<boolean> {
  return (await isPortFree(ports.bot)) && (await isPortFree(ports.azurite)) && (await isPortFree(ports.playground));
}

function localApp(dir: string, azuritePort: number, sink: ConnectorSink, port: number): Promise<RunningApp> {
  const config = loadConfig({ LOCAL_DATA_DIR: dir, AZURITE_PORT: String(azuritePort), PORT: String(port), ADMIN_CHANNEL_ID: ADMIN_CHANNEL,
    BOT_SERVICE_URL: sink.url, LOG_LEVEL: 'silent' });
  return startLocalApp(config, { log: createLogger('silent'), jobs: false, dispatcherPollMs: 200 });
}

async function submitOrder(botPort: number, sink: ConnectorSink, overrides: Record<string, unknown> = {}): Promise<string> {
  const who = PEOPLE.mikko;
  const res = await fetch(`http://127.0.0.1:${botPort}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', id: `i-${Math.random()}`, channelId: 'msteams', serviceUrl: sink.url,
    from: { id: `29:${who}`, aadObjectId: who }, recipient: { id: '28:bot' },
    conversation: { id: `a:${who}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } },
    value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data: validOrder(overrides) } } }) });
  const body = await res.json() as { value: unknown };
  const number = /(VB-\d{4}-\d{5})/.exec(cardText(body.value))?.[1];
  assert.ok(number, cardText(body.value));
  return number;
}

const isChannelPost = (r: { method: string; path: string; body: Record<string, unknown> }) =>
  r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path) && !!(r.body.channelData as { channel?: unknown } | undefined)?.channel;

describe('local stack: stopping it keeps the data and leaves nothing stuck', function () {
  this.timeout(300_000);

  afterEach(() => {
    // A failed test must not leave its stack running: end the groups this suite started (by their ids).
    for (const c of started.splice(0)) {
      if (c.exitCode === null && c.pid) { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    for (const pid of orphans.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('`npm start` passes SIGTERM on: the stack stops in order, acknowledged writes survive, every port is freed', async () => {
    const stack = await launch({ viaNpm: true });
    // Beside the Teams client, the reports tab's address, and npm start built the page it serves.
    assert.match(stack.out(), new RegExp(`Reports tab \\(browser\\): +http://127\\.0\\.0\\.1:${stack.ports.bot}/reports\\s`));
    assert.equal((await fetch(`http://127.0.0.1:${stack.ports.bot}/reports/app.js`)).status, 200);
    const pid = azuritePid(stack.dir);
    const keys = await writeAcknowledged(stack.ports.azurite, 5);
    // Right away, well inside Azurite's 5 s autosave interval: only a closing save keeps the last writes.
    process.kill(stack.child.pid as number, 'SIGTERM'); // npm's own pid, not the group: npm must pass it on
    assert.equal(await exited(stack.child, 60_000), 0, stack.out().slice(-3000));
    const log = stack.out();
    const order = ['stop: in-flight turns drained', 'stop: outbox stopped, lease released', 'stop: embedded Azurite closed, data saved', 'local stack stopped']
      .map((line) => log.indexOf(line));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), `stop order bot → outbox → Azurite:\n${log.slice(-3000)}`);
    assert.ok(await waitUntil(() => !isAlive(pid), 5_000), 'Azurite has exited');
    assert.ok(await waitUntil(() => allFree(stack.ports), 5_000), 'PORT, AZURITE_PORT and PLAYGROUND_PORT are free again');
    assert.deepEqual(await keysOnDisk(stack.dir, keys), keys, 'every acknowledged write is on disk');
  });

  it('Ctrl+C (SIGINT to the group) lets the outbox round finish and release its lease: the next start delivers at once', async () => {
    const sink = await ConnectorSink.start();
    try {
      // The channel post is answered slowly, so Ctrl+C comes while it is in flight, and the second order's card
      // waits behind it (channel posts go one at a time; personal messages do not wait for the cards).
      sink.delay((r) => (isChannelPost(r) ? 2_000 : undefined));
      const stack = await launch({ env: { BOT_SERVICE_URL: sink.url } });
      const number = await submitOrder(stack.ports.bot, sink);
      assert.ok(await waitUntil(() => sink.held.length > 0, 20_000), 'the card post reached the connector');
      const second = await submitOrder(stack.ports.bot, sink, { themes: 'veroilmoittaminen' });
      const keys = await writeAcknowledged(stack.ports.azurite, 3);
      process.kill(-(stack.child.pid as number), 'SIGINT'); // what a terminal does on Ctrl+C
      assert.equal(await exited(stack.child, 60_000), 0, stack.out().slice(-3000));
      assert.ok(await waitUntil(() => allFree(stack.ports), 5_000), 'ports freed');
      assert.deepEqual(await keysOnDisk(stack.dir, keys), keys, 'acknowledged writes survive Ctrl+C');
      const cardsOf = (n: string) => sink.requests.filter((r) => isChannelPost(r) && JSON.stringify(r.body).includes(n)).length;
      assert.equal(sink.requests.filter(isChannelPost).length, 1, 'only the card in flight was posted');
      assert.equal(cardsOf(second), 0, 'the second order\'s card was still queued at the stop');

      const restartedAt = Date.now();
      const app = await localApp(stack.dir, stack.ports.azurite, sink, await freePort());
      try {
        // A lease left behind would hold this partition for 60 s; the bound leaves room for a loaded machine.
        assert.ok(await waitUntil(() => cardsOf(second) === 1, 30_000), 'the queued card went out right after the restart');
        const order = await app.deps.orders.findByNumber(number);
        assert.ok(order?.adminCard, 'the card posted during the stop was recorded');
        assert.equal(cardsOf(number), 1, 'and not posted again');
        console.log(`      restart → queued message delivered in ${Date.now() - restartedAt} ms`);
      } finally {
        await app.stop();
      }
    } finally {
      await sink.close();
    }
  });

  it('after kill -9 of the launcher, Azurite saves and exits by itself, and the next start works', async () => {
    const stack = await launch();
    const pid = azuritePid(stack.dir);
    const keys = await writeAcknowledged(stack.ports.azurite, 3);
    process.kill(stack.child.pid as number, 'SIGKILL');
    await exited(stack.child, 10_000);
    assert.ok(await waitUntil(() => !isAlive(pid), 10_000), 'the orphaned Azurite ended (its lifeline to the launcher broke)');
    assert.ok(await waitUntil(() => allFree(stack.ports), 10_000), 'and the playground too: no port stays taken');
    const sink = await ConnectorSink.start();
    try {
      const app = await localApp(stack.dir, stack.ports.azurite, sink, await freePort());
      await app.stop();
    } finally {
      await sink.close();
    }
    assert.deepEqual(await keysOnDisk(stack.dir, keys), keys, 'writes acknowledged before the kill were saved');
  });

  it('an Azurite of this project left running on the data is stopped (saving) by the next start; a stranger on the port is refused by name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-orphan-'));
    dirs.push(dir);
    const port = await freePort();
    // An orphan without a lifeline: started in the background by a shell that is gone at once (as a launcher
    // long gone), with no IPC channel.
    const host = path.join(root, 'dist/infra/local/azuriteHost.js');
    spawnSync('sh', ['-c', `"${process.execPath}" "${host}" ${port} "${path.join(dir, 'azurite')}" >/dev/null 2>&1 &`]);
    assert.ok(await waitUntil(() => fs.existsSync(path.join(dir, 'azurite', 'azurite.pid')), 20_000), 'the orphan started');
    const orphanPid = azuritePid(dir);
    orphans.push(orphanPid);
    const keys = await writeAcknowledged(port, 3);
    const sink = await ConnectorSink.start();
    try {
      const app = await localApp(dir, port, sink, await freePort());
      try {
        assert.ok(!isAlive(orphanPid), 'the leftover Azurite was stopped');
        const t = table(port);
        for (const k of keys) await t.getEntity('p', k); // its unsaved writes were saved as it closed
      } finally {
        await app.stop();
      }
    } finally {
      await sink.close();
    }

    // An Azurite on the same data whose starter is alive is another start in use, not a leftover: refused by name.
    const inUse = await startAzurite({ port: await freePort(), location: path.join(dir, 'azurite') });
    try {
      const sink2 = await ConnectorSink.start();
      await assert.rejects(localApp(dir, await freePort(), sink2, await freePort()), /in use by another running start .*LOCAL_DATA_DIR/);
      await sink2.close();
      assert.ok(isAlive(inUse.process.pid as number), 'and left running');
    } finally {
      await inUse.stop();
    }

    const stranger = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => stranger.once('listening', r));
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'dist/infra/local/start.js')], {
        env: { ...process.env, LOCAL_DATA_DIR: dir, AZURITE_PORT: String(port), PORT: String(await freePort()), PLAYGROUND_PORT: String(await freePort()) },
        encoding: 'utf8', timeout: 30_000 });
      assert.equal(run.status, 1);
      assert.match(run.stderr, new RegExp(`Port ${port} is already in use .*set AZURITE_PORT to a free port`));
    } finally {
      stranger.close();
    }
  });
});
