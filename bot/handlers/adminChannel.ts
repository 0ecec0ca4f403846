/** What people type in the administrators' channel (or administrators anywhere): an order number, "avoimet", "help". */
import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import { text, card, type AdaptiveCard } from '../../cards/card';
import { renderAdminCard } from '../presenters/adminCard';
import { buildDigest, expiringSection, overdueReviewsSection } from '../presenters/digest';
import { findOrderByNumber, listOpenOrders } from '../services/orderQueries';
import { may } from '../domain/policies';
import { adminView, maySeeAdminCard, refuseView } from './adminOrder';
import { showOrderDetails } from './myOrders';
import { expiringSoon, EXPIRING_IN_DIGEST } from '../services/renewal';
import { openReviews } from '../services/reviewQueries';
import { helsinkiDate } from '../domain/workdays';

/**
 * An order number typed in a chat ("VB-2026-00042"): in the administrators' channel (whose members see every
 * order card anyway) and for administrators anywhere, the order's channel card with its buttons (each button is
 * still authorized when clicked); the requester or the subject get their details; anyone else a polite refusal.
 */
export async function showOrderByNumber(deps: HandlerDeps, turn: Turn, number: string): Promise<AdaptiveCard> {
  const order = await findOrderByNumber(deps, number);
  if (!order) return noticeCard(turn.tr('common.expiredCard'));
  if (await maySeeAdminCard(deps, turn)) return renderAdminCard(adminView(deps, turn), order);
  if (order.requesterId === turn.userId || order.subject.id === turn.userId) return showOrderDetails(deps, turn, { orderId: order.id });
  return refuseView(turn, order);
}

/** "avoimet" in the channel: open orders by age and path, what expires soon and overdue reviews (administrators only). */
export async function showOpenOrders(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  const actor = await actorOf(deps, turn.userId);
  if (!may(actor, 'digest')) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  const [open, expiring, reviews] = await Promise.all([listOpenOrders(deps), expiringSoon(deps, helsinkiDate(deps.now()), EXPIRING_IN_DIGEST), openReviews(deps)]);
  return buildDigest(deps, turn.lang, open, [...expiringSection(turn.lang, expiring), ...await overdueReviewsSection(deps, turn.lang, reviews)]);
}

export function showChannelHelp(turn: Turn): AdaptiveCard {
  return card([text(turn.tr('help.channel'))]);
}
