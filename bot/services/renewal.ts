/**
 * Renewal before expiry, as the chat and the administrators' digest use it: the renewal a holder's reminder offers
 * (re-read from the register, never taken from the card), the continuations an order form shows, and what expires
 * soon. The rules are bot/domain/renewal.ts; the daily reminders are renewalSweep.ts.
 */
import type { Deps } from './deps';
import type { Grant } from '../store/grantStore';
import type { Theme } from '../domain/catalog';
import { isLineDone, isOpenStatus } from '../domain/lifecycle';
import type { Order } from '../domain/order';
import { hasSuccessor, leadDaysFor, renewalStatus, type RenewalStatus } from '../domain/renewal';
import { addCalendarDays, type IsoDate } from '../domain/workdays';
import type { RegisterPeriod } from '../domain/register';
import { mapLimit } from '../store/mapLimit';

/** A theme's renewal status for a holder, from their entries (the lead times by the catalog's held flag). */
export function statusFor(deps: Pick<Deps, 'config'>, entries: readonly Grant[], theme: Pick<Theme, 'id' | 'heldByOrganisation'> | undefined,
  themeId: string, today: IsoDate): RenewalStatus {
  return renewalStatus(entries, themeId, leadDaysFor(theme, deps.config.register), today);
}

/** What a "renew" button leads to, decided from the register as it is now. */
export type RenewalOffer =
  /** No such entry of this person (a forged or stale button). */
  | { kind: 'notFound' }
  /** Inside the window: the order form for a continuation starting on `start`. */
  | { kind: 'continuation'; themeId: string; current: RegisterPeriod; start: IsoDate }
  /** A later entry is already recorded, or a renewal is on an open order. */
  | { kind: 'arranged'; until: IsoDate }
  | { kind: 'ordered'; number: string }
  /** Not yet: the window opens on `opensOn`. */
  | { kind: 'notYet'; opensOn: IsoDate }
  /** The entry ended or was revoked: a new order (not a continuation). */
  | { kind: 'ended'; themeId: string };

/** The renewal of the person's entry (theme + start), as the register and their open orders say today. */
export async function renewalOffer(deps: Pick<Deps, 'config' | 'orders' | 'catalog'>, personId: string,
  ref: { themeId: string; validFrom: string }, today: IsoDate): Promise<RenewalOffer> {
  const [{ grants, orders }, themes] = await Promise.all([deps.orders.personView(personId), deps.catalog.themes()]);
  const entry = grants.find((g) => g.themeId === ref.themeId && g.validFrom === ref.validFrom);
  if (!entry) return { kind: 'notFound' };
  const open = orders.find((o) => isOpenStatus(o.status) && o.openThemeIds.includes(ref.themeId));
  if (open) return { kind: 'ordered', number: open.number };
  const status = statusFor(deps, grants, themes.get(ref.themeId), ref.themeId, today);
  switch (status.kind) {
    case 'new': return { kind: 'ended', themeId: ref.themeId };
    case 'held':
      return status.current.validFrom !== entry.validFrom ? { kind: 'arranged', until: status.current.validUntil } : { kind: 'notYet', opensOn: status.opensOn };
    case 'continuation':
      // The button's entry was already continued by a later one (itself now in its window): that is arranged.
      if (status.current.validFrom !== entry.validFrom) return { kind: 'arranged', until: status.current.validUntil };
      return { kind: 'continuation', themeId: ref.themeId, current: status.current, start: status.start };
  }
}

/** The continuations among these themes for the person (the order form says "continues, starts on …"). */
export async function continuationsFor(deps: Pick<Deps, 'config' | 'grants' | 'catalog'>, personId: string, themeIds: readonly string[],
  today: IsoDate): Promise<Array<{ themeId: string; start: IsoDate; until: IsoDate }>> {
  if (!themeIds.length) return [];
  const [entries, themes] = await Promise.all([deps.grants.listFor(personId), deps.catalog.themes()]);
  const out: Array<{ themeId: string; start: IsoDate; until: IsoDate }> = [];
  for (const themeId of themeIds) {
    const status = statusFor(deps, entries, themes.get(themeId), themeId, today);
    if (status.kind === 'continuation') out.push({ themeId, start: status.start, until: status.current.validUntil });
  }
  return out;
}

/** An entry ending soon, for the administrators' digest: whose, which theme, when, and whether a renewal is on its way. */
export interface ExpiringEntry {
  personId: string;
  /** The directory's name ('?' when the directory no longer knows the person). */
  personName: string;
  themeName: string;
  validUntil: IsoDate;
  /** 'recorded': a later entry exists; 'ordered': an open order has the theme; 'none': nothing yet. */
  renewal: 'recorded' | 'ordered' | 'none';
}

/** The digest's look ahead: 30 days, the first rows named (cards/digest shows at most that many). */
export const EXPIRING_IN_DIGEST = { days: 30, named: 15 } as const;

/** Register reads at once while the digest names its rows. */
const CONCURRENT_READS = 8;

/** `person|theme` of every theme on a line not yet done of an open order: a renewal on its way. */
export function themesOnOpenOrders(open: readonly Order[]): Set<string> {
  return new Set(open.flatMap((o) => o.lines.filter((l) => l.themeId && !isLineDone(l)).map((l) => `${o.subject.id}|${l.themeId}`)));
}

/**
 * What expires from today within `days` (not revoked): the count, and the first `named` rows, soonest first, each
 * with the person's name and its renewal's state. Only the named rows read anything more (the holder's register,
 * one point read each; the open orders once), so the digest costs the same for 30 entries or 40,000.
 */
export async function expiringSoon(deps: Pick<Deps, 'grants' | 'orders' | 'directory'>, today: IsoDate,
  o: { days: number; named: number }): Promise<{ total: number; rows: ExpiringEntry[] }> {
  const ending = (await deps.grants.listEndingBetween(today, addCalendarDays(today, o.days))).filter((g) => !g.revokedAt)
    .sort((a, b) => a.validUntil.localeCompare(b.validUntil) || a.subjectId.localeCompare(b.subjectId));
  const ordered = themesOnOpenOrders(await deps.orders.listOpen());
  const rows = await mapLimit(ending.slice(0, o.named), CONCURRENT_READS, async (g): Promise<ExpiringEntry> => {
    const [entries, person] = await Promise.all([deps.grants.listFor(g.subjectId), deps.directory.getUser(g.subjectId)]);
    return { personId: g.subjectId, personName: person?.displayName ?? '?', themeName: g.themeName, validUntil: g.validUntil,
      renewal: hasSuccessor(g, entries) ? 'recorded' : ordered.has(`${g.subjectId}|${g.themeId}`) ? 'ordered' : 'none' };
  });
  return { total: ending.length, rows };
}
