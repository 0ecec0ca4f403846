import assert from 'node:assert/strict';
import type { RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger, type ChannelPost, type Messenger } from '../../bot/notify/messenger';
import type { OutgoingMessage } from '../../bot/presenters/notifications';
import { createRenderer } from '../../bot/presenters/notifications';
import { RateLimiter } from '../../bot/notify/rateLimiter';
import { TableOrderStore } from '../../bot/store/orderStore';
import { Tables } from '../../bot/store/tables';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { ConnectorSink, type SinkRequest } from '../helpers/connectorSink';
import { ADMIN_CHANNEL, TENANT, appWithoutDelivery } from '../helpers/botHarness';
import { MortalTables, never, submitNumbered } from '../helpers/outboxRig';

/**
 * The channel is one lane, people are many: with orders queued faster than the channel takes cards, an order's
 * personal messages go without waiting for its card, and the cards still go once each, earliest first, through
 * a crash or a stop in the middle of the lane. Real Azurite and the local Bot Connector sink; channel posts are
 * held at the sink (a slow channel), so the lane backs up.
 */


const ORDERS = 12;

const isChannelPost = (r: SinkRequest): boolean => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path)
  && Boolean((r.body.channelData as { channel?: unknown } | undefined)?.channel);
/** The manager's notices: each goes into a new 1:1 chat (the test's personal references are bare ids) and names its order. */
const isManagerNotice = (r: SinkRequest): boolean => r.method === 'POST' && /^\/v3\/conversations\/a(:|%3A)chat-[^/]+\/activities/.test(r.path);
const numberOf = (r: SinkRequest): string | undefined => /(VB-\d{4}-\d{5})/.exec(JSON.stringify(r.body))?.[1];

const submit = (app: RunningApp, sink: ConnectorSink, i: number): Promise<string> => submitNumbered(app, sink, i, 'lane');

/** Submits the orders one after another (each commit is later than the one before). */
async function submitAll(app: RunningApp, sink: ConnectorSink): Promise<string[]> {
  const numbers: string[] = [];
  for (let i = 0; i < ORDERS; i++) numbers.push(await submit(app, sink, i));
  assert.equal(new Set(numbers).size, ORDERS);
  return numbers;
}

/** A dispatcher as production wires it (several orders at once), on its own Table clients. */
function laneDispatcher(app: RunningApp, sink: ConnectorSink,
  o: { tables?: Tables; messenger?: (m: Messenger) => Messenger; leaseMs?: number; store?: OutboxStore } = {}): OutboxDispatcher {
  const tables = o.tables ?? app.tables;
  const messenger = new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => sink.url });
  return new OutboxDispatcher({
    store: o.store ?? new OutboxStore(tables), orders: new TableOrderStore(tables), log: createLogger('silent'), pollMs: 50,
    concurrency: 8, channelLane: 4, leaseMs: o.leaseMs,
    // Generous limits: here the slow channel is the sink's, not the limiter's.
    limiter: new RateLimiter(100, 1000),
    messenger: o.messenger ? o.messenger(messenger) : messenger,
    render: createRenderer({ directory: app.deps.directory, users: app.deps.users, adminLang: 'fi' }),
    adminChannelId: () => ADMIN_CHANNEL,
    personalReference: async (userId) => ({ userId }),
  });
}

const pendingCount = async (app: RunningApp) => (await new OutboxStore(app.tables).pendingPartitions()).length;

async function untilNothingPending(app: RunningApp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await pendingCount(app) > 0) {
    if (Date.now() > deadline) throw new Error('the outbox was not drained in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Each order's channel cards at the sink (answered ones: a card the connector took). */
function cardsPerOrder(sink: ConnectorSink, numbers: string[]): Map<string, number> {
  const posts = sink.requests.filter(isChannelPost).filter((r) => !r.body.__answeredWith);
  return new Map(numbers.map((n) => [n, posts.filter((p) => numberOf(p) === n).length]));
}

/** Each order's manager notices at the sink. */
function noticesPerOrder(sink: ConnectorSink, numbers: string[]): Map<string, number> {
  const notices = sink.requests.filter(isManagerNotice).filter((r) => !r.body.__answeredWith);
  return new Map(numbers.map((n) => [n, notices.filter((p) => numberOf(p) === n).length]));
}

async function assertEveryOrderHasItsCard(app: RunningApp, numbers: string[]): Promise<void> {
  for (const n of numbers) {
    const order = await app.deps.orders.findByNumber(n);
    assert.ok(order?.adminCard?.activityId, `${n}: where its card sits is recorded`);
  }
}

describe('outbox: the channel is one lane — personal messages do not wait for the cards', function () {
  this.timeout(120_000);
  const POST_MS = 700;
  let sink: ConnectorSink;
  let app: RunningApp;
  beforeEach(async () => {
    sink = await ConnectorSink.start();
    app = await appWithoutDelivery(uniquePrefix('lane'), sink);
  });
  afterEach(async () => {
    await app.stop();
    await sink.close();
  });

  /** Every card through a channel taking POST_MS a post: the dispatcher runs until each is posted and nothing is pending. */
  async function drainThroughSlowChannel(d: OutboxDispatcher): Promise<void> {
    sink.delay((r) => (isChannelPost(r) ? POST_MS : undefined));
    d.start();
    try {
      await sink.waitFor(() => sink.requests.filter(isChannelPost).length >= ORDERS, 60_000);
      await untilNothingPending(app, 30_000);
    } finally {
      await d.stop();
    }
  }

  it(`with ${ORDERS} orders and a channel taking ${POST_MS} ms a card, every manager is told before the 4th card; cards once each, earliest first`, async () => {
    const numbers = await submitAll(app, sink);
    await drainThroughSlowChannel(laneDispatcher(app, sink));
    const cardsReceived = sink.requests.filter(isChannelPost).sort((a, b) => a.at - b.at);
    const notices = sink.requests.filter(isManagerNotice);
    assert.deepEqual([...noticesPerOrder(sink, numbers).values()], numbers.map(() => 1), 'the manager is told once per order');
    const lastNotice = Math.max(...notices.map((r) => r.at));
    const fourthCard = cardsReceived[3].at;
    assert.ok(lastNotice < fourthCard, `every notice (last at +${lastNotice - cardsReceived[0].at} ms) went before the 4th card (+${fourthCard - cardsReceived[0].at} ms)`);

    assert.deepEqual([...cardsPerOrder(sink, numbers).values()], numbers.map(() => 1), 'each order\'s card is posted exactly once');
    await assertEveryOrderHasItsCard(app, numbers);
    // Earliest first, FIFO-ish: the lane posts the earliest written card it holds, and the orders it turned away
    // keep their seats. Orders drained at the same time race to the lane: the first card is whichever of them
    // reaches the idle lane first (it is posted at once), and one whose reads are slower than a post lets the next
    // seated card go. So after the first card, a card may swap with a neighbour, no more.
    const rank = new Map(numbers.map((n, i) => [n, i]));
    const posted = cardsReceived.map((r) => rank.get(numberOf(r) ?? '') ?? -1);
    const rest = posted.slice(1);
    assert.deepEqual(rest.filter((r, i) => Math.abs(r - (i + 1)) > 2), [], `after the first, cards in submit order give or take two places: ${posted.join(', ')}`);
    const inversions = rest.reduce((sum, r, i) => sum + rest.slice(i + 1).filter((later) => later < r).length, 0);
    assert.ok(inversions <= 3, `after the first, at most a few neighbours swapped (${inversions}): ${posted.join(', ')}`);
  });

  it('the seats go in the order the drains started: the oldest orders\' reads coming back last does not give their seats to newer ones', async () => {
    const numbers = await submitAll(app, sink);
    const ids = await Promise.all(numbers.map(async (n) => (await app.deps.orders.findByNumber(n))?.id ?? ''));
    // The three oldest orders' partitions are read slowly (a busy storage node); the others' at once.
    const slow = new Set(ids.slice(0, 3));
    class SlowReads extends OutboxStore {
      override async pendingMessages(orderId: string): ReturnType<OutboxStore['pendingMessages']> {
        if (slow.has(orderId)) await new Promise((r) => setTimeout(r, 400));
        return super.pendingMessages(orderId);
      }
    }
    await drainThroughSlowChannel(laneDispatcher(app, sink, { store: new SlowReads(app.tables) }));
    const rank = new Map(numbers.map((n, i) => [n, i]));
    const posted = sink.requests.filter(isChannelPost).sort((a, b) => a.at - b.at).map((r) => rank.get(numberOf(r) ?? '') ?? -1);
    // The lane has 4 seats: the 4 oldest orders take them, however late their reads come back, so their cards go first.
    assert.deepEqual(posted.slice(0, 4).sort((a, b) => a - b), [0, 1, 2, 3], `the first four cards are the four oldest orders': ${posted.join(', ')}`);
    assert.deepEqual([...cardsPerOrder(sink, numbers).values()], numbers.map(() => 1), 'each order\'s card is posted exactly once');
  });

  it('stop() in the middle of the lane returns without posting the waiting cards; the next instance posts each of them once', async () => {
    const numbers = await submitAll(app, sink);
    sink.delay((r) => (isChannelPost(r) ? POST_MS : undefined));
    const first = laneDispatcher(app, sink);
    first.start();
    await sink.waitFor(() => sink.requests.filter(isChannelPost).length >= 2, 30_000);
    const stopping = Date.now();
    await first.stop();
    const stopMs = Date.now() - stopping;
    const byFirst = sink.requests.filter(isChannelPost).length;
    assert.ok(byFirst < ORDERS, `the first instance stopped before posting every card (${byFirst})`);
    assert.ok(stopMs < 4 * POST_MS, `stop() waited for the post in flight, not for the lane's queue (${stopMs} ms)`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.requests.filter(isChannelPost).length, byFirst, 'nothing is sent after stop() returned');

    const second = laneDispatcher(app, sink);
    second.start();
    try {
      await untilNothingPending(app, 60_000);
    } finally {
      await second.stop();
    }
    assert.deepEqual([...cardsPerOrder(sink, numbers).values()], numbers.map(() => 1), 'each card once: a graceful stop duplicates none');
    assert.deepEqual([...noticesPerOrder(sink, numbers).values()], numbers.map(() => 1), 'each manager notice once');
    await assertEveryOrderHasItsCard(app, numbers);
  });

  it('kill -9 while cards wait in the lane and one post is in flight: none lost, at most that one duplicated', async () => {
    const LEASE_MS = 1500; // less than the lane's wait (4 cards × 700 ms): the lease is renewed while a card waits
    const numbers = await submitAll(app, sink);
    const azurite = await testAzurite();
    let dead = false;
    let postsAtCrash = 0;
    // The process dies the moment the connector takes its 4th card (the answer never comes back).
    sink.delay((r) => {
      if (!isChannelPost(r)) return undefined;
      if (!dead && sink.held.length === 3) { dead = true; postsAtCrash = sink.held.length + 1; }
      return POST_MS;
    });
    const mortal = laneDispatcher(app, sink, { leaseMs: LEASE_MS, tables: new MortalTables(azurite.connectionString, app.tables.prefix, () => dead),
      messenger: (m) => new MortalMessenger(m, () => dead) });
    mortal.start(); // never stopped: a dead process's passes never settle; its leases run out
    await sink.waitFor(() => dead, 30_000);
    await new Promise((r) => setTimeout(r, LEASE_MS + 200));

    const next = laneDispatcher(app, sink);
    next.start();
    try {
      await untilNothingPending(app, 60_000);
    } finally {
      await next.stop();
    }
    const perOrder = cardsPerOrder(sink, numbers);
    const lost = numbers.filter((n) => perOrder.get(n) === 0);
    const duplicates = [...perOrder.values()].reduce((sum, c) => sum + Math.max(0, c - 1), 0);
    assert.equal(postsAtCrash, 4);
    assert.deepEqual(lost, [], 'no order is left without its card');
    assert.ok(duplicates <= 1, `duplicates (${duplicates}) ≤ the one post in flight at the crash`);
    const notified = noticesPerOrder(sink, numbers);
    assert.deepEqual(numbers.filter((n) => (notified.get(n) ?? 0) === 0), [], 'every manager notice went at least once');
    await assertEveryOrderHasItsCard(app, numbers);
  });
});

class MortalMessenger implements Messenger {
  constructor(private readonly inner: Messenger, private readonly dead: () => boolean) {}
  async postToChannel(channelId: string, message: OutgoingMessage): Promise<ChannelPost> {
    if (this.dead()) return never();
    const post = await this.inner.postToChannel(channelId, message);
    return this.dead() ? never() : post;
  }
  async updateInChannel(post: ChannelPost, message: OutgoingMessage): Promise<void> {
    if (this.dead()) return never();
    await this.inner.updateInChannel(post, message);
    if (this.dead()) return never();
  }
  async replyInThread(post: ChannelPost, message: OutgoingMessage): Promise<void> {
    if (this.dead()) return never();
    await this.inner.replyInThread(post, message);
    if (this.dead()) return never();
  }
  async sendPersonal(target: Parameters<Messenger['sendPersonal']>[0], message: OutgoingMessage): Promise<void> {
    if (this.dead()) return never();
    await this.inner.sendPersonal(target, message);
    if (this.dead()) return never();
  }
}
