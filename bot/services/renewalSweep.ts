/**
 * Sweep step "renewal" (see registerSweep.ts): reminds a holder and their manager before an entry ends, at each
 * lead time (the longer ones for a theme the organisation does not hold), and tells the holder once when it has
 * ended. Nothing is said about an entry that is revoked, already followed by a later entry (the renewal is
 * arranged), or whose theme is on an open order of the holder. Each notice is queued with a marker row in the same
 * transaction (TaskStore.notice), so two instances, a restart or the operator's `register -- sweep` send it once;
 * a missed day is caught up (dueReminder: only the nearest due lead time is sent, the passed ones are marked).
 */
import type { SweepCounts, SweepDeps } from './registerSweep';
import type { Grant, WrittenHolder } from '../store/grantStore';
import type { Theme } from '../domain/catalog';
import type { NoticeEvent } from '../domain/registerTask';
import { themesOnOpenOrders } from './renewal';
import { addCalendarDays, type IsoDate } from '../domain/workdays';
import { dueReminder, EXPIRED_NOTICE_WITHIN_DAYS, expiredMarker, expiredNoticeDue, hasSuccessor, leadDaysFor, longestLead,
  managerReminderMarker, reminderMarker, sweepLook } from '../domain/renewal';
import { mapLimit } from '../store/mapLimit';

/** Entries handled at once (each is a marker read and, when something is due, a few reads and writes). */
const CONCURRENCY = 16;

/** What this sweep queued for one entry (each notice counted by the instance whose write queued it). */
interface Outcome { reminder?: boolean; managerReminder?: boolean; expired?: boolean }
const NOTHING: Outcome = {};

export async function renewalSweep(deps: SweepDeps, today: IsoDate): Promise<SweepCounts> {
  const [themes, cursor, open, written] = await Promise.all([
    deps.catalog.themes(), deps.grants.sweepCursor(), deps.orders.listOpen(), deps.grants.writtenHolders(),
  ]);
  const look = sweepLook(deps.config.register, cursor, today);
  const entries = look.kind === 'window'
    ? await deps.grants.listEndingBetween(look.from, look.to)
    : await changedSince(deps, look.days, written, today);
  // The themes on open orders, per person, read once: a renewal already ordered is not reminded of.
  const ordered = themesOnOpenOrders(open);
  const outcomes = await mapLimit(entries.filter((g) => !g.revokedAt), CONCURRENCY, (g) => sweepEntry(deps, themes, ordered, g, today));
  // Done with everything due through today: the next run looks only at what falls due after it, and at the holders written since.
  await deps.grants.forgetWritten(written);
  await deps.grants.saveSweepCursor(today);
  const count = (kind: keyof Outcome) => outcomes.filter((o) => o[kind]).length;
  return { reminders: count('reminder'), managerReminders: count('managerReminder'), expired: count('expired') };
}

/**
 * The entries an ordinary day looks at: those whose lead day or "ended" day came since the last complete run (the
 * end-date index's partitions of those days), and every entry in the window of the holders written since (an
 * import or a grant may bring an entry whose lead day had passed).
 */
async function changedSince(deps: SweepDeps, days: readonly IsoDate[], written: readonly WrittenHolder[], today: IsoDate): Promise<Grant[]> {
  const from = addCalendarDays(today, -EXPIRED_NOTICE_WITHIN_DAYS);
  const to = addCalendarDays(today, longestLead(deps.config.register));
  const [due, registers] = await Promise.all([
    deps.grants.listEndingOn(days),
    mapLimit(written, CONCURRENCY, (h) => deps.grants.listFor(h.subjectId)),
  ]);
  const entries = new Map<string, Grant>();
  for (const g of [...due, ...registers.flat().filter((e) => e.validUntil >= from && e.validUntil <= to)]) {
    entries.set(`${g.subjectId}|${g.themeId}|${g.validFrom}`, g);
  }
  return [...entries.values()];
}

async function sweepEntry(deps: SweepDeps, themes: ReadonlyMap<string, Theme>, ordered: ReadonlySet<string>, g: Grant, today: IsoDate): Promise<Outcome> {
  if (expiredNoticeDue(g, today)) {
    const marker = expiredMarker(g);
    if (await deps.tasks.noticeSent(g.subjectId, marker) || await hasLaterEntry(deps, g)) return NOTHING;
    if (!(await deps.directory.getUser(g.subjectId))?.accountEnabled) return NOTHING;
    return { expired: await notify(deps, g.subjectId, marker, 'expired', g, {}) };
  }
  const due = dueReminder(g, leadDaysFor(themes.get(g.themeId), deps.config.register), today);
  if (!due) return NOTHING;
  const marker = reminderMarker(g, due.lead);
  // The common case on most days: today's reminder went out on an earlier day (one point read).
  if (await deps.tasks.noticeSent(g.subjectId, marker) || ordered.has(`${g.subjectId}|${g.themeId}`) || await hasLaterEntry(deps, g)) return NOTHING;
  const holder = await deps.directory.getUser(g.subjectId);
  // A person the directory no longer knows, or whose account is closed, is a leaver: the directory step's work.
  if (!holder?.accountEnabled) return NOTHING;
  const facts = { leadDays: due.lead, daysLeft: due.daysLeft };
  // The lead times that passed unsent are marked, so a later sweep never sends "30 days" after "7 days".
  for (const lead of due.passed) await deps.tasks.notice(g.subjectId, reminderMarker(g, lead), []);
  // The manager first, the holder's marker last: a crash between them leaves the holder's unsent, and the next
  // sweep finds the manager's marker written and sends only the holder's.
  const manager = holder.managerId ? await deps.directory.getManager(g.subjectId) : undefined;
  const managerReminder = manager ? await notify(deps, manager.id, managerReminderMarker(g.subjectId, g, due.lead), 'renewalReminderForManager', g,
    { ...facts, holderId: g.subjectId }) : false;
  return { managerReminder, reminder: await notify(deps, g.subjectId, marker, 'renewalReminder', g, facts) };
}

/** Whether a later entry of the theme is recorded (the renewal is arranged): the holder's register, one point read. */
async function hasLaterEntry(deps: SweepDeps, g: Grant): Promise<boolean> {
  return hasSuccessor(g, await deps.grants.listFor(g.subjectId));
}

async function notify(deps: SweepDeps, recipientId: string, marker: string, event: NoticeEvent, g: Grant,
  extra: { leadDays?: number; daysLeft?: number; holderId?: string }): Promise<boolean> {
  const facts = { themeId: g.themeId, themeName: g.themeName, validFrom: g.validFrom, validUntil: g.validUntil, ...extra };
  return (await deps.tasks.notice(recipientId, marker, [{ kind: 'notice', recipientId, event, facts }])) === 'queued';
}
