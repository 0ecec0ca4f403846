/**
 * The digest of open orders by age and path: the daily one the SLA watch posts to the administrators' channel,
 * and the one "avoimet" shows on request.
 */
import type { Order } from '../domain/order';
import { orderDue } from '../domain/order';
import { isOverdue } from '../domain/paths';
import { helsinkiDate } from '../domain/workdays';
import { redactHetus } from '../domain/hetu';
import { translator, type Lang, type MessageKey } from '../i18n';
import { digestCard } from '../../cards/digest';
import type { AdaptiveCard } from '../../cards/card';

export function buildDigest(deps: { now: () => Date }, lang: Lang, orders: Order[]): AdaptiveCard {
  const tr = translator(lang);
  const now = deps.now();
  const today = helsinkiDate(now);
  const rows = orders.map((o) => ({
    number: o.number,
    subject: redactHetus(`${o.subject.givenName} ${o.subject.surname}`),
    days: Math.floor((now.getTime() - Date.parse(o.createdAt)) / 86_400_000),
    path: o.lines.some((l) => l.path === 'missing') ? tr('path.missingShort') : tr('path.existingShort'),
    status: tr(`status.${o.status}` as MessageKey),
    due: orderDue(o),
    overdue: isOverdue(orderDue(o), today),
  })).sort((a, b) => b.days - a.days);
  return digestCard(tr, lang, rows);
}
