import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';

export interface ManagerDecisionProps { actor: Actor; orderId: string; approve: boolean; reason: string; shownVersion?: string }

/** The employee's manager approves (the order goes to the administrators) or declines (the requester is told why). */
export function decideAsManager(deps: Deps, p: ManagerDecisionProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: p.approve ? 'approve' : 'decline', shownVersion: p.shownVersion }, (order) => {
    if (order.status !== 'awaitingApproval') return { invalid: 'notAwaitingApproval' };
    if (p.approve) {
      order.status = 'open';
      return {
        change: order,
        audit: { from: 'awaitingApproval', to: 'open', reason: p.reason || undefined },
        outbox: [
          { kind: 'adminCard', orderId: order.id },
          { kind: 'threadReply', orderId: order.id, event: 'approved', actorId: p.actor.id },
          { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'approved' },
        ],
      };
    }
    order.status = 'declined';
    order.closedReason = p.reason;
    order.hetuCipher = null;
    order.lines = order.lines.map((l) => ({ ...l, stage: 'closed' }));
    return {
      change: order,
      audit: { from: 'awaitingApproval', to: 'declined', reason: p.reason },
      outbox: [{ kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'declined', text: p.reason }],
    };
  });
}
