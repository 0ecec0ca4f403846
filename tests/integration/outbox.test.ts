import assert from 'node:assert/strict';
import type { RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger } from '../../bot/notify/messenger';
import { createRenderer } from '../../bot/presenters/notifications';
import { RateLimiter } from '../../bot/notify/rateLimiter';
import { registerGrant } from '../../bot/services/confirmGrant';
import { GRANT_SUMMARY_KEY, personGrantEntryKey } from '../../bot/store/entities';
import { uniquePrefix } from '../helpers/azurite';
import { ConnectorSink } from '../helpers/connectorSink';
import { PEOPLE, ADMIN_CHANNEL, TENANT, validOrder, cardText, appWithoutDelivery } from '../helpers/botHarness';

function dispatcherFor(app: RunningApp, sink: ConnectorSink, limiter?: RateLimiter): OutboxDispatcher {
  const deps = app.deps;
  return new OutboxDispatcher({
    registerGrant: (order, line) => registerGrant(deps, order, line),
    store: new OutboxStore(app.tables), orders: deps.orders, log: createLogger('silent'), limiter,
    messenger: new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => sink.url }),
    render: createRenderer({ directory: deps.directory, users: deps.users, adminLang: 'fi' }),
    adminChannelId: () => ADMIN_CHANNEL,
    personalReference: async (userId) => ({ userId }),
  });
}

async function submitVia(app: RunningApp, sink: ConnectorSink, who: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', id: `i-${Math.random()}`, channelId: 'msteams', serviceUrl: sink.url,
    from: { id: `29:${who}`, aadObjectId: who }, recipient: { id: '28:bot' },
    conversation: { id: `a:${who}`, conversationType: 'personal', tenantId: TENANT },
    value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data: validOrder(overrides) } } }) });
  const body = await res.json() as { value: unknown };
  const number = /(VB-\d{4}-\d{5})/.exec(cardText(body.value))?.[1];
  assert.ok(number, cardText(body.value));
  return number;
}

const channelPostsFor = (sink: ConnectorSink, number: string) =>
  sink.created().filter((r) => !r.body.__answeredWith && JSON.stringify(r.body).includes(number) && (r.body.channelData as { channel?: unknown })?.channel);

describe('outbox: at least once, exactly once at the sink, through kills, 429 storms and 403', function () {
  this.timeout(90_000);
  let sink: ConnectorSink;
  beforeEach(async () => { sink = await ConnectorSink.start(); });
  afterEach(async () => { await sink.close(); });

  it('survives a kill between commit and delivery: after restart the sink gets each message exactly once', async () => {
    const prefix = uniquePrefix('kill');
    const first = await appWithoutDelivery(prefix, sink);
    const number = await submitVia(first, sink, PEOPLE.mikko);
    await first.stop();
    assert.equal(channelPostsFor(sink, number).length, 0, 'nothing was delivered before the "crash"');

    const second = await appWithoutDelivery(prefix, sink);
    try {
      const a = dispatcherFor(second, sink);
      const b = dispatcherFor(second, sink);
      const [da, db] = await Promise.all([a.runOnce(), b.runOnce()]);
      await a.runOnce();
      assert.equal(da + db, 2, 'two messages (channel card, manager notice), each delivered by one instance');
      assert.equal(channelPostsFor(sink, number).length, 1);
      const managerChats = sink.created().filter((r) => JSON.stringify(r.body).includes(PEOPLE.aino));
      assert.equal(managerChats.length, 1, 'the manager is told once');
      const order = await second.deps.orders.findByNumber(number);
      assert.ok(order?.adminCard?.activityId, 'where the card sits is recorded, so later changes update it in place');
    } finally {
      await second.stop();
    }
  });

  it('a dispatcher pass between the pending marker and the commit does not strand the new order\'s messages', async () => {
    // Another instance (or this one, kicked by another commit) lists the marker a submit writes before its
    // transaction, finds no message yet, and removes the marker: the commit that lands afterwards must still be seen.
    const app = await appWithoutDelivery(uniquePrefix('race'), sink);
    try {
      const other = dispatcherFor(app, sink);
      const client = app.tables.client('orders');
      const commit = client.submitTransaction.bind(client);
      let raced = 0;
      client.submitTransaction = (async (actions: Parameters<typeof commit>[0]) => {
        if (raced++ === 0) await other.runOnce();
        return commit(actions);
      }) as typeof client.submitTransaction;
      const number = await submitVia(app, sink, PEOPLE.mikko);
      client.submitTransaction = commit;
      assert.equal(raced, 1, 'the pass ran inside the submit, between the marker and the commit');
      assert.equal(await dispatcherFor(app, sink).runOnce(), 2, 'the channel card and the manager notice are still found');
      assert.equal(channelPostsFor(sink, number).length, 1);
    } finally {
      await app.stop();
    }
  });

  it('rides out a 429 storm honouring Retry-After, and still delivers exactly once', async () => {
    const app = await appWithoutDelivery(uniquePrefix('storm'), sink);
    try {
      const numbers = [await submitVia(app, sink, PEOPLE.mikko, { themes: 'veroasioiden-hoito' }),
        await submitVia(app, sink, PEOPLE.sanna, { givenName: 'Sanna', surname: 'Korhonen', themes: 'veroasioiden-hoito' })];
      let throttled = 0;
      sink.rule(() => (throttled++ < 6 ? { status: 429, headers: { 'Retry-After': '1' } } : undefined));
      const d = dispatcherFor(app, sink);
      const started = Date.now();
      for (let i = 0; i < 20 && numbers.some((n) => channelPostsFor(sink, n).length === 0); i++) {
        await d.runOnce();
        await new Promise((r) => setTimeout(r, 300));
      }
      await d.runOnce();
      assert.ok(throttled >= 6, 'the storm happened');
      assert.ok(Date.now() - started >= 1000, 'the dispatcher waited for Retry-After');
      for (const n of numbers) assert.equal(channelPostsFor(sink, n).length, 1, `order ${n} posted once`);
    } finally {
      await app.stop();
    }
  });

  it('treats 403 (blocked or uninstalled) as final and shows it on the administrators\' card', async () => {
    const app = await appWithoutDelivery(uniquePrefix('forbid'), sink);
    try {
      sink.rule((r) => (JSON.stringify(r.body).includes(PEOPLE.aino) ? { status: 403, body: { error: { code: 'BotDisabledByAdmin', message: 'blocked' } } } : undefined));
      const number = await submitVia(app, sink, PEOPLE.mikko, { themes: 'veroilmoittaminen' });
      const d = dispatcherFor(app, sink);
      await d.runOnce();
      await d.runOnce();
      const order = await app.deps.orders.findByNumber(number);
      assert.deepEqual(order?.unreachable, [PEOPLE.aino]);
      const attempts = sink.requests.filter((r) => JSON.stringify(r.body).includes(PEOPLE.aino)).length;
      await d.runOnce();
      assert.equal(sink.requests.filter((r) => JSON.stringify(r.body).includes(PEOPLE.aino)).length, attempts, 'no retry after 403');
      const update = sink.updates().map((u) => JSON.stringify(u.body)).find((b) => b.includes(number) && b.includes('Aino Lindqvist'));
      assert.ok(update && update.includes('Viestiä ei voitu toimittaa'), 'the admin card was updated to show the unreachable manager');
    } finally {
      await app.stop();
    }
  });

  it('repairs the register from the outbox if the process died between the grant commit and the register write', async () => {
    const app = await appWithoutDelivery(uniquePrefix('reg'), sink);
    try {
      const number = await submitVia(app, sink, PEOPLE.mikko, { themes: 'palkkatietojen-katselu' });
      const order = await app.deps.orders.findByNumber(number);
      assert.ok(order);
      const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
        type: 'invoke', name: 'adaptiveCard/action', id: 'c1', channelId: 'msteams', serviceUrl: sink.url,
        from: { id: '29:e', aadObjectId: PEOPLE.eija }, recipient: { id: '28:bot' },
        conversation: { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT },
        value: { action: { type: 'Action.Execute', verb: 'admin.confirmGrant', data: { orderId: order.id, v: order.updatedAt, line: 0, validFrom: '2026-12-01', validUntil: '2027-11-30' } } } }) });
      assert.equal(res.status, 200);
      assert.equal((await app.deps.grants.listFor(PEOPLE.mikko)).length, 1);
      // Simulate the crash: the register's transaction (the entry row and the holder's summary) never happened, the
      // committed outbox still says what to write.
      await app.tables.client('people').deleteEntity(PEOPLE.mikko, personGrantEntryKey('palkkatietojen-katselu', '2026-12-01'));
      await app.tables.client('people').deleteEntity(PEOPLE.mikko, GRANT_SUMMARY_KEY);
      assert.equal((await app.deps.grants.listFor(PEOPLE.mikko)).length, 0);
      await dispatcherFor(app, sink).runOnce();
      const [grant] = await app.deps.grants.listFor(PEOPLE.mikko);
      assert.equal(grant?.validUntil, '2027-11-30');
      assert.equal(grant?.grantedBy, PEOPLE.eija);
    } finally {
      await app.stop();
    }
  });

  it('stays under 7 messages per second per conversation', async () => {
    let t = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(7, 30, () => t, async (ms) => { waits.push(ms); t += ms; });
    for (let i = 0; i < 21; i++) await limiter.acquire('conv');
    assert.ok(t >= 2000 - 1, `21 messages to one conversation take at least 2 s, took ${t} ms`);
    t = 0;
    for (let i = 0; i < 60; i++) await limiter.acquire(`c${i}`);
    assert.ok(t >= 1000 - 1, `60 messages to different conversations respect 30/s, took ${t} ms`);
  });
});
