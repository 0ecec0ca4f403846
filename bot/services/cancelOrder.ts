import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { allows, close } from '../domain/lifecycle';

export interface CancelOrderProps {
  /** The requester or the person the order is for. */
  actor: Actor;
  orderId: string;
  /** Why, in the requester's words (shown to administrators). */
  reason: string;
}

/** Cancels an open order: lines close, the henkilötunnus is destroyed, administrators and the manager hear of it. */
export function cancelOrder(deps: Deps, props: CancelOrderProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: props.actor, orderId: props.orderId, action: 'cancel' }, (order) => {
    if (!allows('cancel', order.status, 'cancelled')) return { invalid: 'notOpen' };
    const from = order.status;
    close(order, 'cancelled', props.reason);
    return {
      change: order,
      audit: { from, to: 'cancelled', reason: props.reason },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'cancelled', actorId: props.actor.id, text: props.reason },
        ...(order.managerId && order.managerId !== props.actor.id
          ? [{ kind: 'personal' as const, orderId: order.id, recipientId: order.managerId, event: 'cancelled' as const }] : []),
      ],
    };
  });
}
