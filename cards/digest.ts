import { card, heading, text, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Translate, type Lang } from '../bot/i18n';

export interface DigestRow { number: string; subject: string; days: number; path: string; status: string; due: string; overdue: boolean }

/** Open orders by age and path (the daily digest and the "avoimet" command). */
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
