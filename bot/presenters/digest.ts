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
import { digestCard, expiringBlock, overdueReviewsBlock, OVERDUE_REVIEWS_SHOWN, MAX_EXPIRING_ROWS, type ExpiringRow } from '../../cards/digest';
import type { AdaptiveCard, Element } from '../../cards/card';
import type { RegisterTask } from '../domain/registerTask';
import { isReviewOverdue } from '../domain/review';
import { displayName } from './people';
import type { Directory } from '../../graph/directory';

/** What ends soon, as the renewal service reads it (bot/services/renewal.ts expiringSoon). */
export interface ExpiringFacts {
  total: number;
  rows: Array<{ personName: string; themeName: string; validUntil: string; renewal: ExpiringRow['renewal'] }>;
}

/** `sections`: further blocks of the digest (what expires soon, overdue reviews), built by their own functions below. */
export function buildDigest(deps: { now: () => Date }, lang: Lang, orders: Order[], sections: Element[] = []): AdaptiveCard {
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
  return digestCard(tr, lang, rows, sections);
}

/** The digest's block of reviews not answered by their due day, oldest due first, with the manager to chase. */
export async function overdueReviewsSection(deps: { now: () => Date; directory: Directory }, lang: Lang, openReviews: RegisterTask[]): Promise<Element[]> {
  const today = helsinkiDate(deps.now());
  const overdue = openReviews.filter((t) => isReviewOverdue(t, today)).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  const rows = await Promise.all(overdue.slice(0, OVERDUE_REVIEWS_SHOWN).map(async (t) => ({
    person: t.personName, department: t.department, manager: await displayName(deps.directory, t.managerId), due: t.dueOn,
  })));
  return overdueReviewsBlock(translator(lang), lang, rows, overdue.length);
}

/** The digest's block of what ends in the next 30 days (the soonest first) and whether a renewal is on its way. */
export function expiringSection(lang: Lang, expiring: ExpiringFacts): Element[] {
  return expiringBlock(translator(lang), lang, { total: expiring.total, rows: expiring.rows.slice(0, MAX_EXPIRING_ROWS).map((r) => ({
    person: redactHetus(r.personName), theme: r.themeName, validUntil: r.validUntil, renewal: r.renewal })) });
}
