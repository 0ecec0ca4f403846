import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../bot/log';
import { Metrics } from '../../bot/metrics';
import { Tables, isStatus } from '../../bot/store/tables';
import { AZURITE_KEY } from '../../infra/local/azurite';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from '../helpers/azurite';

/** The dependency line of one flush (the storage calls' count and failures). */
function flushed(metrics: Metrics, lines: string[]): { count: number; failures: number } {
  lines.length = 0;
  metrics.flush();
  const dep = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.metric === 'dependency');
  return { count: Number(dep?.count ?? 0), failures: Number(dep?.failures ?? 0) };
}

describe('storage dependency metrics (the real Table Storage client on Azurite)', () => {
  let lines: string[];
  let metrics: Metrics;

  beforeEach(() => {
    lines = [];
    const out = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    metrics = new Metrics(createLogger('info', out));
  });

  it('counts the answers the code asks for (404, 409, 412) as calls, not failures', async () => {
    const { connectionString } = await testAzurite();
    const tables = new Tables({ kind: 'connectionString', connectionString }, uniquePrefix('metrics'), undefined, metrics.policy('tables'));
    const rows = tables.client('orders');
    await rows.createTable();
    await rows.createTable(); // exists: the SDK swallows the 409 the service answers
    await assert.rejects(rows.getEntity('p', 'missing'), (err) => isStatus(err, 404));
    await rows.createEntity({ partitionKey: 'p', rowKey: 'r', n: 1 });
    await assert.rejects(rows.createEntity({ partitionKey: 'p', rowKey: 'r', n: 2 }), (err) => isStatus(err, 409));
    const stale = (await rows.getEntity('p', 'r')).etag;
    await rows.updateEntity({ partitionKey: 'p', rowKey: 'r', n: 3 }, 'Merge', { etag: stale });
    await assert.rejects(rows.updateEntity({ partitionKey: 'p', rowKey: 'r', n: 4 }, 'Merge', { etag: stale }), (err) => isStatus(err, 412));
    assert.deepEqual(flushed(metrics, lines), { count: 8, failures: 0 });
  });

  it('counts a refused access (403: a wrong key) and no answer at all (nothing listening) as failures', async () => {
    const { connectionString } = await testAzurite();
    const wrongKey = connectionString.replace(AZURITE_KEY, Buffer.from('not the account key').toString('base64'));
    const refused = new Tables({ kind: 'connectionString', connectionString: wrongKey }, uniquePrefix('metrics'), undefined, metrics.policy('tables'));
    await assert.rejects(refused.client('orders').getEntity('p', 'r'), (err) => isStatus(err, 403));
    // A free port nobody listens on: the connection is refused (retried 3 times by the SDK, still one call).
    const nowhere = connectionString.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${await freePort()}`);
    const down = new Tables({ kind: 'connectionString', connectionString: nowhere }, uniquePrefix('metrics'), undefined, metrics.policy('tables'));
    await assert.rejects(down.client('orders').getEntity('p', 'r'));
    assert.deepEqual(flushed(metrics, lines), { count: 2, failures: 2 });
  });
});
