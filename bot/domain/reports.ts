/**
 * The reports tab's arithmetic (issue #13): lead times against the targets, open work by age and by whom it waits
 * for, register entries expiring per week, coverage by department × theme, and the table view of each. Pure: the
 * day (`today`) and every fact are passed in; bot/services/reports.ts reads them from the store.
 */
import type { LeadTimeSeries, OpenOrderRow, OpenState, ReportData, ReportTable, ReportView } from './reportsContract';
import type { Order } from './order';
import { orderDue } from './order';
import { isLineDone } from './lifecycle';
import { PATH1_WORKING_DAYS, PATH2_WEEKS, type ServicePath } from './paths';
import { addCalendarDays, helsinkiDate, workingDaysBetween, type IsoDate } from './workdays';
import type { Translate } from '../i18n';

const DAY_MS = 86_400_000;
const round1 = (n: number): number => Math.round(n * 10) / 10;

// ---------------------------------------------------------------------------------------------------------
// Lead times

/** A granted order line, as the lead time needs it: its path, when the order came in and when the grant was confirmed. */
export interface LeadFact {
  path: ServicePath;
  /** ISO instants. */
  submittedAt: string;
  grantedAt: string;
  /** The department of the person the mandate is for, as on the order. */
  department: string;
}

/** Calendar days from one date to the other (negative when `to` is earlier). */
function calendarDaysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * Path 1: working days after the submit day up to the grant day (Finnish holidays skipped; a grant on the day of
 * submit is 0, as the targets count). Path 2: weeks from the submit day to the grant day, one decimal.
 */
export function leadTime(fact: Pick<LeadFact, 'path' | 'submittedAt' | 'grantedAt'>): number {
  const submitted = helsinkiDate(new Date(fact.submittedAt));
  const granted = helsinkiDate(new Date(fact.grantedAt));
  return fact.path === 'existing' ? workingDaysBetween(submitted, granted) : round1(calendarDaysBetween(submitted, granted) / 7);
}

/** Path 1 at most 3 working days; path 2 within 4–6 weeks, i.e. at most 6 (sooner than 4 is no failure). */
export function withinTarget(path: ServicePath, value: number): boolean {
  return value <= (path === 'existing' ? PATH1_WORKING_DAYS : PATH2_WEEKS.max);
}

/**
 * The p-quantile (0…1) by linear interpolation between closest ranks (what spreadsheets call PERCENTILE.INC), one
 * decimal; 0 for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return round1(sorted[low] + (sorted[high] - sorted[low]) * (rank - low));
}

/** The Monday of the ISO week the date falls in. */
export function isoWeek(date: IsoDate): IsoDate {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addCalendarDays(date, -((weekday + 6) % 7));
}

/**
 * A granted line's lead time as kept once computed (the weekly summaries): the grant's instant and Helsinki day, the
 * path, the department and the lead time (leadTime of the fact). A fact never changes once its grant is confirmed.
 */
export interface LeadPoint { path: ServicePath; grantedAt: string; day: IsoDate; department: string; value: number }

export function leadPoint(fact: LeadFact): LeadPoint {
  return { path: fact.path, grantedAt: fact.grantedAt, day: helsinkiDate(new Date(fact.grantedAt)), department: fact.department, value: leadTime(fact) };
}

/** One path's series: every line's lead time (in grant order), the share within target, and per week of the grant the median and 90th percentile. */
export function leadTimeSeries(facts: readonly LeadFact[], path: ServicePath): LeadTimeSeries {
  return leadTimeSeriesOf(facts.filter((f) => f.path === path).map(leadPoint), path);
}

/** leadTimeSeries from lead points (their lead times computed before). */
export function leadTimeSeriesOf(points: readonly LeadPoint[], path: ServicePath): LeadTimeSeries {
  // In the order of the grants (equal instants by value), so the same facts give the same answer however the store listed them.
  const mine = points.filter((f) => f.path === path)
    .sort((a, b) => (a.grantedAt < b.grantedAt ? -1 : a.grantedAt > b.grantedAt ? 1 : a.value - b.value))
    .map((f) => ({ week: isoWeek(f.day), value: f.value }));
  const byWeek = new Map<IsoDate, number[]>();
  for (const m of mine) {
    const values = byWeek.get(m.week);
    if (values) values.push(m.value);
    else byWeek.set(m.week, [m.value]);
  }
  const weekly = [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([week, values]) => ({ week, count: values.length, median: percentile(values, 0.5), p90: percentile(values, 0.9) }));
  return {
    unit: path === 'existing' ? 'workingDays' : 'weeks',
    target: path === 'existing' ? { max: PATH1_WORKING_DAYS } : { min: PATH2_WEEKS.min, max: PATH2_WEEKS.max },
    values: mine.map((m) => m.value),
    total: mine.length,
    withinTarget: mine.filter((m) => withinTarget(path, m.value)).length,
    weekly,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Open work

/** The age buckets in working days, as the page names them. */
export const AGE_BUCKETS = [
  { bucket: '0–3', max: 3 }, { bucket: '4–10', max: 10 }, { bucket: '11–30', max: 30 }, { bucket: '31+', max: Infinity },
] as const;

export function ageBucket(ageWorkingDays: number): string {
  return (AGE_BUCKETS.find((b) => ageWorkingDays <= b.max) ?? AGE_BUCKETS[AGE_BUCKETS.length - 1]).bucket;
}

export const OPEN_STATES: readonly OpenState[] = ['requester', 'manager', 'signatory', 'dvv', 'administrator'];

/**
 * Whom an open order waits for: the requester's answer (waitingForInfo), the manager's approval (awaitingApproval),
 * else the first outside step one of its unfinished lines waits for — the signatory's signature (application
 * prepared), then DVV's decision (application sent) — and otherwise the administrators (to review, send or grant).
 */
export function openState(order: Pick<Order, 'status' | 'lines'>): OpenState {
  if (order.status === 'waitingForInfo') return 'requester';
  if (order.status === 'awaitingApproval') return 'manager';
  const open = order.lines.filter((l) => !isLineDone(l));
  if (open.some((l) => l.stage === 'applicationPrepared')) return 'signatory';
  if (open.some((l) => l.stage === 'sentToDvv')) return 'dvv';
  return 'administrator';
}

/** An order is on path 2 while any unfinished line (or, with none, any line) still needs DVV first. */
export function orderPath(order: Pick<Order, 'lines'>): 1 | 2 {
  const open = order.lines.filter((l) => !isLineDone(l));
  return (open.length ? open : order.lines).some((l) => l.path === 'missing') ? 2 : 1;
}

/** The row of one open order: its path, state, age, due date (the latest of its open lines) and calendar days past it. */
export function openOrderRow(order: Order, today: IsoDate, cardUrl?: string): OpenOrderRow {
  const dueDate = orderDue(order);
  const overdue = dueDate ? calendarDaysBetween(dueDate, today) : 0;
  return {
    orderId: order.id,
    number: order.number,
    path: orderPath(order),
    state: openState(order),
    ageWorkingDays: Math.max(0, workingDaysBetween(helsinkiDate(new Date(order.createdAt)), today)),
    dueDate,
    daysOverdue: Math.max(0, overdue),
    ...(order.assigneeName ? { holder: order.assigneeName } : {}),
    ...(cardUrl ? { cardUrl } : {}),
  };
}

/** The open-work view from the open orders' rows: most overdue first, then oldest first. */
export function openWork(rows: readonly OpenOrderRow[]): ReportData['openWork'] {
  const orders = [...rows].sort((a, b) => b.daysOverdue - a.daysOverdue || b.ageWorkingDays - a.ageWorkingDays || a.number.localeCompare(b.number));
  const byAge = AGE_BUCKETS.map(({ bucket }) => {
    const inBucket = rows.filter((r) => ageBucket(r.ageWorkingDays) === bucket);
    return { bucket, path1: inBucket.filter((r) => r.path === 1).length, path2: inBucket.filter((r) => r.path === 2).length };
  });
  const byState = OPEN_STATES.map((state) => ({ state, count: rows.filter((r) => r.state === state).length }));
  const holders = new Map<string, number>();
  for (const r of rows) holders.set(r.holder ?? '', (holders.get(r.holder ?? '') ?? 0) + 1);
  const byHolder = [...holders.entries()].map(([holder, count]) => ({ holder, count }))
    .sort((a, b) => b.count - a.count || a.holder.localeCompare(b.holder, 'fi'));
  return { byAge, byState, byHolder, orders };
}

// ---------------------------------------------------------------------------------------------------------
// The register: expiring entries and coverage

/** One register period of a holder and a theme (a theme roster's row). */
export interface RegisterPeriod {
  subjectId: string;
  themeId: string;
  validFrom: IsoDate;
  validUntil: IsoDate;
  revokedAt?: string;
}

/** A renewal ordered: an open order's unfinished line continuing this entry (the person, the theme, the old period). */
export interface OrderedRenewal { subjectId: string; themeId: string; validFrom: IsoDate; validUntil: IsoDate }

export const EXPIRING_WEEKS = 13;

const periodKey = (p: { subjectId: string; themeId: string; validFrom: string; validUntil: string }): string =>
  `${p.subjectId}|${p.themeId}|${p.validFrom}|${p.validUntil}`;

/**
 * Entries (not revoked) ending from today to the end of the 13th ISO week from this one, per week; of them, how many
 * were renewed (a later entry of the same holder and theme, not revoked) and how many have a renewal ordered.
 */
export function expiringWeeks(periods: readonly RegisterPeriod[], renewals: readonly OrderedRenewal[], today: IsoDate): ReportData['expiring']['weeks'] {
  const starts = new Map<string, IsoDate[]>();
  for (const p of periods) {
    if (p.revokedAt) continue;
    const key = `${p.subjectId}|${p.themeId}`;
    starts.set(key, [...(starts.get(key) ?? []), p.validFrom]);
  }
  const last = addCalendarDays(isoWeek(today), 7 * EXPIRING_WEEKS - 1);
  const ending = periods.filter((p) => !p.revokedAt && p.validUntil >= today && p.validUntil <= last)
    .map((p) => ({ ...p, renewed: (starts.get(`${p.subjectId}|${p.themeId}`) ?? []).some((from) => from > p.validFrom) }));
  return expiringWeeksOf(ending, renewals, today);
}

/** The expiring weeks from the entries ending in the window, each known to be renewed or not (see expiringWeeks). */
export function expiringWeeksOf(ending: ReadonlyArray<Omit<RegisterPeriod, 'revokedAt'> & { renewed: boolean }>, renewals: readonly OrderedRenewal[],
  today: IsoDate): ReportData['expiring']['weeks'] {
  const first = isoWeek(today);
  const weeks = Array.from({ length: EXPIRING_WEEKS }, (_, i) => ({ week: addCalendarDays(first, 7 * i), ending: 0, renewalOrdered: 0, renewed: 0 }));
  const ordered = new Set(renewals.map(periodKey));
  for (const p of ending) {
    const week = weeks[Math.floor(calendarDaysBetween(first, p.validUntil) / 7)];
    week.ending += 1;
    if (p.renewed) week.renewed += 1;
    if (ordered.has(periodKey(p))) week.renewalOrdered += 1;
  }
  return weeks;
}

/** Holders of a mandate in force today (not revoked), per department × theme; only cells with holders. */
export function coverageCells(periods: readonly RegisterPeriod[], departmentOf: (subjectId: string) => string, today: IsoDate): ReportData['coverage']['cells'] {
  const holders = new Map<string, Set<string>>();
  for (const p of periods) {
    if (p.revokedAt || p.validFrom > today || p.validUntil < today) continue;
    const key = `${departmentOf(p.subjectId)}\n${p.themeId}`;
    holders.set(key, (holders.get(key) ?? new Set()).add(p.subjectId));
  }
  return [...holders.entries()].map(([key, set]) => {
    const [department, themeId] = key.split('\n');
    return { department, themeId, holders: set.size };
  }).sort((a, b) => a.department.localeCompare(b.department, 'fi') || a.themeId.localeCompare(b.themeId));
}

// ---------------------------------------------------------------------------------------------------------
// Tables (what the table view shows and the CSV holds)

const pathName = (tr: Translate, path: 1 | 2): string => tr(path === 1 ? 'reports.path.1' : 'reports.path.2');

export function reportTables(data: Omit<ReportData, 'tables'>, tr: Translate): Record<ReportView, ReportTable> {
  const { path1, path2 } = data.leadTimes;
  const themeName = new Map(data.coverage.themes.map((t) => [t.id, t.name]));
  return {
    leadTimes: {
      columns: [tr('reports.col.path'), tr('reports.col.week'), tr('reports.col.count'), tr('reports.col.median'), tr('reports.col.p90'), tr('reports.col.unit')],
      rows: ([[1, path1], [2, path2]] as const).flatMap(([path, s]) => s.weekly.map((w) =>
        [pathName(tr, path), w.week, w.count, w.median, w.p90, tr(s.unit === 'workingDays' ? 'reports.unit.workingDays' : 'reports.unit.weeks')])),
    },
    openWork: {
      columns: [tr('reports.col.number'), tr('reports.col.path'), tr('reports.col.state'), tr('reports.col.age'), tr('reports.col.due'),
        tr('reports.col.overdue'), tr('reports.col.holder')],
      rows: data.openWork.orders.map((o) => [o.number, pathName(tr, o.path), tr(`reports.state.${o.state}`), o.ageWorkingDays, o.dueDate, o.daysOverdue, o.holder ?? '']),
    },
    expiring: {
      columns: [tr('reports.col.week'), tr('reports.col.ending'), tr('reports.col.renewalOrdered'), tr('reports.col.renewed')],
      rows: data.expiring.weeks.map((w) => [w.week, w.ending, w.renewalOrdered, w.renewed]),
    },
    coverage: {
      columns: [tr('reports.col.department'), tr('reports.col.theme'), tr('reports.col.holders')],
      rows: data.coverage.cells.map((c) => [c.department, themeName.get(c.themeId) ?? c.themeId, c.holders]),
    },
  };
}
