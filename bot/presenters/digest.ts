/**
 * The digest of open orders by age and path: the daily one the SLA watch posts to the administrators' channel,
 * and the one "avoimet" shows on request; with the register entries ending in the next 30 days.
 */
import type { Order } from '../domain/order';
import { orderDue } from '../domain/order';
import { isOverdue } from '../domain/paths';
import { helsinkiDate } from '../domain/workdays';
import { redactHetus } from '../domain/hetu';
import { translator, type Lang, type MessageKey } from '../i18n';
import { digestCard, MAX_EXPIRING_ROWS, type ExpiringRow } from '../../cards/digest';
import type { AdaptiveCard } from '../../cards/card';

/** What ends soon, as the renewal service reads it (bot/services/renewal.ts expiringSoon). */
export interface ExpiringFacts {
  total: number;
  rows: Array<{ personName: string; themeName: string; validUntil: string; renewal: ExpiringRow['renewal'] }>;
}

export function buildDigest(deps: { now: () => Date }, lang: Lang, orders: Order[], expiring?: ExpiringFacts): AdaptiveCard {
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
  return digestCard(tr, lang, rows, expiring && { total: expiring.total, rows: expiring.rows.slice(0, MAX_EXPIRING_ROWS).map((r) => ({
    person: redactHetus(r.personName), theme: r.themeName, validUntil: r.validUntil, renewal: r.renewal })) });
}
