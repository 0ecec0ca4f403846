import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { OutboxStore } from '../../bot/store/outboxStore';
import { createLogger } from '../../bot/log';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from './azurite';
import { ConnectorSink } from './connectorSink';
import type { Order } from '../../bot/domain/order';

export const TENANT = '00000000-0000-4000-8000-000000000001';
export const ADMIN_CHANNEL = '19:tilaukset@thread.tacv2';
/** People of the sample organisation (data/sample-org.json). */
export const PEOPLE = {
  mikko: '7b5e2561-7863-55ae-a8d6-36e54dc47c0c', // Palkanlaskija, manager Aino
  sanna: '8b07e6e1-9acb-535a-bdb3-91557a028687', // Palkanlaskija, manager Aino
  aino: '6e6859e7-43aa-5410-aabe-168b8923449e', // manager of Mikko
  eija: '2f6cb537-66c5-5019-a6e5-5a622419ee49', // administrator
  camilla: 'b96be055-f2dc-5e92-821c-108e2018f858', // administrator
  kaarina: '8f3324e7-2587-572c-a7da-1c34a2a5f962', // signatory
  johan: 'aede4d49-ec59-5b24-aa25-747a6f3ad6eb', // Swedish-speaking
} as const;

export interface TestBot {
  app: RunningApp;
  sink: ConnectorSink;
  /** Posts an activity to /api/messages; resolves with the HTTP status and JSON body. */
  post(activity: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  message(userId: string, text: string, extra?: Record<string, unknown>): Promise<{ status: number }>;
  /** An Action.Execute invoke; resolves with the card (or message) of the invoke answer. */
  execute(userId: string, verb: string, data: Record<string, unknown>, conversation?: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

let activitySeq = 0;

export async function startTestBot(env: NodeJS.ProcessEnv = {}, options: { now?: () => Date; dispatcherPollMs?: number; log?: import('pino').Logger } = {}): Promise<TestBot> {
  const azurite = await testAzurite();
  const sink = await ConnectorSink.start();
  const config = loadConfig({
    AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
    TABLE_PREFIX: uniquePrefix('bot'),
    PORT: String(await freePort()),
    ADMIN_CHANNEL_ID: ADMIN_CHANNEL,
    BOT_SERVICE_URL: sink.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await startApp(config, { log: options.log ?? createLogger(config.logLevel), jobs: false, now: options.now, dispatcherPollMs: options.dispatcherPollMs ?? 200 });
  const base = (userId: string, conversation?: Record<string, unknown>) => ({
    id: `act-${process.pid}-${++activitySeq}`,
    channelId: 'msteams',
    serviceUrl: sink.url,
    from: { id: `29:${userId}`, aadObjectId: userId },
    recipient: { id: '28:bot', name: 'Valtuusbotti' },
    conversation: conversation ?? { id: `a:personal-${userId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'fi-FI',
  });
  const post = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  };
  return {
    app,
    sink,
    post,
    message: async (userId, text, extra = {}) => post({ ...base(userId), type: 'message', text, ...extra }),
    execute: async (userId, verb, data, conversation) => {
      const r = await post({ ...base(userId, conversation), type: 'invoke', name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data } } });
      if (r.status !== 200) throw new Error(`invoke ${verb} answered ${r.status}`);
      return r.body.value as Record<string, unknown>;
    },
    stop: async () => { await app.stop(); await sink.close(); },
  };
}

/** All text in a card (TextBlocks, facts, labels, action titles), joined: for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'label', 'value']) if (typeof o[key] === 'string') out.push(o[key] as string);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** Finds the data of an Action.Execute with this verb in a card (what a click would send). */
export function actionData(card: unknown, verb: string, nth = 0): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && o.verb === verb) found.push((o.data ?? {}) as Record<string, unknown>);
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!found[nth]) throw new Error(`no Action.Execute "${verb}" in card`);
  return found[nth];
}

/** A reply in the administrators' channel thread (where the order cards' buttons are pressed). */
export const CHANNEL_THREAD = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true };

/**
 * An order of `who` (the form `data` over validOrder()) submitted at `submitAt`, then claimed and its line 0 granted by
 * Eija at `grantAt` from that day to `validUntil`; `setNow` moves the test's clock. Returns the order as submitted.
 */
export async function orderGrantedAt(bot: TestBot, setNow: (at: Date) => void, who: string, data: Record<string, unknown>,
  submitAt: string, grantAt: string, validUntil: string): Promise<Order> {
  setNow(new Date(submitAt));
  const order = await submitAs(bot, who, validOrder(data));
  setNow(new Date(grantAt));
  await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: order.id, v: order.updatedAt }, CHANNEL_THREAD);
  const claimed = (await bot.app.deps.orders.get(order.id))?.order as Order;
  const guide = await bot.execute(PEOPLE.eija, 'admin.grantGuide', { orderId: order.id, v: claimed.updatedAt, line: 0 }, CHANNEL_THREAD);
  await bot.execute(PEOPLE.eija, 'admin.confirmGrant', { ...actionData(guide, 'admin.confirmGrant'), validFrom: grantAt.slice(0, 10), validUntil }, CHANNEL_THREAD);
  // The grant's registerGrant message rewrites the entry (idempotently, marking the theme's views stale again): the
  // order is returned once it has gone, so what the test reads next is not raced by it.
  const outbox = new OutboxStore(bot.app.tables);
  const deadline = Date.now() + 10_000;
  while ((await outbox.pendingMessages(order.id)).some((r) => r.message.kind === 'registerGrant')) {
    if (Date.now() > deadline) throw new Error(`the registerGrant message of ${order.number} was not delivered in 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return order;
}

/**
 * Rewrites a granted order as a version before the reports' lead facts wrote it: no `leads` on its number index row,
 * no `grantedAt` on its lines (the audit trail still has when).
 */
export async function writeAsBeforeLeadFacts(bot: TestBot, order: Pick<Order, 'id' | 'number'>): Promise<void> {
  const index = bot.app.tables.client('orderIndex');
  const row = await index.getEntity<Record<string, unknown>>(`num|${order.number.slice(3, 7)}`, order.number);
  const { leads: _dropped, etag: _etag, ...old } = row;
  await index.upsertEntity({ ...old, partitionKey: String(row.partitionKey), rowKey: String(row.rowKey) }, 'Replace');
  const orders = bot.app.tables.client('orders');
  const entity = await orders.getEntity<Record<string, unknown>>(order.id, 'order');
  const stored = JSON.parse(String(entity.data)) as Order;
  stored.lines = stored.lines.map(({ grantedAt: _g, ...line }) => line);
  await orders.updateEntity({ partitionKey: order.id, rowKey: 'order', data: JSON.stringify(stored) }, 'Merge');
}

/** Submits an order form as `who` and returns the stored order; fails the test if no confirmation came back. */
export async function submitAs(bot: TestBot, who: string, data: Record<string, unknown>): Promise<Order> {
  const card = await bot.execute(who, 'orderSubmit', data);
  const number = /(VB-\d{4}-\d{5})/.exec(cardText(card))?.[1];
  if (!number) throw new Error(`no confirmation: ${cardText(card)}`);
  const order = await bot.app.deps.orders.findByNumber(number);
  if (!order) throw new Error(`order ${number} not found in storage`);
  return order;
}

export function validOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const next = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);
  return {
    token: `tok-${Math.random().toString(36).slice(2, 12)}`,
    givenName: 'Mikko', surname: 'Virtanen', hetu: '010594Y9032', department: 'Konsernipalvelut',
    themes: 'palkkatietojen-ilmoittaminen', justification: 'Palkanlaskenta vaatii tämän valtuuden joka kuukausi.',
    validUntil: next, requesterMail: 'mikko.virtanen@porvoo.example', ...overrides,
  };
}

/**
 * An app on the shared Azurite whose own dispatcher is stopped (as if the process died right after a commit): a
 * test delivers with dispatchers of its own (runOnce), e.g. two of them as two instances.
 */
export async function appWithoutDelivery(prefix: string, sink: ConnectorSink): Promise<RunningApp> {
  const azurite = await testAzurite();
  const config = loadConfig({ AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: prefix, PORT: String(await freePort()),
    ADMIN_CHANNEL_ID: ADMIN_CHANNEL, BOT_SERVICE_URL: sink.url, LOG_LEVEL: 'silent' });
  const app = await startApp(config, { log: createLogger('silent'), jobs: false });
  await app.dispatcher.stop();
  return app;
}
