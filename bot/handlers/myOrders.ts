import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import type { Order } from '../domain/order';
import { listOrdersForPerson, viewOrder } from '../services/orderQueries';
import { myOrdersView, orderDetailsView } from '../presenters/requesterViews';
import { cancelOrder } from '../services/cancelOrder';
import { answerQuestion } from '../services/answerQuestion';
import type { TransitionResult } from '../services/transition';
import type { MessageKey } from '../i18n';
import { redactHetus } from '../domain/hetu';

export async function showMyOrders(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  return myOrdersView(turn.tr, turn.lang, await listOrdersForPerson(deps, turn.userId), deps.now());
}

export async function showOrderDetails(deps: HandlerDeps, turn: Turn, data: Record<string, unknown>, notice?: string): Promise<AdaptiveCard> {
  const orderId = typeof data.orderId === 'string' ? data.orderId : '';
  const result = await viewOrder(deps, { actor: await actorOf(deps, turn.userId), orderId });
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'denied':
      turn.log.warn({ orderId }, 'order view refused');
      return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'shown': return orderDetailsView(turn.tr, turn.lang, result.order, result.history, notice);
  }
}

export async function cancelMyOrder(deps: HandlerDeps, turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard> {
  const reason = typeof data.reason === 'string' ? redactHetus(data.reason.trim().slice(0, 500)) : '';
  const result = await cancelOrder(deps, { actor: await actorOf(deps, turn.userId), orderId: String(data.orderId ?? ''), reason });
  return afterTransition(deps, turn, data, result, (o) => turn.tr('my.cancelled', { number: o.number }));
}

export async function answerMyOrder(deps: HandlerDeps, turn: Turn, data: Record<string, unknown>): Promise<AdaptiveCard> {
  const answer = typeof data.answer === 'string' ? redactHetus(data.answer.trim().slice(0, 2000)) : '';
  if (!answer) return showOrderDetails(deps, turn, data, undefined);
  const result = await answerQuestion(deps, { actor: await actorOf(deps, turn.userId), orderId: String(data.orderId ?? ''), answer });
  return afterTransition(deps, turn, data, result, () => turn.tr('my.answered'));
}

async function afterTransition(deps: HandlerDeps, turn: Turn, data: Record<string, unknown>, result: TransitionResult,
  success: (o: Order) => string): Promise<AdaptiveCard> {
  switch (result.kind) {
    case 'done': return showOrderDetails(deps, turn, data, success(result.order));
    case 'denied': return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'invalid':
    case 'stale': return showOrderDetails(deps, turn, data, turn.tr('my.cannotCancel', { number: result.order.number,
      status: turn.tr(`status.${result.order.status}` as MessageKey) }));
  }
}
