/** The administrators' view of the reviews ("tarkistukset"): per department, open, overdue and answered reviews. */
import { card, heading, text, subtle, plain, type AdaptiveCard } from './card';
import { formatDate, type Lang, type Translate } from '../bot/i18n';
import type { DepartmentProgress } from '../bot/domain/review';

/** At most this many departments are listed (a municipality has a few dozen); the totals count them all. */
const MAX_ROWS = 60;

export interface ReviewProgressView {
  rows: DepartmentProgress[];
  /** Answered reviews are counted from this day (one review cycle back). */
  since: string;
  /** Periodic reviews are off (REVIEW_MONTHS=0): only movers' reviews come. */
  periodicOff: boolean;
}

export function reviewProgressCard(tr: Translate, lang: Lang, v: ReviewProgressView): AdaptiveCard {
  const sum = (k: 'open' | 'overdue' | 'answered' | 'revoked') => v.rows.reduce((n, r) => n + r[k], 0);
  const overdue = sum('overdue');
  return card([
    heading(tr('review.progress.title')),
    subtle(tr('review.progress.intro', { since: formatDate(lang, v.since) })),
    ...(v.periodicOff ? [subtle(tr('review.progress.off'))] : []),
    ...(v.rows.length
      ? [text(tr('review.progress.total', { open: sum('open'), overdue, answered: sum('answered'), revoked: sum('revoked') }), { weight: 'Bolder', color: overdue ? 'Attention' : 'Default' })]
      : [text(tr('review.progress.none'))]),
    ...v.rows.slice(0, MAX_ROWS).map((r) => text(tr('review.progress.row', {
      department: r.department ? plain(r.department) : tr('review.progress.noDepartment'), open: r.open, overdue: r.overdue, answered: r.answered, revoked: r.revoked,
    }), { size: 'Small', spacing: 'Small', color: r.overdue ? 'Attention' : 'Default' })),
    ...(v.rows.length > MAX_ROWS ? [subtle(tr('review.progress.more', { count: v.rows.length - MAX_ROWS }))] : []),
  ]);
}
