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
import { freeText, optionalString, type CardData } from './verbInput';

export async function showMyOrders(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  return myOrdersView(turn.tr, turn.lang, await listOrdersForPerson(deps, turn.userId), deps.now());
}

/** The order a requester's card names (only a string id is looked up). */
export interface OrderRef { orderId: string }
export const parseOrderRef = (data: CardData): OrderRef => ({ orderId: optionalString(data.orderId) ?? '' });

/** Cancelling or answering: the order, the text typed (henkilötunnus redacted), and the details to show after. */
export interface MyOrderChange { orderId: string; text: string; details: OrderRef }
export const parseCancel = (data: CardData): MyOrderChange => ({ orderId: String(data.orderId ?? ''), text: freeText(data.reason, 500), details: parseOrderRef(data) });
export const parseAnswer = (data: CardData): MyOrderChange => ({ orderId: String(data.orderId ?? ''), text: freeText(data.answer, 2000), details: parseOrderRef(data) });

export async function showOrderDetails(deps: HandlerDeps, turn: Turn, { orderId }: OrderRef, notice?: string): Promise<AdaptiveCard> {
  const result = await viewOrder(deps, { actor: await actorOf(deps, turn.userId), orderId });
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'denied':
      turn.log.warn({ orderId }, 'order view refused');
      return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'shown': return orderDetailsView(turn.tr, turn.lang, result.order, result.history, notice);
  }
}

export async function cancelMyOrder(deps: HandlerDeps, turn: Turn, input: MyOrderChange): Promise<AdaptiveCard> {
  const result = await cancelOrder(deps, { actor: await actorOf(deps, turn.userId), orderId: input.orderId, reason: input.text });
  return afterTransition(deps, turn, input.details, result, (o) => turn.tr('my.cancelled', { number: o.number }));
}

export async function answerMyOrder(deps: HandlerDeps, turn: Turn, input: MyOrderChange): Promise<AdaptiveCard> {
  if (!input.text) return showOrderDetails(deps, turn, input.details, undefined);
  const result = await answerQuestion(deps, { actor: await actorOf(deps, turn.userId), orderId: input.orderId, answer: input.text });
  return afterTransition(deps, turn, input.details, result, () => turn.tr('my.answered'));
}

async function afterTransition(deps: HandlerDeps, turn: Turn, details: OrderRef, result: TransitionResult,
  success: (o: Order) => string): Promise<AdaptiveCard> {
  switch (result.kind) {
    case 'done': return showOrderDetails(deps, turn, details, success(result.order));
    case 'denied': return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'invalid':
    case 'stale': return showOrderDetails(deps, turn, details, turn.tr('my.cannotCancel', { number: result.order.number,
      status: turn.tr(`status.${result.order.status}` as MessageKey) }));
  }
}
