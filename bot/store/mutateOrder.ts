import type { OrderStore, StoredOrder } from './orderStore';
import { ConcurrencyError } from './orderStore';
import type { Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';

export interface Mutation { order: Order; audit?: AuditEvent[]; outbox?: OutboxMessage[] }

/**
 * The ETag retry loop of system bookkeeping, for any record kept with its audit and outbox rows (an order, a
 * register task): load, apply `change` to a copy, save under the loaded ETag; on a conflict reload and re-apply.
 * `change` returns undefined for "nothing to do" (the current record is returned).
 */
export async function mutateRecord<T, M>(load: () => Promise<{ value: T; etag: string } | undefined>,
  change: (current: T) => M | undefined, save: (m: M, current: { value: T; etag: string }) => Promise<{ value: T; etag: string }>,
  attempts = 5, known?: { value: T; etag: string }): Promise<{ value: T; etag: string } | undefined> {
  for (let i = 0; i < attempts; i++) {
    // A copy the caller read moments ago (with its ETag) saves the first load; a conflict loads afresh.
    const current = i === 0 && known ? known : await load();
    if (!current) return undefined;
    const m = change(structuredClone(current.value));
    if (!m) return current;
    try {
      return await save(m, current);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || i === attempts - 1) throw err;
    }
  }
  return undefined;
}

/**
 * Applies a change that does not depend on a user's view of the order (system bookkeeping: where the card was
 * posted, who is unreachable): reload and re-apply on an ETag conflict. `change` returns undefined for "nothing to do".
 * `known`: the order as the caller read it, with its ETag (the first attempt starts from it instead of a read).
 */
export async function mutateOrder(orders: OrderStore, orderId: string,
  change: (current: Order) => Mutation | undefined, attempts = 5, known?: StoredOrder): Promise<StoredOrder | undefined> {
  const done = await mutateRecord(async () => {
    const s = await orders.get(orderId);
    return s && { value: s.order, etag: s.etag };
  }, change, async (m, current) => ({ value: m.order, etag: await orders.update(m.order, current.etag, m.audit ?? [], m.outbox ?? [], current.value) }), attempts,
  known && { value: known.order, etag: known.etag });
  return done && { order: done.value, etag: done.etag };
}
