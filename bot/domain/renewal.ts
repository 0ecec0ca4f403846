/**
 * Renewal before expiry. A Suomi.fi mandate cannot be extended, only replaced by a new one, so a renewal is a
 * new register entry that starts on the old entry's last day (periodsOverlap allows the shared day: no gap in
 * which the person cannot work). These pure rules say when a renewal may be ordered (the renewal window), which
 * reminder is due on a day, and which entry a new order for a held theme continues. No clock reads: `today` is
 * always the caller's Helsinki day.
 */
import { addCalendarDays, type IsoDate } from './workdays';
import type { RegisterFacts, RegisterPeriod } from './register';

/** The lead times, as the register's settings give them (largest first). */
export interface LeadTimes {
  /** Days before the end the holder and manager are reminded (RENEWAL_LEAD_DAYS). */
  renewalLeadDays: readonly number[];
  /** The same for a theme the organisation does not hold: a DVV application comes first (RENEWAL_LEAD_DAYS_MISSING). */
  renewalLeadDaysMissing: readonly number[];
}

/**
 * The lead times of a theme: the longer ones when the catalog says the organisation does not hold it; a theme that
 * has left the catalog gets the ordinary ones.
 */
export function leadDaysFor(theme: { heldByOrganisation: boolean } | undefined, leads: LeadTimes): number[] {
  const days = theme && !theme.heldByOrganisation ? leads.renewalLeadDaysMissing : leads.renewalLeadDays;
  return [...days].sort((a, b) => b - a);
}

/** The largest lead time of all (how far ahead the sweep looks). */
export function longestLead(leads: LeadTimes): number {
  return Math.max(...leads.renewalLeadDays, ...leads.renewalLeadDaysMissing);
}

/** The first day a renewal of the entry may be ordered: its largest lead time before its last day. */
export function renewalOpensOn(entry: Pick<RegisterPeriod, 'validUntil'>, leadDays: readonly number[]): IsoDate {
  return addCalendarDays(entry.validUntil, -Math.max(...leadDays));
}

/** An entry with its theme, as the renewal rules compare entries of one holder. */
export type ThemeEntry = RegisterFacts & { themeId: string };

/** Whether a later entry of the same theme is recorded (not revoked): the renewal is already arranged. */
export function hasSuccessor(entry: ThemeEntry, entries: readonly ThemeEntry[]): boolean {
  return entries.some((e) => e.themeId === entry.themeId && !e.revokedAt && e.validUntil > entry.validUntil);
}

/**
 * What a new order of a theme means for a holder on a day:
 * - `new`: nothing held or arranged (an ordinary order);
 * - `continuation`: the latest entry ends inside its renewal window, so the order continues it from its last day;
 * - `held`: held or arranged beyond the window; a renewal may be ordered from `opensOn`.
 */
export type RenewalStatus =
  | { kind: 'new' }
  | { kind: 'continuation'; current: RegisterPeriod; start: IsoDate }
  | { kind: 'held'; current: RegisterPeriod; opensOn: IsoDate };

export function renewalStatus(entries: readonly ThemeEntry[], themeId: string, leadDays: readonly number[], today: IsoDate): RenewalStatus {
  const live = entries.filter((e) => e.themeId === themeId && !e.revokedAt && e.validUntil >= today);
  if (!live.length) return { kind: 'new' };
  // The entry that ends last is the one a renewal continues (an arranged renewal is itself that entry).
  const latest = live.reduce((a, b) => (b.validUntil > a.validUntil ? b : a));
  const current = { validFrom: latest.validFrom, validUntil: latest.validUntil };
  const opensOn = renewalOpensOn(latest, leadDays);
  return today >= opensOn ? { kind: 'continuation', current, start: latest.validUntil } : { kind: 'held', current, opensOn };
}

/**
 * The reminder due for an entry on a day: the nearest lead time whose day has come while the entry is still valid,
 * and the larger ones that passed with it. A sweep that missed a lead day still sends its reminder; when several
 * have passed unsent only the nearest is sent (the others are marked), so nobody gets "30 days" after "7 days".
 */
export function dueReminder(entry: Pick<RegisterPeriod, 'validUntil'>, leadDays: readonly number[], today: IsoDate):
  { lead: number; passed: number[]; daysLeft: number } | undefined {
  if (entry.validUntil < today) return undefined;
  const due = leadDays.filter((d) => addCalendarDays(entry.validUntil, -d) <= today).sort((a, b) => a - b);
  if (!due.length) return undefined;
  return { lead: due[0], passed: due.slice(1), daysLeft: daysBetween(today, entry.validUntil) };
}

/**
 * How long after its end an ended entry still gets its "ended" notice: a sweep that missed a few days catches up,
 * but an entry imported long after it ended is history, not news.
 */
export const EXPIRED_NOTICE_WITHIN_DAYS = 14;

/** Whether the entry's "ended" notice is due on the day (it ended, not revoked, within the catch-up days). */
export function expiredNoticeDue(entry: RegisterFacts, today: IsoDate): boolean {
  return !entry.revokedAt && entry.validUntil < today && entry.validUntil >= addCalendarDays(today, -EXPIRED_NOTICE_WITHIN_DAYS);
}

/**
 * What the renewal step reads on a day, given the last day it went through completely (`cursor`):
 * - `window`: every entry ending from EXPIRED_NOTICE_WITHIN_DAYS ago to the longest lead ahead — the first run,
 *   a second run on the same day (an operator's "check everything"), a day before the cursor, or a gap so long that
 *   the whole window costs less;
 * - `days`: the end dates whose lead day or "ended" day came after the cursor, through today. Whatever was due
 *   on or before the cursor was seen by that run; what was skipped then (a renewal on order, a closed account) is
 *   looked at again on the entry's next lead day, and the "ended" notice on its day.
 */
export type SweepLook = { kind: 'window'; from: IsoDate; to: IsoDate } | { kind: 'days'; days: IsoDate[] };

export function sweepLook(leads: LeadTimes, cursor: IsoDate | undefined, today: IsoDate): SweepLook {
  const window: SweepLook = { kind: 'window', from: addCalendarDays(today, -EXPIRED_NOTICE_WITHIN_DAYS), to: addCalendarDays(today, longestLead(leads)) };
  if (!cursor || cursor >= today) return window;
  const offsets = [...new Set([...leads.renewalLeadDays, ...leads.renewalLeadDaysMissing]), -1];
  const gap = daysBetween(cursor, today);
  if (gap * offsets.length >= daysBetween(window.from, window.to) + 1) return window;
  const days = new Set<IsoDate>();
  for (let d = 1; d <= gap; d++) {
    const day = addCalendarDays(cursor, d);
    for (const offset of offsets) {
      const end = addCalendarDays(day, offset);
      if (end >= window.from) days.add(end);
    }
  }
  return { kind: 'days', days: [...days].sort() };
}

/** The notice markers (one per entry and lead time; one "ended" per entry), so each is queued once. */
export const reminderMarker = (e: { themeId: string; validFrom: IsoDate }, lead: number): string => `renewal|${e.themeId}|${e.validFrom}|${lead}`;
export const managerReminderMarker = (holderId: string, e: { themeId: string; validFrom: IsoDate }, lead: number): string =>
  `renewal|${holderId}|${e.themeId}|${e.validFrom}|${lead}`;
export const expiredMarker = (e: { themeId: string; validFrom: IsoDate }): string => `expired|${e.themeId}|${e.validFrom}`;

/**
 * The validity a renewal form proposes: as many whole years from its start as the old entry lasted (rounded, at
 * least one), so a yearly mandate renews for a year and a three-year one for three; the form's own limit caps it.
 */
export function proposedRenewalUntil(current: RegisterPeriod, start: IsoDate): IsoDate {
  const years = Math.max(1, Math.round(daysBetween(current.validFrom, current.validUntil) / 365.25));
  const [y, m, d] = start.split('-');
  const day = m === '02' && d === '29' ? '28' : d;
  return `${String(Number(y) + years).padStart(4, '0')}-${m}-${day}`;
}

/** Whole days from one ISO date to a later one. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
