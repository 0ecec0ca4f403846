import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Order } from '../domain/order';
import type { ServicePath } from '../domain/paths';
import { OPEN_STATUSES, isLineDone, isOpen, isWaitingForDvv } from '../domain/lifecycle';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import { Tables, isStatus } from './tables';
import { grantFromEntity, type Grant } from './grantStore';
import { pendingPointer } from './outboxRows';
import { appendActions } from './partitionRows';
import { chunked, unchunked } from './registerIndex';
import { ORDER_ROW, ORDER_ROW_PREFIX, GRANT_ROW_PREFIX, LEAD_SUMMARY_KEY, LEADS_INDEXED, indexPartition, personOrderKey, safeKey, prefixEnd } from './entities';
import { isoWeek } from '../domain/reports';
import { helsinkiDate } from '../domain/workdays';
import { mapLimit } from './mapLimit';

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
  /** Orders the person made or that are for them, newest first (one partition query, then the orders). */
  listForPerson(userId: string): Promise<Order[]>;
  /** Everything about a person in one query: the orders they are the subject of, and the mandates they hold. */
  personView(userId: string): Promise<{ orders: OrderSummary[]; grants: Grant[] }>;
  listOpen(): Promise<Order[]>;
  listWaitingForTheme(themeId: string): Promise<Order[]>;
  findByNumber(number: string): Promise<Order | undefined>;
  auditTrail(orderId: string): Promise<AuditEvent[]>;
  /**
   * Every order that still stores a henkilötunnus, with its age and status (a scan of the order rows, for the
   * daily retention job; normally few: the code goes at grant or close).
   */
  hetuHolders(): Promise<HetuHolder[]>;
  /** Creates a once-per-key marker (throws a 409 RestError when another instance already took it). */
  claimDailyMarker(key: string): Promise<void>;
  /** Appends audit events that change no state (a refused attempt, a henkilötunnus reveal). */
  appendAudit(orderId: string, audit: AuditEvent[]): Promise<void>;
  /** Allocates the next order number sequence for the year (unique; gaps possible after failed submits). */
  nextSequence(year: number): Promise<number>;
  /** The lead-time facts of every order numbered in the year (one partition query of the number index). */
  leadRows(year: number): Promise<LeadRow[]>;
  /**
   * The orders with lines granted in the ISO week starting `week` (a Monday), each with those lines (one partition
   * query of `lead|<week>`; orders written before these rows existed get theirs first, once).
   */
  leadWeek(week: string): Promise<LeadWeekRow[]>;
  /** The summaries saved for the weeks from `fromWeek` to `toWeek` (Mondays), by week: one range read. */
  leadSummaries(fromWeek: string, toWeek: string): Promise<Map<string, string>>;
  /** Saves a closed week's summary (once: a summary already there stands; a closed week's facts cannot change). */
  saveLeadSummary(week: string, json: string): Promise<void>;
}

/** An order's lines granted in one ISO week (see OrderStore.leadWeek): when the order came in, the subject's department, the lines' paths and confirmation times. */
export interface LeadWeekRow {
  number: string;
  createdAt: string;
  department: string;
  leads: Array<{ path: ServicePath; grantedAt: string }>;
}

/**
 * What the number index row says about an order's lead times (the reports tab): when it came in, the subject's
 * department, and each granted line's path and confirmation time. `leads` is absent on rows written before it
 * (and on lines granted before `grantedAt` existed): the caller reads such an order itself.
 */
export interface LeadRow {
  orderId: string;
  number: string;
  status: string;
  createdAt: string;
  department: string;
  leads?: Array<{ path: ServicePath; grantedAt: string }>;
}

/** An order still holding a henkilötunnus, as the retention job needs it. */
export interface HetuHolder { orderId: string; createdAt: string; status: string }

/** A pointer entity: in `people` (per person) or in `orderIndex` (by number and year, by waiting theme). */
interface IndexRow { table: 'people' | 'index'; partitionKey: string; rowKey: string; fields?: Record<string, unknown> }

/** The summary fields every index row of an order carries (refreshed on each change). */
function summaryFields(order: Order): Record<string, string> {
  const open = isOpen(order) ? order.lines.filter((l) => l.themeId && !isLineDone(l)).map((l) => l.themeId as string) : [];
  return { number: order.number, status: order.status, openThemes: open.join(','), createdAt: order.createdAt };
}

function summaryOf(e: Record<string, unknown>): OrderSummary {
  return { orderId: String(e.orderId), number: String(e.number ?? ''), status: String(e.status ?? ''),
    openThemeIds: String(e.openThemes ?? '').split(',').filter(Boolean) };
}

function yearOf(number: string): string {
  return /^VB-(\d{4})-/.exec(number)?.[1] ?? '0000';
}

/** The pointer entities an order of this state needs: derived from the order, never kept by hand. */
export function indexRowsFor(order: Order): IndexRow[] {
  const self = order.requesterId === order.subject.id;
  const rows: IndexRow[] = [
    { table: 'people', partitionKey: order.subject.id, rowKey: personOrderKey(order.id), fields: { asSubject: true, asRequester: self } },
    { table: 'index', partitionKey: indexPartition.number(yearOf(order.number)), rowKey: safeKey(order.number), fields: leadFields(order) },
  ];
  if (!self) rows.push({ table: 'people', partitionKey: order.requesterId, rowKey: personOrderKey(order.id), fields: { asSubject: false, asRequester: true } });
  const granted = order.lines.flatMap((l) => (l.stage === 'granted' && l.grantedAt ? [{ path: l.path, grantedAt: l.grantedAt }] : []));
  for (const [week, leads] of grantWeeks(granted)) {
    rows.push({ table: 'index', partitionKey: indexPartition.lead(week), rowKey: safeKey(order.number),
      fields: { department: order.subject.department, leads: JSON.stringify(leads) } });
  }
  for (const line of order.lines) {
    if (line.themeId && isWaitingForDvv(line) && isOpen(order)) {
      rows.push({ table: 'index', partitionKey: indexPartition.theme(safeKey(line.themeId)), rowKey: order.id });
    }
  }
  return rows;
}

/**
 * The number row's lead-time facts (see LeadRow). `leads` is written only when every granted line knows its
 * confirmation time, so a reader never mistakes a partly known order for a complete one.
 */
function leadFields(order: Order): Record<string, string> {
  const granted = order.lines.filter((l) => l.stage === 'granted');
  const known = granted.every((l) => l.grantedAt);
  return { department: order.subject.department, ...(known ? { leads: JSON.stringify(granted.map((l) => ({ path: l.path, grantedAt: l.grantedAt }))) } : {}) };
}

/** The ISO week (its Monday, Helsinki time) of each confirmed grant, with the lines granted in it that know when. */
function grantWeeks(leads: ReadonlyArray<{ path: ServicePath; grantedAt: string }>): Map<string, Array<{ path: ServicePath; grantedAt: string }>> {
  const out = new Map<string, Array<{ path: ServicePath; grantedAt: string }>>();
  for (const l of leads) {
    const week = isoWeek(helsinkiDate(new Date(l.grantedAt)));
    out.set(week, [...(out.get(week) ?? []), { path: l.path, grantedAt: l.grantedAt }]);
  }
  return out;
}

function leadRowOf(e: Record<string, unknown>): LeadRow {
  const row: LeadRow = { orderId: String(e.orderId), number: String(e.number ?? ''), status: String(e.status ?? ''), createdAt: String(e.createdAt ?? ''),
    department: String(e.department ?? '') };
  if (typeof e.leads === 'string') row.leads = JSON.parse(e.leads) as LeadRow['leads'];
  return row;
}

function indexEntity(r: IndexRow, order: Order): { partitionKey: string; rowKey: string; [k: string]: unknown } {
  return { partitionKey: r.partitionKey, rowKey: r.rowKey, orderId: order.id, ...summaryFields(order), ...(r.fields ?? {}) };
}

/**
 * The order's rows in `orderIndex` as this store writes them (the number row, the `lead|<week>` rows of its grants,
 * the waiting-theme rows), and the mark that the lead rows cover every order: for a bulk load (the bench).
 */
export function orderIndexEntities(order: Order): Array<{ partitionKey: string; rowKey: string; [k: string]: unknown }> {
  return indexRowsFor(order).filter((r) => r.table === 'index').map((r) => indexEntity(r, order));
}
export const leadsIndexedMark = (): { partitionKey: string; rowKey: string } => ({ ...LEADS_INDEXED });

/** The order's row in the number index (`orderIndex`, `num|<year>`) as this store writes it: for a bulk load (the bench). */
export function numberIndexEntity(order: Order): { partitionKey: string; rowKey: string; [k: string]: unknown } {
  const row = indexRowsFor(order).find((r) => r.table === 'index' && r.partitionKey.startsWith(indexPartition.number('')));
  if (!row) throw new Error(`order ${order.number} has no number index row`);
  return indexEntity(row, order);
}

const rowKey = (r: IndexRow): string => `${r.table}\n${r.partitionKey}\n${r.rowKey}`;

export class TableOrderStore implements OrderStore {
  private readonly orders: TableClient;
  private readonly index: TableClient;
  private readonly people: TableClient;
  private readonly counters: TableClient;
  private readonly outboxIndex: TableClient;

  /** How many order numbers one reservation takes (1 = strictly consecutive numbers, slower under load). */
  private readonly numberBlock: number;
  /** The app's clock (tests move it): the years listOpen reads, the outbox rows' and markers' times. */
  private readonly now: () => Date;
  /** Set once the mark LEADS_INDEXED was seen: the `lead|` rows cover every order. */
  private leadsIndexed = false;

  constructor(tables: Tables, options: { numberBlock?: number; now?: () => Date } = {}) {
    this.numberBlock = options.numberBlock ?? 10;
    this.now = options.now ?? (() => new Date());
    this.orders = tables.client('orders');
    this.index = tables.client('orderIndex');
    this.people = tables.client('people');
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
    const rows = indexRowsFor(order);
    await Promise.all([this.upsertIndex(rows, order), outbox.length ? this.touchOutboxIndex(order.id) : undefined]);
    const actions: TransactionAction[] = [['create', encodeOrder(order)], ...appendActions(order.id, audit, outbox, this.now())];
    try {
      await this.orders.submitTransaction(actions);
    } catch (err) {
      if (isStatus(err, 409)) {
        // A twin (the same click, replayed while the first was in flight) committed first: its number stands, and
        // the rows written here for the number this attempt drew go.
        await this.reindex(order.id, rows).catch(() => undefined);
        return 'exists';
      }
      throw err;
    }
    // Touched again after the commit, as update() does: a dispatcher pass between the first touch and the commit
    // found no message and removed the marker (its re-read came before the commit), which would strand them.
    if (outbox.length) await this.touchOutboxIndex(order.id).catch(() => undefined);
    return 'created';
  }

  async update(order: Order, etag: string, audit: AuditEvent[], outbox: OutboxMessage[], previous: Order): Promise<string> {
    const oldRows = indexRowsFor(previous);
    const newRows = indexRowsFor(order);
    const unchanged = JSON.stringify(summaryFields(order)) === JSON.stringify(summaryFields(previous))
      && JSON.stringify(newRows) === JSON.stringify(oldRows);
    await Promise.all([unchanged ? undefined : this.upsertIndex(newRows, order), outbox.length ? this.touchOutboxIndex(order.id) : undefined]);
    const actions: TransactionAction[] = [
      ['update', encodeOrder(order), 'Replace', { etag }],
      ...appendActions(order.id, audit, outbox, this.now()),
    ];
    let newEtag: string;
    try {
      const result = await this.orders.submitTransaction(actions);
      newEtag = result.subResponses[0]?.etag ?? '';
    } catch (err) {
      if (isStatus(err, 412)) {
        // This attempt's index rows went in before its transaction lost: put back what the stored order says, or
        // a retry that finds nothing to change (or no retry) would leave them telling of a state never committed.
        if (!unchanged) await this.reindex(order.id, newRows).catch(() => undefined);
        throw new ConcurrencyError(order.id);
      }
      throw err;
    }
    const keep = new Set(newRows.map(rowKey));
    const stale = oldRows.filter((r) => !keep.has(rowKey(r)));
    await Promise.all(stale.map((r) => this.tableOf(r).deleteEntity(r.partitionKey, r.rowKey).catch(() => undefined)));
    if (outbox.length) await this.touchOutboxIndex(order.id).catch(() => undefined);
    return newEtag;
  }

  async listByRequester(userId: string): Promise<Order[]> {
    return this.loadAll((await this.personRows(userId)).filter((r) => r.asRequester).map((r) => r.orderId));
  }

  async listForPerson(userId: string): Promise<Order[]> {
    return this.loadAll((await this.personRows(userId)).map((r) => r.orderId));
  }

  async listBySubject(userId: string): Promise<Order[]> {
    return this.loadAll((await this.personRows(userId)).filter((r) => r.asSubject).map((r) => r.orderId));
  }

  /** Open orders of this and the two previous years: one partition query per year, filtered on the status. */
  async listOpen(): Promise<Order[]> {
    const year = this.now().getUTCFullYear();
    const ids: string[] = [];
    const openStatus = OPEN_STATUSES.map((s) => odata`status eq ${s}`).join(' or ');
    for (const y of [year - 2, year - 1, year]) {
      const filter = `${odata`PartitionKey eq ${indexPartition.number(y)}`} and (${openStatus})`;
      for await (const e of this.index.listEntities<{ orderId: string }>({ queryOptions: { filter, select: ['orderId'] } })) ids.push(e.orderId);
    }
    return (await this.loadAll(ids)).filter(isOpen);
  }

  async listWaitingForTheme(themeId: string): Promise<Order[]> {
    const ids: string[] = [];
    const filter = odata`PartitionKey eq ${indexPartition.theme(safeKey(themeId))}`;
    for await (const e of this.index.listEntities<{ orderId: string }>({ queryOptions: { filter, select: ['orderId'] } })) ids.push(e.orderId);
    const orders = await this.loadAll(ids);
    return orders.filter((o) => isOpen(o) && o.lines.some((l) => l.themeId === themeId && l.path === 'missing'));
  }

  async findByNumber(number: string): Promise<Order | undefined> {
    const normalised = number.trim().toUpperCase();
    try {
      const row = await this.index.getEntity<{ orderId: string }>(indexPartition.number(yearOf(normalised)), safeKey(normalised));
      return (await this.get(row.orderId))?.order;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async personView(userId: string): Promise<{ orders: OrderSummary[]; grants: Grant[] }> {
    const orders: OrderSummary[] = [];
    const grants: Grant[] = [];
    const filter = odata`PartitionKey eq ${userId}`;
    for await (const e of this.people.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const key = String(e.rowKey);
      if (key.startsWith(GRANT_ROW_PREFIX)) grants.push(grantFromEntity(userId, e as unknown as Omit<Grant, 'subjectId'>));
      else if (key.startsWith(ORDER_ROW_PREFIX) && e.asSubject === true) orders.push(summaryOf(e));
    }
    return { orders, grants };
  }

  /** The person's order pointers (one partition query). */
  private async personRows(userId: string): Promise<Array<OrderSummary & { asRequester: boolean; asSubject: boolean }>> {
    const out: Array<OrderSummary & { asRequester: boolean; asSubject: boolean }> = [];
    const filter = odata`PartitionKey eq ${userId} and RowKey ge ${ORDER_ROW_PREFIX} and RowKey lt ${prefixEnd(ORDER_ROW_PREFIX)}`;
    for await (const e of this.people.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push({ ...summaryOf(e), asRequester: e.asRequester === true, asSubject: e.asSubject === true });
    }
    return out;
  }

  async auditTrail(orderId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    const filter = odata`PartitionKey eq ${orderId} and RowKey ge ${'audit|'} and RowKey lt ${prefixEnd('audit|')}`;
    for await (const e of this.orders.listEntities<{ data: string }>({ queryOptions: { filter } })) {
      events.push(JSON.parse(e.data) as AuditEvent);
    }
    return events;
  }

  async leadRows(year: number): Promise<LeadRow[]> {
    const out: LeadRow[] = [];
    const filter = odata`PartitionKey eq ${indexPartition.number(year)}`;
    const select = ['orderId', 'number', 'status', 'createdAt', 'department', 'leads'];
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) out.push(leadRowOf(e));
    return out;
  }

  async leadWeek(week: string): Promise<LeadWeekRow[]> {
    await this.ensureLeadsIndexed();
    const out: LeadWeekRow[] = [];
    const filter = odata`PartitionKey eq ${indexPartition.lead(week)} and RowKey ne ${LEAD_SUMMARY_KEY}`;
    const select = ['number', 'createdAt', 'department', 'leads'];
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) {
      out.push({ number: String(e.number ?? ''), createdAt: String(e.createdAt ?? ''), department: String(e.department ?? ''),
        leads: typeof e.leads === 'string' ? JSON.parse(e.leads) as LeadWeekRow['leads'] : [] });
    }
    return out;
  }

  async leadSummaries(fromWeek: string, toWeek: string): Promise<Map<string, string>> {
    await this.ensureLeadsIndexed();
    const out = new Map<string, string>();
    const filter = odata`PartitionKey ge ${indexPartition.lead(fromWeek)} and PartitionKey le ${indexPartition.lead(toWeek)} and RowKey eq ${LEAD_SUMMARY_KEY}`;
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.set(String(e.partitionKey).slice(indexPartition.lead('').length), unchunked('j', e));
    }
    return out;
  }

  async saveLeadSummary(week: string, json: string): Promise<void> {
    try {
      await this.index.createEntity({ partitionKey: indexPartition.lead(week), rowKey: LEAD_SUMMARY_KEY, ...chunked('j', json) });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
  }

  /**
   * The `lead|<week>` rows of orders written before they existed (a one-time backfill, marked by LEADS_INDEXED): from
   * every number index row — its `leads`, or for a row without them its order (and, for a line granted before
   * `grantedAt` was kept, the audit trail: such lines get a row `<number>|trail` of their own, as no write derives
   * it). Rows are only created, never replaced: a writer's row is as new or newer. Idempotent.
   */
  async indexLeads(): Promise<number> {
    const rows: Array<{ partitionKey: string; rowKey: string; [k: string]: unknown }> = [];
    const filter = odata`PartitionKey ge ${indexPartition.number('')} and PartitionKey lt ${prefixEnd(indexPartition.number(''))}`;
    const select = ['orderId', 'number', 'status', 'createdAt', 'department', 'leads'];
    const numbered: LeadRow[] = [];
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })) numbered.push(leadRowOf(e));
    const weekRows = (r: Pick<LeadRow, 'orderId' | 'number' | 'status' | 'createdAt' | 'department'>, key: string, leads: LeadWeekRow['leads']) => {
      for (const [week, inWeek] of grantWeeks(leads)) {
        rows.push({ partitionKey: indexPartition.lead(week), rowKey: key, orderId: r.orderId, number: r.number, status: r.status, createdAt: r.createdAt,
          department: r.department, leads: JSON.stringify(inWeek) });
      }
    };
    for (const r of numbered) if (r.leads) weekRows(r, safeKey(r.number), r.leads);
    const old = numbered.filter((r) => !r.leads && r.status !== 'awaitingApproval' && r.status !== 'declined');
    await mapLimit(old, 16, async (r) => {
      const order = (await this.get(r.orderId))?.order;
      const granted = order?.lines.map((line, index) => ({ line, index })).filter(({ line }) => line.stage === 'granted') ?? [];
      if (!order || !granted.length) return;
      const facts = { orderId: order.id, number: order.number, status: order.status, createdAt: order.createdAt, department: order.subject.department };
      weekRows(facts, safeKey(order.number), granted.flatMap(({ line }) => (line.grantedAt ? [{ path: line.path, grantedAt: line.grantedAt }] : [])));
      if (granted.every(({ line }) => line.grantedAt)) return;
      const trail = await this.auditTrail(order.id);
      weekRows(facts, `${safeKey(order.number)}|trail`, granted.flatMap(({ line, index }) => {
        const at = line.grantedAt ? undefined : trail.find((e) => e.action === 'confirmGrant' && e.from === `line${index}:toGrant`)?.at;
        return at ? [{ path: line.path, grantedAt: at }] : [];
      }));
    });
    await createRows(this.index, rows);
    await this.index.upsertEntity({ ...LEADS_INDEXED, at: this.now().toISOString(), rows: rows.length }, 'Replace');
    this.leadsIndexed = true;
    return rows.length;
  }

  private async ensureLeadsIndexed(): Promise<void> {
    if (this.leadsIndexed) return;
    try {
      await this.index.getEntity(LEADS_INDEXED.partitionKey, LEADS_INDEXED.rowKey);
      this.leadsIndexed = true;
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      await this.indexLeads();
    }
  }

  async hetuHolders(): Promise<HetuHolder[]> {
    const out: HetuHolder[] = [];
    const filter = odata`RowKey eq ${ORDER_ROW} and hetuCipher ne ${''}`;
    for await (const e of this.orders.listEntities<{ createdAt: string; status: string }>({ queryOptions: { filter, select: ['PartitionKey', 'createdAt', 'status'] } })) {
      out.push({ orderId: e.partitionKey as string, createdAt: e.createdAt, status: e.status });
    }
    return out;
  }

  async claimDailyMarker(key: string): Promise<void> {
    await this.counters.createEntity({ partitionKey: 'marker', rowKey: safeKey(key), at: this.now().toISOString() });
  }

  async appendAudit(orderId: string, audit: AuditEvent[]): Promise<void> {
    if (audit.length) await this.orders.submitTransaction(appendActions(orderId, audit, [], this.now()));
  }

  /**
   * Order numbers come from a shared counter entity, reserved in blocks: one ETag-guarded write per block
   * instead of per order, so concurrent submits (and instances) do not queue on one entity. Once half the last
   * block is used the next is reserved meanwhile, so a submit seldom waits for the counter's read and write.
   * Numbers stay unique; an instance that stops leaves the rest of its blocks unused (gaps are allowed).
   */
  async nextSequence(year: number): Promise<number> {
    for (;;) {
      const queue = this.blocks.get(year) ?? [];
      while (queue.length && queue[0].next > queue[0].end) queue.shift();
      const block = queue[0];
      if (block) {
        const n = block.next++;
        if (queue.length === 1 && block.end - n < this.numberBlock / 2) this.reserve(year).catch(() => undefined);
        return n;
      }
      await this.reserve(year);
    }
  }

  /** Blocks reserved per year, the one in use first (at most one more, reserved ahead). */
  private readonly blocks = new Map<number, Array<{ next: number; end: number }>>();
  private readonly reserving = new Map<number, Promise<void>>();

  /** Reserves the year's next block (one reservation at a time; a failure reaches whoever waits for it). */
  private reserve(year: number): Promise<void> {
    let pending = this.reserving.get(year);
    if (!pending) {
      pending = this.reserveBlock(year).then((block) => { this.blocks.set(year, [...(this.blocks.get(year) ?? []), block]); })
        .finally(() => this.reserving.delete(year));
      this.reserving.set(year, pending);
    }
    return pending;
  }

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

  private async loadAll(ids: string[]): Promise<Order[]> {
    const loaded = await mapLimit([...new Set(ids)], 16, (id) => this.get(id));
    return loaded.filter((x): x is StoredOrder => x !== undefined).map((x) => x.order)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private tableOf(r: IndexRow): TableClient {
    return r.table === 'people' ? this.people : this.index;
  }

  /**
   * The order's index rows as the stored order says, after an attempt that wrote `attempted` lost its commit (an
   * update to a stale ETag, a create whose twin was first): the rows written again, and any row only the lost
   * attempt wanted removed. Read again until the order stood still while they were written (a writer committing
   * meanwhile wrote its own rows first).
   */
  private async reindex(orderId: string, attempted: IndexRow[]): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const stored = await this.get(orderId);
      if (!stored) return;
      const rows = indexRowsFor(stored.order);
      const keep = new Set(rows.map(rowKey));
      await Promise.all([this.upsertIndex(rows, stored.order),
        ...attempted.filter((r) => !keep.has(rowKey(r))).map((r) => this.tableOf(r).deleteEntity(r.partitionKey, r.rowKey).catch(() => undefined))]);
      if ((await this.get(orderId))?.etag === stored.etag) return;
    }
  }

  private async upsertIndex(rows: IndexRow[], order: Order): Promise<void> {
    await Promise.all(rows.map((r) => this.tableOf(r).upsertEntity(indexEntity(r, order), 'Replace')));
  }

  /** Marks the order's partition as having outbox messages to deliver (before and after the commit; see notify/dispatcher). */
  private async touchOutboxIndex(orderId: string): Promise<void> {
    await this.outboxIndex.upsertEntity(pendingPointer(orderId, this.now()), 'Merge');
  }
}


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

/** Creates rows that may exist already (a writer's row stands): per partition in transactions of 100, one by one where one of them existed. */
async function createRows(table: TableClient, rows: ReadonlyArray<{ partitionKey: string; rowKey: string; [k: string]: unknown }>): Promise<void> {
  const byPartition = new Map<string, Array<(typeof rows)[number]>>();
  for (const r of rows) byPartition.set(r.partitionKey, [...(byPartition.get(r.partitionKey) ?? []), r]);
  const batches = [...byPartition.values()].flatMap((list) => Array.from({ length: Math.ceil(list.length / 100) }, (_, i) => list.slice(i * 100, i * 100 + 100)));
  const createOne = async (row: (typeof rows)[number]): Promise<void> => {
    try {
      await table.createEntity(row);
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
  };
  await mapLimit(batches, 8, async (batch) => {
    try {
      await table.submitTransaction(batch.map((row): TransactionAction => ['create', row]));
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      for (const row of batch) await createOne(row);
    }
  });
}
