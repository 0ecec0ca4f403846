import assert from 'node:assert/strict';
import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger, type ChannelPost, type Messenger } from '../../bot/notify/messenger';
import type { OutgoingMessage } from '../../bot/presenters/notifications';
import { createRenderer } from '../../bot/presenters/notifications';
import { RateLimiter } from '../../bot/notify/rateLimiter';
import { TableOrderStore } from '../../bot/store/orderStore';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { ConnectorSink } from '../helpers/connectorSink';
import { ADMIN_CHANNEL, TENANT } from '../helpers/botHarness';
import { MortalTables, never, submitNumbered } from '../helpers/outboxRig';

/**
 * kill -9 of the dispatcher at the worst moments of a channel post, many times, against real Azurite and the
 * local Bot Connector sink. A "crash" freezes one dispatcher instance for good (every later storage call and
 * message of it never returns, like a dead process; its lease is left to expire), and a fresh instance with a
 * new id takes over.
 *
 * Where a crash can hit a channel post:
 *  - before the post (the "posting" mark is written, the post never leaves): must not duplicate;
 *  - the connector took the post but the answer never reached us, or the first storage operation after the
 *    post never ran: the card is in Teams and we cannot know it — the only window; at most one duplicate each;
 *  - any later storage operation (the reference is saved by then): must not duplicate.
 * So: duplicates at the sink ≤ crashes inside the window ≤ posts in flight at the crashes; no card is lost.
 */

type CrashPoint = { at: 'beforePost' } | { at: 'answerLost' } | { at: 'storageOpAfterPost'; k: number };

/** Deterministic PRNG (mulberry32): the same crash plan every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


/** One process's fate: crashes at its `nth` channel post, at `point`. */
class Fate {
  dead = false;
  private posts = 0;
  private opsAfterPost: number | undefined;
  constructor(readonly nth: number, readonly point: CrashPoint) {}

  /** Called at each storage operation: true = the process dies here (the operation never runs). */
  storageOp(): boolean {
    if (this.dead) return true;
    if (this.opsAfterPost !== undefined && this.point.at === 'storageOpAfterPost') {
      if (this.opsAfterPost === this.point.k) this.dead = true;
      this.opsAfterPost += 1;
    }
    return this.dead;
  }

  /** Called at each channel post: true = die before it leaves. */
  beforePost(): boolean {
    if (this.dead) return true;
    this.posts += 1;
    if (this.posts === this.nth && this.point.at === 'beforePost') this.dead = true;
    return this.dead;
  }

  /** Called when the connector answered a post: true = die before the answer is seen. */
  afterPost(): boolean {
    if (this.posts !== this.nth) return false;
    if (this.point.at === 'answerLost') this.dead = true;
    if (this.point.at === 'storageOpAfterPost') this.opsAfterPost = 0;
    return this.dead;
  }

  /** The crash hit between "the connector took the post" and "the first storage operation after it ran". */
  get inWindow(): boolean {
    return this.dead && (this.point.at === 'answerLost' || (this.point.at === 'storageOpAfterPost' && this.point.k === 0));
  }
}

class MortalMessenger implements Messenger {
  constructor(private readonly inner: Messenger, private readonly fate: Fate) {}
  async postToChannel(channelId: string, message: OutgoingMessage): Promise<ChannelPost> {
    if (this.fate.beforePost()) return never();
    const post = await this.inner.postToChannel(channelId, message);
    if (this.fate.afterPost()) return never();
    return post;
  }
  async updateInChannel(post: ChannelPost, message: OutgoingMessage): Promise<void> {
    if (this.fate.dead) return never();
    return this.inner.updateInChannel(post, message);
  }
  async replyInThread(post: ChannelPost, message: OutgoingMessage): Promise<void> {
    if (this.fate.dead) return never();
    return this.inner.replyInThread(post, message);
  }
  async sendPersonal(target: Parameters<Messenger['sendPersonal']>[0], message: OutgoingMessage): Promise<void> {
    if (this.fate.dead) return never();
    return this.inner.sendPersonal(target, message);
  }
}


const submit = (app: RunningApp, sink: ConnectorSink, i: number): Promise<string> => submitNumbered(app, sink, i, 'i');

describe('outbox: a crash during a channel post duplicates at most the post in flight', function () {
  this.timeout(180_000);
  const ORDERS = 36;
  const LEASE_MS = 400;

  it(`kill -9 at the worst moments of ${ORDERS} channel posts: duplicates ≤ posts in flight at the crashes, none lost`, async () => {
    const azurite = await testAzurite();
    const sink = await ConnectorSink.start();
    const prefix = uniquePrefix('crash');
    const config = loadConfig({ AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: prefix, PORT: String(await freePort()),
      ADMIN_CHANNEL_ID: ADMIN_CHANNEL, BOT_SERVICE_URL: sink.url, LOG_LEVEL: 'silent' });
    const app = await startApp(config, { log: createLogger('silent'), jobs: false });
    try {
      await app.dispatcher.stop(); // orders are committed; delivery is done by the mortal instances below
      const numbers: string[] = [];
      for (let i = 0; i < ORDERS; i++) numbers.push(await submit(app, sink, i));
      assert.equal(new Set(numbers).size, ORDERS, 'each submit made its own order');

      const random = prng(0x9c12);
      const fates: Fate[] = [];
      const points: CrashPoint[] = [{ at: 'beforePost' }, { at: 'answerLost' },
        { at: 'storageOpAfterPost', k: 0 }, { at: 'storageOpAfterPost', k: 1 }, { at: 'storageOpAfterPost', k: 2 }, { at: 'storageOpAfterPost', k: 3 }];
      const pending = () => new OutboxStore(app.tables).pendingPartitions();
      for (let round = 0; round < 200 && (await pending()).length > 0; round++) {
        const fate = new Fate(1 + Math.floor(random() * 3), points[Math.floor(random() * points.length)]);
        fates.push(fate);
        const tables = new MortalTables(azurite.connectionString, prefix, () => fate.storageOp());
        const orders = new TableOrderStore(tables);
        const dispatcher = new OutboxDispatcher({
          store: new OutboxStore(tables), orders, log: createLogger('silent'), leaseMs: LEASE_MS, limiter: new RateLimiter(1000, 1000),
          messenger: new MortalMessenger(new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => sink.url }), fate),
          render: createRenderer({ directory: app.deps.directory, users: app.deps.users, adminLang: 'fi' }),
          adminChannelId: () => ADMIN_CHANNEL,
          personalReference: async (userId) => ({ userId }),
        });
        // Until it finishes its pass or dies (a dead one never settles: it is simply abandoned, as after kill -9).
        await Promise.race([dispatcher.runOnce(), new Promise<void>((resolve) => {
          const t = setInterval(() => { if (fate.dead) { clearInterval(t); resolve(); } }, 5);
        })]);
        if (fate.dead) await new Promise((r) => setTimeout(r, LEASE_MS + 50)); // the dead one's lease runs out
      }
      assert.equal((await pending()).length, 0, 'everything was delivered in the end');

      const crashes = fates.filter((f) => f.dead);
      const inWindow = crashes.filter((f) => f.inWindow).length;
      const posts = sink.requests.filter((r) => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path)
        && (r.body.channelData as { channel?: unknown } | undefined)?.channel);
      const perOrder = new Map(numbers.map((n) => [n, posts.filter((p) => JSON.stringify(p.body).includes(n)).length]));
      const lost = numbers.filter((n) => perOrder.get(n) === 0);
      const duplicates = [...perOrder.values()].reduce((sum, c) => sum + Math.max(0, c - 1), 0);
      const byPoint = (at: CrashPoint['at'], k?: number) => crashes.filter((f) => f.point.at === at && (k === undefined || (f.point as { k?: number }).k === k)).length;
      console.log(`      ${crashes.length} crashes (before post ${byPoint('beforePost')}, answer lost ${byPoint('answerLost')}, ` +
        `storage op after post #0 ${byPoint('storageOpAfterPost', 0)}, later ops ${crashes.length - byPoint('beforePost') - byPoint('answerLost') - byPoint('storageOpAfterPost', 0)}); ` +
        `${posts.length} channel posts for ${ORDERS} orders; duplicates ${duplicates} ≤ in flight at the crashes ${inWindow}`);

      assert.deepEqual(lost, [], 'no order is left without its card');
      assert.ok(crashes.length >= 15 && inWindow >= 3 && crashes.length - inWindow >= 8, 'the plan hit every kind of moment');
      assert.ok(duplicates <= inWindow, `duplicates (${duplicates}) must not exceed the posts in flight at the crashes (${inWindow})`);
      for (const n of numbers) {
        const order = await app.deps.orders.findByNumber(n);
        assert.ok(order?.adminCard?.activityId, `${n}: where its card sits is recorded`);
      }
    } finally {
      await app.stop();
      await sink.close();
    }
  });
});
