import { card, heading, text, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Translate, type Lang, type MessageKey } from '../bot/i18n';

export interface DigestRow { number: string; subject: string; days: number; path: string; status: string; due: string; overdue: boolean }

/** A register entry ending soon, as the digest lists it: whose, which theme, its last day, whether a renewal is on its way. */
export interface ExpiringRow { person: string; theme: string; validUntil: string; renewal: 'recorded' | 'ordered' | 'none' }

/** What ends in the next 30 days: the count and the first rows (the soonest first). */
export interface ExpiringSection { total: number; rows: ExpiringRow[] }

/** Rows of the expiring section one card shows (about 200 bytes each, beside the 50 order rows: well under 28 KB). */
export const MAX_EXPIRING_ROWS = 15;

/** Open orders by age and path (the daily digest and the "avoimet" command), and what expires soon. */
export function digestCard(tr: Translate, lang: Lang, rows: DigestRow[], expiring?: ExpiringSection): AdaptiveCard {
  const overdue = rows.filter((r) => r.overdue).length;
  return card([
    heading(tr('digest.title', { count: rows.length })),
    ...(rows.length ? [text(tr('digest.overdueCount', { count: overdue }), { color: overdue ? 'Attention' : 'Default' })] : [text(tr('digest.none'))]),
    ...rows.slice(0, 50).map((r) => text(`${tr('digest.row', { number: r.number, subject: plain(r.subject), days: r.days, path: r.path, status: r.status })} · ${tr('admin.due')} ${formatDate(lang, r.due)}`,
      { size: 'Small', color: r.overdue ? 'Attention' : 'Default', spacing: 'Small' })),
    ...(expiring ? expiringSection(tr, lang, expiring) : []),
  ]);
}

function expiringSection(tr: Translate, lang: Lang, e: ExpiringSection): Element[] {
  const shown = e.rows.slice(0, MAX_EXPIRING_ROWS);
  return [
    text(tr('renewal.digestTitle', { count: e.total }), { weight: 'Bolder', separator: true, spacing: 'Medium' }),
    ...shown.map((r) => text(tr('renewal.digestRow', { person: plain(r.person), theme: plain(r.theme), date: formatDate(lang, r.validUntil),
      renewal: tr(`renewal.digest.${r.renewal}` as MessageKey) }), { size: 'Small', spacing: 'Small', color: r.renewal === 'none' ? 'Warning' : 'Default' })),
    ...(e.total > shown.length ? [text(tr('renewal.digestMore', { count: e.total - shown.length }), { size: 'Small', isSubtle: true })] : []),
  ];
}
