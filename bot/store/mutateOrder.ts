import type { OrderStore, StoredOrder } from './orderStore';
import { ConcurrencyError } from './orderStore';
import type { Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';

export interface Mutation { order: Order; audit?: AuditEvent[]; outbox?: OutboxMessage[] }

/**
 * Applies a change that does not depend on a user's view of the order (system bookkeeping: where the card was
 * posted, who is unreachable): reload and re-apply on an ETag conflict. `change` returns undefined for "nothing to do".
 */
export async function mutateOrder(orders: OrderStore, orderId: string,
  change: (current: Order) => Mutation | undefined, attempts = 5): Promise<StoredOrder | undefined> {
  for (let i = 0; i < attempts; i++) {
    const current = await orders.get(orderId);
    if (!current) return undefined;
    const m = change(structuredClone(current.order));
    if (!m) return current;
    try {
      const etag = await orders.update(m.order, current.etag, m.audit ?? [], m.outbox ?? [], current.order);
      return { order: m.order, etag };
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || i === attempts - 1) throw err;
    }
  }
  return undefined;
}
