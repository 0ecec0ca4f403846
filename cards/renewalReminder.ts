/**
 * The holder's renewal reminder: which mandate ends when, that a Suomi.fi mandate cannot be extended (a new one
 * starting on the old one's last day replaces it), and a one-click "order a renewal". The button carries the
 * entry's key only (theme and start); the server re-reads the register entry and decides what the form offers.
 */
import { card, heading, text, facts, submit, plain, type AdaptiveCard } from './card';
import { formatDate, type Lang, type Translate } from '../bot/i18n';

export interface RenewalReminderView {
  themeId: string;
  /** The theme's name as recorded in the register (the exact Finnish name to find in Suomi.fi). */
  themeName: string;
  validFrom: string;
  validUntil: string;
  /** Days left to the last day when the reminder was queued. */
  daysLeft: number;
}

/** Card data of the renew button: the register entry's key, nothing more. */
export const renewData = (v: Pick<RenewalReminderView, 'themeId' | 'validFrom'>): Record<string, unknown> => ({ themeId: v.themeId, validFrom: v.validFrom });

export function renewalReminderCard(tr: Translate, lang: Lang, v: RenewalReminderView): AdaptiveCard {
  return card([
    heading(tr('renewal.title', { theme: plain(v.themeName) })),
    text(tr('notice.renewalReminder', { theme: plain(v.themeName), until: formatDate(lang, v.validUntil), days: v.daysLeft })),
    facts([
      [tr('renewal.current'), `${formatDate(lang, v.validFrom)} – ${formatDate(lang, v.validUntil)}`],
      [tr('renewal.newStart'), formatDate(lang, v.validUntil)],
    ]),
    text(tr('renewal.how'), { size: 'Small', isSubtle: true }),
  ], [
    submit(tr('renewal.order'), 'menuRenew', renewData(v), { style: 'positive' }),
    submit(tr('menu.myMandates'), 'menuMyMandates'),
  ]);
}
