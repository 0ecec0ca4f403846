import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { allows, close } from '../domain/lifecycle';

export interface RejectProps { actor: Actor; orderId: string; reason: string; shownVersion?: string }

/** Rejects the order with a reason that is sent to the requester; the henkilötunnus is destroyed. */
export function rejectOrder(deps: Deps, p: RejectProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'reject', shownVersion: p.shownVersion }, (order) => {
    if (!allows('reject', order.status, 'rejected')) return { invalid: 'notOpen' };
    const from = order.status;
    close(order, 'rejected', p.reason);
    return {
      change: order,
      audit: { from, to: 'rejected', reason: p.reason },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'rejected', actorId: p.actor.id, text: p.reason },
        { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'rejected', text: p.reason },
        ...(order.managerId && order.managerId !== order.requesterId
          ? [{ kind: 'personal' as const, orderId: order.id, recipientId: order.managerId, event: 'rejected' as const, text: p.reason }] : []),
      ],
    };
  });
}
