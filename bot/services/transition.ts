import type { Deps } from './deps';
import type { Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import { ADMINISTRATOR_ACTIONS, isSelfProcessing, mayOnOrder, type Actor, type OrderAction } from '../domain/policies';
import { assertAllowedChange } from '../domain/lifecycle';
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
 * manager come from the directory), refuse stale cards, check the decided change against the lifecycle's
 * transition table, apply with the ETag, audit and outbox in one commit.
 * A refusal is audit-logged too. Two administrators at once: exactly one wins, the other gets 'stale'.
 */
export async function runTransition(deps: Deps, props: TransitionProps, decide: (order: Order, now: Date) => Decision): Promise<TransitionResult> {
  for (let attempt = 0; ; attempt++) {
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
      return { kind: 'stale', order, lastEvent: await lastStateEvent(deps, order.id) };
    }
    const decision = decide(structuredClone(order), now);
    if ('invalid' in decision) return { kind: 'invalid', order, reason: decision.invalid };
    // A decided change the transition table does not allow is a bug in the use case: it throws before any write.
    assertAllowedChange(props.action, order, decision.change);
    const next: Order = { ...decision.change, updatedAt: now.toISOString() };
    const audit: AuditEvent = { at: now.toISOString(), actorId: props.actor.id, action: props.action, ...decision.audit };
    // Allowed self-processing (one administrator, or by setting) is never silent: audit-marked and shown on the card.
    // Only administrators' steps are marked; cancelling or answering one's own order is ordinary.
    if (props.actor.isAdministrator && ADMINISTRATOR_ACTIONS.has(props.action) && isSelfProcessing(props.actor, facts)) {
      audit.selfProcessed = true;
      if (!(next.selfProcessedBy ?? []).includes(props.actor.id)) next.selfProcessedBy = [...(next.selfProcessedBy ?? []), props.actor.id];
    }
    try {
      await deps.orders.update(next, etag, [audit], decision.outbox, order);
      deps.kick();
      return { kind: 'done', order: next };
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
    }
    // The ETag moved. If a person changed the order (updatedAt moved) the click was too late; if only system
    // bookkeeping changed it (where the card was posted, who is unreachable), decide again on the fresh order.
    const current = await deps.orders.get(order.id);
    if (!current) return { kind: 'notFound' };
    if (current.order.updatedAt !== order.updatedAt || attempt >= 4) {
      return { kind: 'stale', order: current.order, lastEvent: await lastStateEvent(deps, order.id) };
    }
  }
}

/** The last event that changed the order (not a refusal or a reveal), to tell a late clicker who did what. */
async function lastStateEvent(deps: Deps, orderId: string): Promise<AuditEvent | undefined> {
  return (await deps.orders.auditTrail(orderId)).filter((e) => !e.action.startsWith('denied') && e.action !== 'revealHetu').at(-1);
}
