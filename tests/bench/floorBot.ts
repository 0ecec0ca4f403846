/**
 * The floor for the turns that use storage: the bare botbuilder bot of ./echoBot.ts plus the least storage
 * the turn needs, so "how far is the app from what storage alone costs" has a measured answer.
 *
 * - An order (invoke): what any durable order with a duplicate check needs. One table, a partition per
 *   person: one query of the person's orders, then one transaction writing the order, its audit event and its
 *   two notifications into that partition. No validation, encryption, index rows, outbox marker or card
 *   template, all of which the app's submit does on top.
 * - A message: the echo bot's reply after that one query (the floor for the suggestion turn, which reads the
 *   person's partition where the greeting reads nothing).
 */
import { randomUUID } from 'node:crypto';
import { ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { TableClient, odata, type TransactionAction } from '@azure/data-tables';
import { t } from '../../bot/i18n';
import { serveBot, type EchoBot } from './echoBot';

class FloorHandler extends ActivityHandler {
  private sequence = 0;

  constructor(private readonly orders: TableClient) {
    super();
    // A message: the echo bot's reply after one read of the person's partition (the floor for a turn that
    // shows what a person holds, e.g. the suggestions).
    this.onMessage(async (ctx, next) => {
      await this.openOrders(ctx.activity.from.aadObjectId ?? ctx.activity.from.id);
      await ctx.sendActivity(ctx.activity.text ?? '');
      await next();
    });
  }

  private async openOrders(personId: string): Promise<number> {
    let open = 0;
    const filter = odata`PartitionKey eq ${personId} and RowKey ge ${'order|'} and RowKey lt ${'order}'}`;
    for await (const _ of this.orders.listEntities({ queryOptions: { filter, select: ['number'] } })) open += 1;
    return open;
  }

  protected override async onInvokeActivity(ctx: TurnContext): Promise<InvokeResponse> {
    const personId = ctx.activity.from.aadObjectId ?? ctx.activity.from.id;
    // The form as sent, without the henkilötunnus (the app stores it only encrypted; the floor does no crypto).
    const { hetu: _hetu, ...data } = (ctx.activity.value as { action?: { data?: Record<string, unknown> } } | undefined)?.action?.data ?? {};
    const open = await this.openOrders(personId);
    const orderId = randomUUID();
    const number = `VB-2026-${String(++this.sequence).padStart(5, '0')}`;
    const at = new Date().toISOString();
    const actions: TransactionAction[] = [
      ['create', { partitionKey: personId, rowKey: `order|${orderId}`, number, open, data: JSON.stringify(data), createdAt: at }],
      ['create', { partitionKey: personId, rowKey: `audit|${orderId}|1`, data: JSON.stringify({ at, actorId: personId, action: 'submit' }) }],
      ['create', { partitionKey: personId, rowKey: `outbox|${orderId}|1`, kind: 'adminCard', status: 'pending' }],
      ['create', { partitionKey: personId, rowKey: `outbox|${orderId}|2`, kind: 'personal', status: 'pending' }],
    ];
    await this.orders.submitTransaction(actions);
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: t('fi', 'confirm.title', { number }), wrap: true }] };
    return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } };
  }
}

/** Starts the floor bot on its own table (named by `prefix`); stopping it drops the table. */
export async function startFloorBot(port: number, connectionString: string, prefix: string, host = '127.0.0.1'): Promise<EchoBot> {
  const orders = TableClient.fromConnectionString(connectionString, `${prefix}orders`, { allowInsecureConnection: true });
  await orders.createTable();
  const bot = await serveBot(new FloorHandler(orders), 'bench-floor', port, host);
  return { port, stop: async () => { await bot.stop(); await orders.deleteTable(); } };
}
