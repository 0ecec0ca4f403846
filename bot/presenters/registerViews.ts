/**
 * What the register's views show: for each entry its state today, the theme and e-service in the reader's
 * language (the catalog's words; the stored Finnish name when the theme has left the catalog), and the order
 * that puts what needs attention first. Entries that ended (or were revoked) more than a year ago are left out:
 * the view is for what a person holds and what to renew, the register itself keeps the history.
 */
import type { Grant } from '../store/grantStore';
import type { DirectoryUser } from '../../graph/directory';
import { eserviceIn, type Theme } from '../domain/catalog';
import { registerState, type RegisterFacts, type RegisterState } from '../domain/register';
import { leadDaysFor, renewalStatus, type LeadTimes } from '../domain/renewal';
import { helsinkiDate, type IsoDate } from '../domain/workdays';
import type { Lang, Translate } from '../i18n';
import { myMandatesCard, teamMandatesCard, type MandateRow, type TeamMember } from '../../cards/myMandates';
import type { AdaptiveCard } from '../../cards/card';

/** A register entry as the views read it (Grant today; `revokedAt` once the register records revocations). */
export type RegisterEntry = Pick<Grant, 'themeId' | 'themeName' | 'validFrom' | 'validUntil'> & RegisterFacts;

/** Expiring first (renew now), then in force, then waiting to start, then what has ended. */
const STATE_RANK: Record<RegisterState, number> = { expiring: 0, active: 1, upcoming: 2, expired: 3, revoked: 3 };

/** The day an entry stopped counting: its revocation day, else its last day. */
function endedOn(entry: RegisterEntry): IsoDate {
  const revoked = entry.revokedAt && /^\d{4}-\d{2}-\d{2}/.test(entry.revokedAt) ? entry.revokedAt.slice(0, 10) : undefined;
  return revoked && revoked < entry.validUntil ? revoked : entry.validUntil;
}

/** The same calendar day a year earlier (29 Feb compares as the last day of February). */
const yearBefore = (today: IsoDate): IsoDate => `${String(Number(today.slice(0, 4)) - 1).padStart(4, '0')}${today.slice(4)}`;

export interface ShownEntry<E extends RegisterEntry = RegisterEntry> { entry: E; state: RegisterState }

/** The entries a person's view shows on `today`, in the order it shows them. */
export function entriesToShow<E extends RegisterEntry>(entries: readonly E[], today: IsoDate): Array<ShownEntry<E>> {
  const cutoff = yearBefore(today);
  return entries
    .map((entry) => ({ entry, state: registerState(entry, today) }))
    .filter(({ entry, state }) => (state === 'expired' || state === 'revoked' ? endedOn(entry) >= cutoff : true))
    .sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || withinState(a, b) || a.entry.themeName.localeCompare(b.entry.themeName, 'fi'));
}

/** Inside a state: the soonest end first; upcoming by start; what ended, the most recent first. */
function withinState(a: ShownEntry, b: ShownEntry): number {
  switch (a.state) {
    case 'upcoming': return a.entry.validFrom.localeCompare(b.entry.validFrom);
    case 'expired':
    case 'revoked': return endedOn(b.entry).localeCompare(endedOn(a.entry));
    default: return a.entry.validUntil.localeCompare(b.entry.validUntil);
  }
}

function rowsOf(lang: Lang, entries: readonly RegisterEntry[], themes: ReadonlyMap<string, Theme>, today: IsoDate, leads?: LeadTimes): MandateRow[] {
  return entriesToShow(entries, today).map(({ entry, state }) => {
    const theme = themes.get(entry.themeId);
    return {
      theme: (theme && (theme.name[lang] || theme.name.fi)) || entry.themeName,
      eservice: theme ? eserviceIn(theme, lang) : '',
      validFrom: entry.validFrom, validUntil: entry.validUntil, state,
      ...(leads && renewable(entries, entry, theme, leads, today) ? { renew: { themeId: entry.themeId, validFrom: entry.validFrom } } : {}),
    };
  });
}

/** Whether the entry is the one a renewal of its theme would continue, inside its window (and the theme orderable). */
function renewable(entries: readonly RegisterEntry[], entry: RegisterEntry, theme: Theme | undefined, leads: LeadTimes, today: IsoDate): boolean {
  if (!theme?.active) return false;
  const status = renewalStatus(entries, entry.themeId, leadDaysFor(theme, leads), today);
  return status.kind === 'continuation' && status.current.validFrom === entry.validFrom;
}

/** "Omat valtuudet": the reader's own entries; with the lead times, an entry inside its renewal window offers "renew". */
export function myMandatesView(tr: Translate, lang: Lang, entries: readonly RegisterEntry[], themes: ReadonlyMap<string, Theme>, now: Date,
  leads?: LeadTimes): AdaptiveCard {
  return myMandatesCard(tr, lang, rowsOf(lang, entries, themes, helsinkiDate(now), leads));
}

/** A direct report and their entries, as the team view reads them. */
export interface ReportView { person: Pick<DirectoryUser, 'displayName' | 'jobTitle'>; entries: readonly RegisterEntry[] }

/** "Alaisteni valtuudet": each direct report under their name, with the same states and order. */
export function teamMandatesView(tr: Translate, lang: Lang, reports: readonly ReportView[], themes: ReadonlyMap<string, Theme>, now: Date): AdaptiveCard {
  const today = helsinkiDate(now);
  const members: TeamMember[] = reports.map(({ person, entries }) => ({ name: person.displayName, jobTitle: person.jobTitle, rows: rowsOf(lang, entries, themes, today) }));
  return teamMandatesCard(tr, lang, members);
}
