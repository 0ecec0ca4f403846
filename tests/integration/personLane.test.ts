import assert from 'node:assert/strict';
import type { RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger } from '../../bot/notify/messenger';
import { createRenderer } from '../../bot/presenters/notifications';
import { RateLimiter } from '../../bot/notify/rateLimiter';
import { TableOrderStore } from '../../bot/store/orderStore';
import { uniquePrefix } from '../helpers/azurite';
import { ConnectorSink, type SinkRequest } from '../helpers/connectorSink';
import { ADMIN_CHANNEL, PEOPLE, TENANT, appWithoutDelivery } from '../helpers/botHarness';
import { submitNumbered, type Submitter } from '../helpers/outboxRig';

/**
 * A busy person's chat does not hold the others: one manager told of many orders at once (Teams takes 7 messages
 * a second per chat; here the limiter allows 1, so the queue is long) and the other managers' notices still go
 * at once, while the busy chat keeps its rate and each notice goes exactly once, without a second read of the
 * waiting orders. A stop while notices wait returns at once and the next instance sends each of them once. Real
 * Azurite and the local Bot Connector sink; the dispatcher as production wires it (several orders at once), on a
 * slow limiter.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ORG = (require('../../../data/sample-org.json') as { users: Array<Submitter & { managerId?: string }> }).users;
/** Mikko's manager is Aino; these four have each a manager of their own (none of them Aino). */
const OTHERS = ['a7b1377b', '92329f23', 'd6ff9ed7', '3bd278af'].map((prefix) => {
  const found = ORG.find((u) => u.id.startsWith(prefix));
  assert.ok(found?.managerId && found.managerId !== PEOPLE.aino, prefix);
  return found;
});
const MIKKO_ORDERS = 6;
/** The limiter's rate per chat in this test: a queue of a few messages is seconds long. */
const PER_CHAT = 1;

/** A personal message at the sink: into the person's own chat `a:<id>` (the test's references name it). */
const chatOf = (r: SinkRequest): string | undefined => (r.method === 'POST' ? /^\/v3\/conversations\/a(?::|%3A)([0-9a-f-]{36})\/activities/.exec(r.path)?.[1] : undefined);
const numberOf = (r: SinkRequest): string | undefined => /(VB-\d{4}-\d{5})/.exec(JSON.stringify(r.body))?.[1];

/** The outbox store, counting how often each partition's pending messages are read. */
class CountingStore extends OutboxStore {
  readonly reads = new Map<string, number>();
  override pendingMessages(orderId: string): ReturnType<OutboxStore['pendingMessages']> {
    this.reads.set(orderId, (this.reads.get(orderId) ?? 0) + 1);
    return super.pendingMessages(orderId);
  }
}

function dispatcher(app: RunningApp, sink: ConnectorSink, store: OutboxStore = new OutboxStore(app.tables)): OutboxDispatcher {
  const messenger = new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => sink.url });
  return new OutboxDispatcher({
    store, orders: new TableOrderStore(app.tables), log: createLogger('silent'), pollMs: 50,
    concurrency: 2, limiter: new RateLimiter(PER_CHAT, 1000), messenger,
    render: createRenderer({ directory: app.deps.directory, users: app.deps.users, adminLang: 'fi' }),
    adminChannelId: () => ADMIN_CHANNEL,
    personalReference: async (userId) => ({ userId, reference: { channelId: 'msteams', serviceUrl: sink.url, conversation: { id: `a:${userId}` } as never,
      user: { id: `29:${userId}`, name: '' }, bot: { id: '28:bot', name: 'Valtuusbotti' } } }),
  });
}

describe('outbox: a busy person\'s chat does not hold the other people\'s messages', function () {
  this.timeout(120_000);
  let sink: ConnectorSink;
  let app: RunningApp;
  beforeEach(async () => {
    sink = await ConnectorSink.start();
    app = await appWithoutDelivery(uniquePrefix('plane'), sink);
  });
  afterEach(async () => {
    await app.stop();
    await sink.close();
  });

  it(`${MIKKO_ORDERS} notices queued for one manager at ${PER_CHAT}/s, then 4 for others: theirs go before her 3rd; each once, hers at her chat's rate and in turn`, async () => {
    const mikkos: string[] = [];
    for (let i = 0; i < MIKKO_ORDERS; i++) mikkos.push(await submitNumbered(app, sink, i, 'plane'));
    const others: string[] = [];
    for (const [i, who] of OTHERS.entries()) others.push(await submitNumbered(app, sink, MIKKO_ORDERS + i, 'plane', who));
    const store = new CountingStore(app.tables);
    const d = dispatcher(app, sink, store);
    d.start();
    try {
      await sink.waitFor(() => sink.requests.filter((r) => chatOf(r) === PEOPLE.aino).length >= MIKKO_ORDERS
        && OTHERS.every((o) => sink.requests.some((r) => chatOf(r) === o.managerId)), 60_000);
      const deadline = Date.now() + 30_000;
      while ((await new OutboxStore(app.tables).pendingPartitions()).length > 0) {
        assert.ok(Date.now() < deadline, 'the outbox was not drained in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await d.stop();
    }
    const notices = sink.requests.filter((r) => chatOf(r) !== undefined).sort((a, b) => a.at - b.at);
    const ainos = notices.filter((r) => chatOf(r) === PEOPLE.aino);
    assert.deepEqual(ainos.map(numberOf).sort(), [...mikkos].sort(), 'Aino is told of each of Mikko\'s orders once');
    for (const [i, who] of OTHERS.entries()) {
      assert.deepEqual(notices.filter((r) => chatOf(r) === who.managerId).map(numberOf), [others[i]], `${who.givenName}'s manager is told once`);
    }
    const lastOther = Math.max(...notices.filter((r) => chatOf(r) !== PEOPLE.aino).map((r) => r.at));
    assert.ok(lastOther < ainos[2].at, `the other managers' notices (last at +${lastOther - ainos[0].at} ms) went before Aino's 3rd (+${ainos[2].at - ainos[0].at} ms)`);
    // Her chat keeps its rate: after the first, one a second (a little slack for the clock of the sink).
    for (let i = 1; i < ainos.length; i++) {
      assert.ok(ainos[i].at - ainos[i - 1].at >= 1000 / PER_CHAT - 50, `Aino's notice ${i + 1} came ${ainos[i].at - ainos[i - 1].at} ms after the one before`);
    }
    // The waiting orders kept what they read: each partition was read once to drain it (and once more after its
    // pointer was deleted: the check for a commit in between), however long Aino's queue was.
    const byNumber = new Map<string, string>();
    for (const n of [...mikkos, ...others]) byNumber.set(n, (await app.deps.orders.findByNumber(n))?.id ?? '');
    assert.deepEqual([...byNumber.values()].map((id) => store.reads.get(id) ?? 0), [...byNumber.keys()].map(() => 2), 'each order\'s messages read in one pass');
    // In turn: the chat's turns go in the order asked (two orders drained at once may swap).
    const rank = new Map(mikkos.map((n, i) => [n, i]));
    const order = ainos.map((r) => rank.get(numberOf(r) ?? '') ?? -1);
    assert.deepEqual(order.filter((r, i) => Math.abs(r - i) > 1), [], `Aino's notices in submit order give or take one place: ${order.join(', ')}`);
    assert.equal(sink.requests.filter((r) => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path)).length, MIKKO_ORDERS + OTHERS.length, 'each card posted once');
  });

  it('a stop while notices wait for the busy chat returns at once; the next instance sends each of the rest once', async () => {
    const mikkos: string[] = [];
    for (let i = 0; i < MIKKO_ORDERS; i++) mikkos.push(await submitNumbered(app, sink, i, 'pstop'));
    const first = dispatcher(app, sink);
    first.start();
    await sink.waitFor(() => sink.requests.filter((r) => chatOf(r) === PEOPLE.aino).length >= 2, 30_000);
    const stopAsked = Date.now();
    await first.stop();
    const stopMs = Date.now() - stopAsked;
    // The rest of her queue is seconds long at 1/s: the stop does not wait for it.
    assert.ok(stopMs < 900, `stop() returned in ${stopMs} ms`);
    const sentBefore = sink.requests.filter((r) => chatOf(r) === PEOPLE.aino).length;
    assert.ok(sentBefore < MIKKO_ORDERS, `the stop came while notices waited (${sentBefore} of ${MIKKO_ORDERS} sent)`);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(sink.requests.filter((r) => chatOf(r) === PEOPLE.aino).length, sentBefore, 'nothing is sent after stop() returned');

    // The stopped passes handed their leases back (due now): the next instance goes on at once.
    const second = dispatcher(app, sink);
    const deadline = Date.now() + 30_000;
    try {
      second.start();
      while ((await new OutboxStore(app.tables).pendingPartitions()).length > 0) {
        assert.ok(Date.now() < deadline, 'the outbox was not drained in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await second.stop();
    }
    const ainos = sink.requests.filter((r) => chatOf(r) === PEOPLE.aino);
    assert.deepEqual(ainos.map(numberOf).sort(), [...mikkos].sort(), 'Aino is told of each order once, across the two instances');
  });
});
