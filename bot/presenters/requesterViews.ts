/** The requester's own views: their orders with what is late, and an order's details with its history. */
import { orderDue, type Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import { isOpen } from '../domain/lifecycle';
import { isOverdue } from '../domain/paths';
import { helsinkiDate } from '../domain/workdays';
import type { Lang, Translate } from '../i18n';
import { myOrdersCard, myOrderDetailsCard } from '../../cards/myOrders';
import type { AdaptiveCard } from '../../cards/card';

export function myOrdersView(tr: Translate, lang: Lang, orders: Order[], now: Date): AdaptiveCard {
  const today = helsinkiDate(now);
  return myOrdersCard(tr, lang, orders.map((order) => ({ order, overdue: isOpen(order) && isOverdue(orderDue(order), today) })));
}

export function orderDetailsView(tr: Translate, lang: Lang, order: Order, history: AuditEvent[], notice?: string): AdaptiveCard {
  return myOrderDetailsCard(tr, lang, order, history, notice);
}
