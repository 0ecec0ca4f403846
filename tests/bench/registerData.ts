/**
 * The synthetic register of the bench's scale scenario: who the people are, which themes each holds and from
 * when until when. Pure and deterministic, so the three roles agree without sending 200,000 entries around: the
 * load generator picks the person of request n, the sink knows which themes that person's card must list, and
 * the orchestrator writes the same entries to Azurite (./seedRegister.ts). No SDK here: the roles load this too.
 */
import type { Grant } from '../../bot/store/grantStore';
import type { IsoDate } from '../../bot/domain/workdays';

/** Entries per person: one in each state the view shows, so every card sorts and labels all five. */
export const ENTRIES_PER_PERSON = 5;

/** The object id of synthetic person k (the last GUID group is k; also the memory scenario's people). */
export function syntheticPersonId(k: number): string {
  return `00000000-0000-4000-9000-${String(k).padStart(12, '0')}`;
}

/**
 * The person asked in request n of a round: spread over the whole organisation (a multiplicative hash, not
 * n itself), so the rounds read partitions all over the table rather than walking it in order.
 */
export function personOfRequest(n: number, people: number): number {
  return (Math.imul(n + 1, 2_654_435_761) >>> 0) % people;
}

/**
 * The catalog positions of person k's themes: five different ones (steps of a fifth of the catalog), starting
 * at a place that moves with k, so the people share themes in every combination.
 */
export function themeIndexesOf(k: number, themeCount: number): number[] {
  const step = Math.max(1, Math.floor(themeCount / ENTRIES_PER_PERSON));
  return Array.from({ length: ENTRIES_PER_PERSON }, (_, j) => (k * 7 + j * step) % themeCount);
}

type Shape = 'active' | 'expiring' | 'upcoming' | 'expired' | 'revoked';
const SHAPES: readonly Shape[] = ['active', 'expiring', 'upcoming', 'expired', 'revoked'];

/**
 * Person k's entries on `today` (Finnish calendar day): the five states rotated over the themes and the dates
 * varied by k, all within what the view shows (nothing ended more than a year ago).
 */
export function entriesOf(k: number, themes: ReadonlyArray<{ id: string; name: string }>, today: IsoDate): Grant[] {
  return themeIndexesOf(k, themes.length).map((t, j) => {
    const theme = themes[t];
    const shape = SHAPES[(k + j) % SHAPES.length];
    const days = (d: number): IsoDate => plusDays(today, d);
    const [from, until] = {
      active: [days(-30 - (k % 300)), days(60 + (k % 600))],
      expiring: [days(-200 - (k % 100)), days(k % 29)],
      upcoming: [days(1 + (k % 90)), days(366 + (k % 90))],
      expired: [days(-400 - (k % 200)), days(-1 - (k % 300))],
      revoked: [days(-100 - (k % 100)), days(200 + (k % 100))],
    }[shape];
    const grant: Grant = {
      subjectId: syntheticPersonId(k), themeId: theme.id, themeName: theme.name, validFrom: from, validUntil: until,
      grantedBy: 'Valtuusasioiden hoitaja', orderId: '', grantedAt: `${days(-400)}T08:00:00.000Z`,
      source: { kind: 'import', file: 'bench-register.xlsx', row: k * ENTRIES_PER_PERSON + j + 2 },
    };
    if (shape === 'revoked') { grant.revokedAt = `${days(-(k % 60))}T09:30:00.000Z`; grant.revokedBy = 'Valtuusasioiden hoitaja'; }
    return grant;
  });
}

/** Calendar arithmetic on an ISO date (UTC midnights, so no daylight saving); workdays.ts would load date-holidays into every role. */
function plusDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
