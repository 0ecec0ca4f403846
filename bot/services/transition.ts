import type { Deps } from './deps';
import type { Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import { mayOnOrder, type Actor, type OrderAction } from '../domain/policies';
import { ConcurrencyError } from '../store/orderStore';

export interface TransitionProps {
  actor: Actor;
  orderId: string;
  action: OrderAction;
  /** The order version (updatedAt) the card was showing; a different current version means the card was stale. */
  shownVersion?: string;
}

/** What a use case decides for the current order: a change, or why it cannot be done now. */
export type Decision =
  | { change: Order; audit: Omit<AuditEvent, 'at' | 'actorId' | 'action'> & Partial<Pick<AuditEvent, 'action'>>; outbox: OutboxMessage[] }
  | { invalid: string };

export type TransitionResult =
  | { kind: 'done'; order: Order }
  | { kind: 'denied'; order: Order }
  | { kind: 'notFound' }
  | { kind: 'stale'; order: Order; lastEvent?: AuditEvent }
  | { kind: 'invalid'; order: Order; reason: string };

/**
 * The one way a person changes an order: load, check the policy for this actor (group membership and the
 * manager come from the directory), refuse stale cards, apply with the ETag, audit and outbox in one commit.
 * A refusal is audit-logged too. Two administrators at once: exactly one wins, the other gets 'stale'.
 */
export async function runTransition(deps: Deps, props: TransitionProps, decide: (order: Order, now: Date) => Decision): Promise<TransitionResult> {
  const stored = await deps.orders.get(props.orderId);
  if (!stored) return { kind: 'notFound' };
  const { order, etag } = stored;
  const manager = await deps.directory.getManager(order.subject.id);
  const facts = { requesterId: order.requesterId, subjectId: order.subject.id, managerId: manager?.id ?? null };
  const now = deps.now();
  if (!mayOnOrder(props.actor, props.action, facts)) {
    await deps.orders.appendAudit(order.id, [{ at: now.toISOString(), actorId: props.actor.id, action: `denied:${props.action}`,
      from: order.status, to: order.status }]);
    return { kind: 'denied', order };
  }
  if (props.shownVersion !== undefined && props.shownVersion !== order.updatedAt) {
    return { kind: 'stale', order, lastEvent: (await deps.orders.auditTrail(order.id)).filter((e) => !e.action.startsWith('denied') && e.action !== 'revealHetu').at(-1) };
  }
  const decision = decide(structuredClone(order), now);
  if ('invalid' in decision) return { kind: 'invalid', order, reason: decision.invalid };
  const next: Order = { ...decision.change, updatedAt: now.toISOString() };
  const audit: AuditEvent = { at: now.toISOString(), actorId: props.actor.id, action: props.action, ...decision.audit };
  try {
    await deps.orders.update(next, etag, [audit], decision.outbox);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const current = await deps.orders.get(order.id);
    if (!current) return { kind: 'notFound' };
    return { kind: 'stale', order: current.order, lastEvent: (await deps.orders.auditTrail(order.id)).at(-1) };
  }
  deps.kick();
  return { kind: 'done', order: next };
}
