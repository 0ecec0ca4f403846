import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { allows, close } from '../domain/lifecycle';

export interface ManagerDecisionProps { actor: Actor; orderId: string; approve: boolean; reason: string; shownVersion?: string }

/** The employee's manager approves (the order goes to the administrators) or declines (the requester is told why). */
export function decideAsManager(deps: Deps, p: ManagerDecisionProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: p.approve ? 'approve' : 'decline', shownVersion: p.shownVersion }, (order) => {
    if (!allows(p.approve ? 'approve' : 'decline', order.status, p.approve ? 'open' : 'declined')) return { invalid: 'notAwaitingApproval' };
    const from = order.status;
    if (p.approve) {
      order.status = 'open';
      return {
        change: order,
        audit: { from, to: 'open', reason: p.reason || undefined },
        outbox: [
          { kind: 'adminCard', orderId: order.id },
          { kind: 'threadReply', orderId: order.id, event: 'approved', actorId: p.actor.id },
          { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'approved' },
        ],
      };
    }
    close(order, 'declined', p.reason);
    return {
      change: order,
      audit: { from, to: 'declined', reason: p.reason },
      outbox: [{ kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'declined', text: p.reason }],
    };
  });
}
