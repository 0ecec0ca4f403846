/**
 * Outbox load for the sending-rate test and the bench's fan-out: many pending personal messages, each to its own
 * person (so only the per-app limit holds the senders back), and dispatchers wired as separate instances would be.
 */
import assert from 'node:assert/strict';
import type { RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger } from '../../bot/notify/messenger';
import { RateLimiter } from '../../bot/notify/rateLimiter';
import { TableSendBudget } from '../../bot/notify/sendBudget';
import { TableOrderStore } from '../../bot/store/orderStore';
import { Tables } from '../../bot/store/tables';
import type { OutboxMessage } from '../../bot/domain/outbox';
import { ADMIN_CHANNEL, TENANT, PEOPLE, validOrder, cardText } from './botHarness';

export const PER_SECOND = 30;

/** The conversation path of a load message at the connector: /v3/conversations/a:rate-p<order>x<n>/activities. */
export const LOAD_MESSAGE = /rate-p\d+x\d+/;

/**
 * A dispatcher as another instance would run it: its own Table clients, stores, limiter and budget object;
 * it shares only the storage account (and so the outbox and the budget row) with the others.
 */
export async function loadDispatcher(connectionString: string, prefix: string, app: RunningApp, serviceUrl: string, shared: boolean): Promise<OutboxDispatcher> {
  const tables = new Tables({ kind: 'connectionString', connectionString }, prefix);
  const limiter = shared ? new RateLimiter(7, PER_SECOND, undefined, undefined, new TableSendBudget(tables)) : new RateLimiter(7, PER_SECOND);
  return new OutboxDispatcher({
    store: new OutboxStore(tables), orders: new TableOrderStore(tables), log: createLogger('silent'), limiter, pollMs: 50, concurrency: 8,
    messenger: new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => serviceUrl }),
    // Every message goes to its own person, so only the per-app limit can hold the dispatchers back.
    render: async (record) => ({ to: 'personal', userId: (record.message as { recipientId: string }).recipientId, message: { text: 'rate test' } }),
    adminChannelId: () => ADMIN_CHANNEL,
    personalReference: async (userId) => ({ userId, reference: { channelId: 'msteams', serviceUrl,
      conversation: { id: `a:rate-${userId}`, conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' }, bot: { id: '28:bot', name: 'bot' } } as never }),
  });
}

/** Creates `orders` orders with `perOrder` personal messages each, all pending in the outbox. */
export async function queueLoad(app: RunningApp, serviceUrl: string, orders: number, perOrder: number): Promise<number> {
  const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', id: 'rate-1', channelId: 'msteams', serviceUrl,
    from: { id: `29:${PEOPLE.mikko}`, aadObjectId: PEOPLE.mikko }, recipient: { id: '28:bot' },
    conversation: { id: `a:${PEOPLE.mikko}`, conversationType: 'personal', tenantId: TENANT },
    value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data: validOrder({ themes: 'veroasioiden-hoito' }) } } }) });
  const number = /(VB-\d{4}-\d{5})/.exec(cardText(((await res.json()) as { value: unknown }).value))?.[1];
  const template = number ? await app.deps.orders.findByNumber(number) : undefined;
  assert.ok(template, 'a real order to copy');
  await Promise.all(Array.from({ length: orders }, async (_, i) => {
    const id = `${template.id}-rate${i}`;
    const outbox: OutboxMessage[] = Array.from({ length: perOrder }, (_x, j) => ({ kind: 'personal', orderId: id, recipientId: `p${i}x${j}`, event: 'submitted' }));
    await app.deps.orders.create({ ...template, id, number: `VB-2099-${String(i).padStart(5, '0')}` }, [], outbox);
  }));
  return orders * perOrder;
}

/** The most requests the connector saw in any one-second window (sliding: every window starting at a request). */
export function busiestSecond(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (j < t.length && t[j] < t[i] + 1000) j++;
    best = Math.max(best, j - i);
  }
  return best;
}
