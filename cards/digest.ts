import { card, heading, text, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Translate, type Lang, type MessageKey } from '../bot/i18n';

export interface DigestRow { number: string; subject: string; days: number; path: string; status: string; due: string; overdue: boolean }

/** A register entry ending soon, as the digest lists it: whose, which theme, its last day, whether a renewal is on its way. */
export interface ExpiringRow { person: string; theme: string; validUntil: string; renewal: 'recorded' | 'ordered' | 'none' }

/** What ends in the next 30 days: the count and the first rows (the soonest first). */
export interface ExpiringSection { total: number; rows: ExpiringRow[] }

/** Rows of the expiring section one card shows (about 200 bytes each, beside the 50 order rows: well under 28 KB). */
export const MAX_EXPIRING_ROWS = 15;

/** Open orders by age and path (the daily digest and the "avoimet" command), then further blocks (what expires, overdue reviews). */
export function digestCard(tr: Translate, lang: Lang, rows: DigestRow[], sections: Element[] = []): AdaptiveCard {
  const overdue = rows.filter((r) => r.overdue).length;
  return card([
    heading(tr('digest.title', { count: rows.length })),
    ...(rows.length ? [text(tr('digest.overdueCount', { count: overdue }), { color: overdue ? 'Attention' : 'Default' })] : [text(tr('digest.none'))]),
    ...rows.slice(0, 50).map((r) => text(`${tr('digest.row', { number: r.number, subject: plain(r.subject), days: r.days, path: r.path, status: r.status })} · ${tr('admin.due')} ${formatDate(lang, r.due)}`,
      { size: 'Small', color: r.overdue ? 'Attention' : 'Default', spacing: 'Small' })),
    ...sections,
  ]);
}

/** A review not answered by its due day, as the digest lists it. */
export interface OverdueReviewRow { person: string; department: string; manager: string; due: string }

/** How many overdue reviews the digest names; the rest are counted (the full list is the "tarkistukset" command's). */
export const OVERDUE_REVIEWS_SHOWN = 10;

/** The digest's "overdue reviews" block: the first rows named, `total` counted (none overdue: nothing shown). */
export function overdueReviewsBlock(tr: Translate, lang: Lang, rows: OverdueReviewRow[], total: number): Element[] {
  if (!total) return [];
  return [
    text(tr('review.digest.title', { count: total }), { weight: 'Bolder', color: 'Attention', separator: true }),
    ...rows.slice(0, OVERDUE_REVIEWS_SHOWN).map((r) => text(tr('review.digest.row', { person: plain(r.person), department: plain(r.department || '–'),
      manager: plain(r.manager || '–'), due: formatDate(lang, r.due) }), { size: 'Small', spacing: 'Small' })),
    ...(total > OVERDUE_REVIEWS_SHOWN ? [text(tr('review.digest.more', { count: total - OVERDUE_REVIEWS_SHOWN }), { size: 'Small', isSubtle: true })] : []),
  ];
}

/** The digest's "what ends in the next 30 days" block: the first rows named, the rest counted. */
export function expiringBlock(tr: Translate, lang: Lang, e: ExpiringSection): Element[] {
  const shown = e.rows.slice(0, MAX_EXPIRING_ROWS);
  return [
    text(tr('renewal.digestTitle', { count: e.total }), { weight: 'Bolder', separator: true, spacing: 'Medium' }),
    ...shown.map((r) => text(tr('renewal.digestRow', { person: plain(r.person), theme: plain(r.theme), date: formatDate(lang, r.validUntil),
      renewal: tr(`renewal.digest.${r.renewal}` as MessageKey) }), { size: 'Small', spacing: 'Small', color: r.renewal === 'none' ? 'Warning' : 'Default' })),
    ...(e.total > shown.length ? [text(tr('renewal.digestMore', { count: e.total - shown.length }), { size: 'Small', isSubtle: true })] : []),
  ];
}
