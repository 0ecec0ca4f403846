import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { allows } from '../domain/lifecycle';

export interface AnswerQuestionProps {
  actor: Actor;
  orderId: string;
  answer: string;
}

/** The requester answers an administrator's question: the order goes back to the administrators with the answer in its thread. */
export function answerQuestion(deps: Deps, props: AnswerQuestionProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: props.actor, orderId: props.orderId, action: 'answer' }, (order) => {
    if (!allows('answer', order.status, 'open')) return { invalid: 'noQuestion' };
    const from = order.status;
    order.status = 'open';
    order.question = null;
    return {
      change: order,
      audit: { from, to: 'open', reason: props.answer },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'answered', actorId: props.actor.id, text: props.answer },
      ],
    };
  });
}
