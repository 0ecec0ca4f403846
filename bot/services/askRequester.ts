import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { allows } from '../domain/lifecycle';

export interface AskProps { actor: Actor; orderId: string; question: string; shownVersion?: string }

/** An administrator asks the requester for information; the order waits until the answer comes back. */
export function askRequester(deps: Deps, p: AskProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'ask', shownVersion: p.shownVersion }, (order) => {
    if (!allows('ask', order.status, 'waitingForInfo')) return { invalid: 'notOpen' };
    const from = order.status;
    order.status = 'waitingForInfo';
    order.question = p.question;
    return {
      change: order,
      audit: { from, to: 'waitingForInfo', reason: p.question },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'question', actorId: p.actor.id, text: p.question },
        { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'question', text: p.question },
      ],
    };
  });
}
