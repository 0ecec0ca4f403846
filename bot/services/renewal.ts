/**
 * Renewal before expiry, as the chat and the administrators' digest use it: the renewal a holder's reminder offers
 * (re-read from the register, never taken from the card), the continuations an order form shows, and what expires
 * soon. The rules are bot/domain/renewal.ts; the daily reminders are renewalSweep.ts.
 */
import type { Deps } from './deps';
import type { Grant } from '../store/grantStore';
import type { Theme } from '../domain/catalog';
import { isOpenStatus } from '../domain/lifecycle';
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
  /** The directory's name (resolved for the rows a digest shows; '' for the rest). */
  personName: string;
  themeName: string;
  validUntil: IsoDate;
  /** 'recorded': a later entry exists; 'ordered': an open order has the theme; 'none': nothing yet. */
  renewal: 'recorded' | 'ordered' | 'none';
}

/** The digest's look ahead: 30 days, the first rows named (cards/digest shows at most that many). */
export const EXPIRING_IN_DIGEST = { days: 30, named: 15 } as const;

/** Reads of one person's partition at once while the digest looks (a bounded number, not one per entry at once). */
const CONCURRENT_READS = 8;

/**
 * What expires from today within `days` (not revoked), soonest first, each with its renewal's state; the first
 * `named` rows carry the person's name.
 */
export async function expiringSoon(deps: Pick<Deps, 'grants' | 'orders' | 'directory'>, today: IsoDate,
  o: { days: number; named: number }): Promise<{ total: number; rows: ExpiringEntry[] }> {
  const ending = (await deps.grants.listEndingBetween(today, addCalendarDays(today, o.days))).filter((g) => !g.revokedAt);
  const people = [...new Set(ending.map((g) => g.subjectId))];
  const views = new Map(await mapLimit(people, CONCURRENT_READS, async (id) => [id, await deps.orders.personView(id)] as const));
  const rows = ending.map((g): ExpiringEntry => {
    const view = views.get(g.subjectId);
    const recorded = view ? hasSuccessor(g, view.grants) : false;
    const ordered = view?.orders.some((s) => isOpenStatus(s.status) && s.openThemeIds.includes(g.themeId)) ?? false;
    return { personId: g.subjectId, personName: '', themeName: g.themeName, validUntil: g.validUntil,
      renewal: recorded ? 'recorded' : ordered ? 'ordered' : 'none' };
  }).sort((a, b) => a.validUntil.localeCompare(b.validUntil) || a.personId.localeCompare(b.personId));
  await mapLimit(rows.slice(0, o.named), CONCURRENT_READS, async (row) => {
    row.personName = (await deps.directory.getUser(row.personId))?.displayName ?? '?';
  });
  return { total: rows.length, rows };
}
