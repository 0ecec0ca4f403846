/**
 * The register (valtuusrekisteri): who holds which mandate theme for the organisation, from when until when.
 * Pure rules about an entry's state; the entries themselves live in bot/store (the `people` table).
 */
import { addCalendarDays, type IsoDate } from './workdays';

/** An entry of the register as the rules need it. */
export interface RegisterFacts {
  validFrom: IsoDate;
  validUntil: IsoDate;
  /** Set when an administrator recorded the mandate as revoked (mitätöity) in Suomi.fi. */
  revokedAt?: string;
}

/**
 * voimassa = active, päättymässä = expiring (ends within EXPIRING_WITHIN_DAYS, the last day included),
 * päättynyt = expired, mitätöity = revoked, and upcoming (starts after today: a renewal waiting for its day).
 */
export type RegisterState = 'upcoming' | 'active' | 'expiring' | 'expired' | 'revoked';

/** How many days before its end an entry counts as expiring (the first renewal reminder's default lead time). */
export const EXPIRING_WITHIN_DAYS = 30;

/** The state of an entry on a given Finnish calendar day. A mandate is valid on its last day. */
export function registerState(entry: RegisterFacts, today: IsoDate): RegisterState {
  if (entry.revokedAt) return 'revoked';
  if (entry.validUntil < today) return 'expired';
  if (entry.validFrom > today) return 'upcoming';
  return entry.validUntil <= addCalendarDays(today, EXPIRING_WITHIN_DAYS) ? 'expiring' : 'active';
}

/** Whether the entry lets its holder act in Suomi.fi on that day (active or expiring). */
export function isInForce(entry: RegisterFacts, today: IsoDate): boolean {
  const state = registerState(entry, today);
  return state === 'active' || state === 'expiring';
}

/** The period of an entry: its first and last valid day. */
export interface RegisterPeriod {
  validFrom: IsoDate;
  validUntil: IsoDate;
}

/**
 * Whether two entries of one holder and theme would hold the same mandate twice. A renewal starts where the old
 * entry ends (Suomi.fi cannot extend a mandate, and a gap would stop the person's work), so sharing the boundary
 * day is not an overlap; two entries starting on the same day always are.
 */
export function periodsOverlap(a: RegisterPeriod, b: RegisterPeriod): boolean {
  if (a.validFrom === b.validFrom) return true;
  return a.validFrom < b.validUntil && b.validFrom < a.validUntil;
}

/** Whether two entries have the same period (an import of an entry already recorded changes nothing). */
export function samePeriod(a: RegisterPeriod, b: RegisterPeriod): boolean {
  return a.validFrom === b.validFrom && a.validUntil === b.validUntil;
}
