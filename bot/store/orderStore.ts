import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Order } from '../domain/order';
import { isOpen } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import { Tables, isStatus } from './tables';
import { ORDER_ROW, auditRowKey, indexPartition, outboxRowKey, safeKey, prefixEnd, OUTBOX_PREFIX } from './entities';

/** Entity schema version of the order row; older rows keep loading through decodeOrder. */
const ORDER_SCHEMA = 1;

export interface StoredOrder { order: Order; etag: string }

/** Thrown when the order changed since it was read (ETag mismatch): reload and tell the user what changed. */
export class ConcurrencyError extends Error {
  constructor(readonly orderId: string) { super(`Order ${orderId} was changed by someone else`); this.name = 'ConcurrencyError'; }
}

/** What an index row says about an order, enough for duplicate checks and statuses without loading it. */
export interface OrderSummary {
  orderId: string;
  number: string;
  status: string;
  /** Themes on lines still in progress. */
  openThemeIds: string[];
}

export interface OrderStore {
  get(orderId: string): Promise<StoredOrder | undefined>;
  /** Creates the order with its audit event and outbox in one transaction; 'exists' when the id is taken (a replay). */
  create(order: Order, audit: AuditEvent[], outbox: OutboxMessage[]): Promise<'created' | 'exists'>;
  /**
   * Replaces the order if its ETag still matches, with audit events and outbox in the same transaction.
   * `previous` is the order as read with that ETag (its index rows are brought up to date only if they change).
   */
  update(order: Order, etag: string, audit: AuditEvent[], outbox: OutboxMessage[], previous: Order): Promise<string>;
  listByRequester(userId: string): Promise<Order[]>;
  listBySubject(userId: string): Promise<Order[]>;
  /** The subject's orders as their index rows describe them (one query, no order reads). */
  subjectSummaries(userId: string): Promise<OrderSummary[]>;
  listOpen(): Promise<Order[]>;
  listWaitingForTheme(themeId: string): Promise<Order[]>;
  findByNumber(number: string): Promise<Order | undefined>;
  auditTrail(orderId: string): Promise<AuditEvent[]>;
  /** Creates a once-per-key marker (throws a 409 RestError when another instance already took it). */
  claimDailyMarker(key: string): Promise<void>;
  /** Appends audit events that change no state (a refused attempt, a henkilötunnus reveal). */
  appendAudit(orderId: string, audit: AuditEvent[]): Promise<void>;
  /** Allocates the next order number sequence for the year (unique; gaps possible after failed submits). */
  nextSequence(year: number): Promise<number>;
}

interface IndexRow { partitionKey: string; rowKey: string }

const LINE_DONE = ['granted', 'dvvRefused', 'closed'];
/** The summary fields every index row of an order carries (refreshed on each change). */
function summaryFields(order: Order): Record<string, string> {
  const open = isOpen(order) ? order.lines.filter((l) => l.themeId && !LINE_DONE.includes(l.stage)).map((l) => l.themeId as string) : [];
  return { number: order.number, status: order.status, openThemes: open.join(','), createdAt: order.createdAt };
}

/** The pointer entities an order of this state needs: derived from the order, never kept by hand. */
export function indexRowsFor(order: Order): IndexRow[] {
  const rows: IndexRow[] = [
    { partitionKey: indexPartition.requester(order.requesterId), rowKey: order.id },
    { partitionKey: indexPartition.subject(order.subject.id), rowKey: order.id },
    { partitionKey: indexPartition.number, rowKey: safeKey(order.number) },
  ];
  if (isOpen(order)) rows.push({ partitionKey: indexPartition.open, rowKey: order.id });
  for (const line of order.lines) {
    if (line.themeId && ['review', 'applicationPrepared', 'signed', 'sentToDvv'].includes(line.stage) && isOpen(order)) {
      rows.push({ partitionKey: indexPartition.theme(safeKey(line.themeId)), rowKey: order.id });
    }
  }
  return rows;
}

export class TableOrderStore implements OrderStore {
  private readonly orders: TableClient;
  private readonly index: TableClient;
  private readonly counters: TableClient;
  private readonly outboxIndex: TableClient;

  /** How many order numbers one reservation takes (1 = strictly consecutive numbers, slower under load). */
  private readonly numberBlock: number;

  constructor(tables: Tables, options: { numberBlock?: number } = {}) {
    this.numberBlock = options.numberBlock ?? 10;
    this.orders = tables.client('orders');
    this.index = tables.client('orderIndex');
    this.counters = tables.client('counters');
    this.outboxIndex = tables.client('outboxIndex');
  }

  async get(orderId: string): Promise<StoredOrder | undefined> {
    try {
      const e = await this.orders.getEntity<Record<string, unknown>>(orderId, ORDER_ROW);
      return { order: decodeOrder(e), etag: String(e.etag) };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async create(order: Order, audit: AuditEvent[], outbox: OutboxMessage[]): Promise<'created' | 'exists'> {
    await Promise.all([this.upsertIndex(indexRowsFor(order), order), outbox.length ? this.touchOutboxIndex(order.id) : undefined]);
    const actions: TransactionAction[] = [['create', encodeOrder(order)], ...this.appendActions(order.id, audit, outbox)];
    try {
      await this.orders.submitTransaction(actions);
      return 'created';
    } catch (err) {
      if (isStatus(err, 409)) return 'exists';
      throw err;
    }
  }

  async update(order: Order, etag: string, audit: AuditEvent[], outbox: OutboxMessage[], previous: Order): Promise<string> {
    const oldRows = indexRowsFor(previous);
    const newRows = indexRowsFor(order);
    const key = (r: IndexRow) => `${r.partitionKey}\n${r.rowKey}`;
    const unchanged = JSON.stringify(summaryFields(order)) === JSON.stringify(summaryFields(previous))
      && newRows.length === oldRows.length && newRows.every((r, i) => key(r) === key(oldRows[i]));
    await Promise.all([unchanged ? undefined : this.upsertIndex(newRows, order), outbox.length ? this.touchOutboxIndex(order.id) : undefined]);
    const actions: TransactionAction[] = [
      ['update', encodeOrder(order), 'Replace', { etag }],
      ...this.appendActions(order.id, audit, outbox),
    ];
    let newEtag: string;
    try {
      const result = await this.orders.submitTransaction(actions);
      newEtag = result.subResponses[0]?.etag ?? '';
    } catch (err) {
      if (isStatus(err, 412)) throw new ConcurrencyError(order.id);
      throw err;
    }
    const keep = new Set(newRows.map(key));
    const stale = oldRows.filter((r) => !keep.has(key(r)));
    await Promise.all(stale.map((r) => this.index.deleteEntity(r.partitionKey, r.rowKey).catch(() => undefined)));
    if (outbox.length) await this.touchOutboxIndex(order.id).catch(() => undefined);
    return newEtag;
  }

  listByRequester(userId: string): Promise<Order[]> { return this.listIndexed(indexPartition.requester(userId)); }
  listBySubject(userId: string): Promise<Order[]> { return this.listIndexed(indexPartition.subject(userId)); }

  async subjectSummaries(userId: string): Promise<OrderSummary[]> {
    const out: OrderSummary[] = [];
    const filter = odata`PartitionKey eq ${indexPartition.subject(userId)}`;
    for await (const e of this.index.listEntities<{ orderId: string; number?: string; status?: string; openThemes?: string }>({ queryOptions: { filter } })) {
      out.push({ orderId: e.orderId, number: e.number ?? '', status: e.status ?? '', openThemeIds: (e.openThemes ?? '').split(',').filter(Boolean) });
    }
    return out;
  }
  async listOpen(): Promise<Order[]> { return (await this.listIndexed(indexPartition.open)).filter(isOpen); }
  async listWaitingForTheme(themeId: string): Promise<Order[]> {
    const orders = await this.listIndexed(indexPartition.theme(safeKey(themeId)));
    return orders.filter((o) => isOpen(o) && o.lines.some((l) => l.themeId === themeId && l.path === 'missing'));
  }

  async findByNumber(number: string): Promise<Order | undefined> {
    try {
      const row = await this.index.getEntity<{ orderId: string }>(indexPartition.number, safeKey(number.trim().toUpperCase()));
      return (await this.get(row.orderId))?.order;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async auditTrail(orderId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    const filter = odata`PartitionKey eq ${orderId} and RowKey ge ${'audit|'} and RowKey lt ${prefixEnd('audit|')}`;
    for await (const e of this.orders.listEntities<{ data: string }>({ queryOptions: { filter } })) {
      events.push(JSON.parse(e.data) as AuditEvent);
    }
    return events;
  }

  async claimDailyMarker(key: string): Promise<void> {
    await this.counters.createEntity({ partitionKey: 'marker', rowKey: safeKey(key), at: new Date().toISOString() });
  }

  async appendAudit(orderId: string, audit: AuditEvent[]): Promise<void> {
    if (audit.length) await this.orders.submitTransaction(this.appendActions(orderId, audit, []));
  }

  /**
   * Order numbers come from a shared counter entity, reserved in blocks: one ETag-guarded write per block
   * instead of per order, so concurrent submits (and instances) do not queue on one entity. Numbers stay
   * unique; an instance that stops leaves the rest of its block unused (gaps are allowed).
   */
  async nextSequence(year: number): Promise<number> {
    for (;;) {
      const block = this.blocks.get(year);
      if (block && block.next <= block.end) return block.next++;
      this.reserving.set(year, this.reserving.get(year) ?? this.reserveBlock(year).finally(() => this.reserving.delete(year)));
      const reserved = await this.reserving.get(year);
      const current = this.blocks.get(year);
      if (reserved && (!current || current.next > current.end)) this.blocks.set(year, reserved);
    }
  }

  private readonly blocks = new Map<number, { next: number; end: number }>();
  private readonly reserving = new Map<number, Promise<{ next: number; end: number }>>();

  private async reserveBlock(year: number): Promise<{ next: number; end: number }> {
    const last = await this.advanceCounter(year, this.numberBlock);
    return { next: last - this.numberBlock + 1, end: last };
  }

  /** Moves the year's counter forward by `by`; returns the new value. */
  private async advanceCounter(year: number, by: number): Promise<number> {
    const key = String(year);
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const row = await this.counters.getEntity<{ value: number }>('orderNumber', key);
        const next = Number(row.value) + by;
        await this.counters.updateEntity({ partitionKey: 'orderNumber', rowKey: key, value: next }, 'Replace', { etag: row.etag });
        return next;
      } catch (err) {
        if (isStatus(err, 404)) {
          try {
            await this.counters.createEntity({ partitionKey: 'orderNumber', rowKey: key, value: by });
            return by;
          } catch (createErr) {
            if (!isStatus(createErr, 409)) throw createErr;
          }
        } else if (!isStatus(err, 412)) {
          throw err;
        }
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
    }
    throw new Error('Could not allocate an order number after 50 attempts');
  }

  private async listIndexed(partition: string): Promise<Order[]> {
    const ids: string[] = [];
    const filter = odata`PartitionKey eq ${partition}`;
    for await (const e of this.index.listEntities<{ orderId: string }>({ queryOptions: { filter, select: ['orderId'] } })) {
      ids.push(e.orderId);
    }
    const loaded = await mapLimit(ids, 16, (id) => this.get(id));
    return loaded.filter((x): x is StoredOrder => x !== undefined).map((x) => x.order)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private async upsertIndex(rows: IndexRow[], order: Order): Promise<void> {
    const fields = summaryFields(order);
    await Promise.all(rows.map((r) => this.index.upsertEntity({ ...r, orderId: order.id, ...fields }, 'Replace')));
  }

  /** Marks the order's partition as having outbox messages to deliver (before and after the commit; see notify/dispatcher). */
  private async touchOutboxIndex(orderId: string): Promise<void> {
    await this.outboxIndex.upsertEntity({ partitionKey: 'pending', rowKey: orderId, touchedAt: new Date().toISOString() }, 'Merge');
  }

  private appendActions(orderId: string, audit: AuditEvent[], outbox: OutboxMessage[]): TransactionAction[] {
    const now = new Date().toISOString();
    const rand = Math.floor(Math.random() * 1000);
    return [
      ...audit.map((a, i): TransactionAction => ['create', {
        partitionKey: orderId, rowKey: auditRowKey(a.at, rand + i), kind: 'audit', at: a.at, actorId: a.actorId,
        action: a.action, data: JSON.stringify(a),
      }]),
      ...outbox.map((m, i): TransactionAction => ['create', {
        partitionKey: orderId, rowKey: outboxRowKey(now, rand + i), kind: 'outbox', status: 'pending', attempts: 0,
        notBefore: now, message: JSON.stringify(m),
      }]),
    ];
  }
}

export { OUTBOX_PREFIX };

function encodeOrder(order: Order): { partitionKey: string; rowKey: string; [k: string]: unknown } {
  const { hetuCipher, ...rest } = order;
  return {
    partitionKey: order.id,
    rowKey: ORDER_ROW,
    schema: ORDER_SCHEMA,
    number: order.number,
    status: order.status,
    requesterId: order.requesterId,
    subjectId: order.subject.id,
    createdAt: order.createdAt,
    hetuCipher: hetuCipher ?? '',
    data: JSON.stringify(rest),
  };
}

function decodeOrder(e: Record<string, unknown>): Order {
  const schema = Number(e.schema ?? 1);
  if (schema > ORDER_SCHEMA) throw new Error(`Order entity schema ${schema} is newer than this app understands (${ORDER_SCHEMA})`);
  const data = JSON.parse(String(e.data)) as Omit<Order, 'hetuCipher'>;
  const cipher = typeof e.hetuCipher === 'string' && e.hetuCipher !== '' ? e.hetuCipher : null;
  // Fields added after schema 1 get their defaults here, so old rows keep loading.
  return { ...data, unreachable: data.unreachable ?? [], adminCard: data.adminCard ?? null, hetuCipher: cipher };
}

/** Runs fn over items with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}
