import { card, heading, text, plain, type AdaptiveCard } from './card';
import { formatDate, type Translate, type Lang } from '../bot/i18n';

export interface DigestRow { number: string; subject: string; days: number; path: string; status: string; due: string; overdue: boolean }

/** Open orders by age and path (the daily digest and the "avoimet" command). */
export function digestCard(tr: Translate, lang: Lang, rows: DigestRow[]): AdaptiveCard {
  const overdue = rows.filter((r) => r.overdue).length;
  return card([
    heading(tr('digest.title', { count: rows.length })),
    ...(rows.length ? [text(tr('digest.overdueCount', { count: overdue }), { color: overdue ? 'Attention' : 'Default' })] : [text(tr('digest.none'))]),
    ...rows.slice(0, 50).map((r) => text(`${tr('digest.row', { number: r.number, subject: plain(r.subject), days: r.days, path: r.path, status: r.status })} · ${tr('admin.due')} ${formatDate(lang, r.due)}`,
      { size: 'Small', color: r.overdue ? 'Attention' : 'Default', spacing: 'Small' })),
  ]);
}
