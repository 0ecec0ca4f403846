import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { BotServer, type TurnAdapter } from '../../bot/server';
import { createLogger } from '../../bot/log';
import { projectRoot } from '../../bot/config';
import { freePort } from '../../infra/local/ports';

describe('npm start and the HTTP host', function () {
  this.timeout(60_000);

  it('npm start stops with a message naming the setting when a port is taken', async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const run = spawnSync(process.execPath, [path.join(projectRoot(), 'dist/infra/local/start.js')], {
        env: { ...process.env, PORT: String(port), AZURITE_PORT: String(await freePort()), PLAYGROUND_PORT: String(await freePort()) },
        encoding: 'utf8', timeout: 30_000,
      });
      assert.equal(run.status, 1);
      assert.match(run.stderr, new RegExp(`Port ${port} is already in use .*set PORT to a free port`));
    } finally {
      blocker.close();
    }
  });

  it('npm start refuses a malformed setting before starting anything', () => {
    const run = spawnSync(process.execPath, [path.join(projectRoot(), 'dist/infra/local/start.js')], {
      env: { ...process.env, AZURE_TABLES_CONNECTION_STRING: 'AccountName=x' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /AZURE_TABLES_CONNECTION_STRING is malformed: AccountKey is missing/);
  });

  it('on shutdown, in-flight turns finish while new ones are turned away with 503', async () => {
    let release: () => void = () => undefined;
    const adapter: TurnAdapter = { processTurn: async () => {
      await new Promise<void>((r) => { release = r; });
      return undefined;
    } };
    const server = new BotServer({ adapter, run: async () => undefined, ready: async () => undefined, log: createLogger('silent') });
    await server.listen(await freePort(), '127.0.0.1');
    const url = `http://127.0.0.1:${server.port}`;
    const inFlight = fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' });
    await new Promise((r) => setTimeout(r, 100));
    const draining = server.drain(5000);
    const refused = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: '{"type":"message"}' });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    release();
    assert.equal((await inFlight).status, 200, 'the turn that was running completed');
    await draining;
  });
});
