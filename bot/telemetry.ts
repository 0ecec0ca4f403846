/**
 * The business metrics an operator watches (orders submitted, lead time per path, dead letters, outbox backlog),
 * as a small port. The OpenTelemetry implementation (bot/otel.ts) is loaded only when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set; without it nothing here touches OpenTelemetry, and the stores
 * are used unwrapped. Only counts, durations and non-personal labels (path, message kind, status) are recorded.
 */
import type { OrderStore } from './store/orderStore';
import type { OutboxStore } from './store/outboxStore';
import { outboxRowWrittenAt } from './store/outboxRows';
import type { Order } from './domain/order';
import type { ServicePath } from './domain/paths';

export interface OutboxBacklog {
  /** Undelivered outbox messages (pending, including those waiting for a retry). */
  messages: number;
  /** Age in seconds of the oldest undelivered message; 0 when there is none. */
  oldestAgeSeconds: number;
}

export interface TelemetrySink {
  orderSubmitted(paths: string): void;
  /** Order created → line granted, in days, per path ("1" = the organisation holds the theme, "2" = via DVV). */
  leadTime(path: '1' | '2', days: number): void;
  deadLettered(kind: string, status: string): void;
  /** The outbox backlog, read when metrics are collected (once per export interval). */
  observeOutbox(read: () => Promise<OutboxBacklog>): void;
  /** Runs background work (the dispatcher's poll) without creating spans, so idle polling is not billed. */
  untraced<T>(fn: () => Promise<T>): Promise<T>;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export const pathLabel = (p: ServicePath): '1' | '2' => (p === 'existing' ? '1' : '2');

/** "1", "2" or "1+2": which paths an order's lines take. */
export function pathsOf(order: Order): string {
  return [...new Set(order.lines.map((l) => pathLabel(l.path)))].sort().join('+');
}

/** Lines that became granted in this update, with the lead time from the order's creation in days. */
export function newlyGranted(previous: Order, next: Order, now: number): Array<{ path: '1' | '2'; days: number }> {
  const created = Date.parse(next.createdAt);
  return next.lines.flatMap((line, i) => (line.stage === 'granted' && previous.lines[i]?.stage !== 'granted'
    ? [{ path: pathLabel(line.path), days: Math.max(0, now - created) / 86_400_000 }] : []));
}

/** The order store, counting submitted orders and measuring lead times at the one place every change passes. */
export function instrumentOrderStore(store: OrderStore, sink: TelemetrySink, now: () => number = Date.now): OrderStore {
  const wrapped = Object.create(store) as OrderStore;
  wrapped.create = async (order, audit, outbox) => {
    const outcome = await store.create(order, audit, outbox);
    if (outcome === 'created') sink.orderSubmitted(pathsOf(order));
    return outcome;
  };
  wrapped.update = async (order, etag, audit, outbox, previous) => {
    const result = await store.update(order, etag, audit, outbox, previous);
    for (const g of newlyGranted(previous, order, now())) sink.leadTime(g.path, g.days);
    return result;
  };
  return wrapped;
}

/** The outbox store, counting dead letters and keeping the idle poll out of the traces. */
export function instrumentOutboxStore(store: OutboxStore, sink: TelemetrySink): OutboxStore {
  const wrapped = Object.create(store) as OutboxStore;
  wrapped.failed = async (record, lastError) => {
    await store.failed(record, lastError);
    sink.deadLettered(record.message.kind, /^(\d{3})\b/.exec(lastError)?.[1] ?? 'other');
  };
  wrapped.pendingPartitions = () => sink.untraced(() => store.pendingPartitions());
  return wrapped;
}

/** Reads the backlog: one query of the pending index, then each pending partition's outbox rows (bounded). */
export async function readOutboxBacklog(store: OutboxStore, now: number, maxPartitions = 200): Promise<OutboxBacklog> {
  const partitions = (await store.pendingPartitions()).slice(0, maxPartitions);
  let messages = 0;
  let oldest = now;
  for (const p of partitions) {
    for (const r of await store.pendingMessages(p.orderId)) {
      messages++;
      const at = outboxRowWrittenAt(r.rowKey);
      if (Number.isFinite(at)) oldest = Math.min(oldest, at);
    }
  }
  return { messages, oldestAgeSeconds: messages ? Math.round((now - oldest) / 1000) : 0 };
}

/**
 * An outgoing call's URL as it may be sent to telemetry: scheme, host and path only. The query goes (Table
 * Storage filters name partition keys, i.e. people's object ids); a Table Storage key predicate becomes `(…)`;
 * a path segment that could name a person or a conversation (a GUID, an address with @, a Teams id with ":",
 * anything long) becomes `{id}`. So a dependency reads "GET /<account>/users(…)", "GET /v1.0/users/{id}/memberOf".
 */
export function scrubUrl(raw: string): string {
  let u: URL;
  try { u = new URL(raw); } catch { return '[unparsed url]'; }
  const segments = u.pathname.split('/').map((seg) => {
    const paren = seg.indexOf('(');
    if (paren >= 0) return `${seg.slice(0, paren)}${seg.endsWith('()') ? '()' : '(…)'}`;
    let text = seg;
    try { text = decodeURIComponent(seg); } catch { /* keep as is */ }
    return /[@:'%]|[0-9a-f]{8}-[0-9a-f]{4}-/i.test(text) || text.length > 40 ? '{id}' : seg;
  });
  return `${u.protocol}//${u.host}${segments.join('/')}`;
}
