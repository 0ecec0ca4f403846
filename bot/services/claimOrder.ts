import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { allows } from '../domain/lifecycle';

export interface ClaimProps {
  actor: Actor;
  /** The administrator's display name, shown on the card. */
  actorName: string;
  orderId: string;
  shownVersion?: string;
}

/** An administrator takes the order; everyone sees who holds it. Two at once: the ETag lets exactly one win. */
export function claimOrder(deps: Deps, p: ClaimProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'claim', shownVersion: p.shownVersion }, (order) => {
    if (order.assigneeId || !allows('claim', order.status, order.status)) return { invalid: 'notClaimable' };
    order.assigneeId = p.actor.id;
    order.assigneeName = p.actorName;
    const notifyRequester = order.requesterId !== p.actor.id;
    return {
      change: order,
      audit: { from: 'unassigned', to: 'claimed' },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'claimed', actorId: p.actor.id },
        ...(notifyRequester ? [{ kind: 'personal' as const, orderId: order.id, recipientId: order.requesterId, event: 'claimed' as const }] : []),
      ],
    };
  });
}

/** The holder (or any administrator, e.g. when the holder is away) gives the order back to the pool. */
export function releaseOrder(deps: Deps, p: ClaimProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'release', shownVersion: p.shownVersion }, (order) => {
    if (!order.assigneeId) return { invalid: 'notClaimed' };
    const from = order.assigneeId;
    order.assigneeId = null;
    order.assigneeName = null;
    return {
      change: order,
      audit: { from: 'claimed', to: 'unassigned', detail: from === p.actor.id ? 'self' : 'other' },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'released', actorId: p.actor.id },
      ],
    };
  });
}
