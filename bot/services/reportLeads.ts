/**
 * The reports tab's lead times (issue #13) from weekly partitions instead of every order's number row: the order
 * store records each order's granted lines in the partition of their grant's ISO week (`lead|<Monday>`, written with
 * the order's other index rows), and a week that has closed — its Sunday two days past, so no grant of it is still
 * being written — gets a summary row once: every line's lead time already computed, with its grant instant, day and
 * department. A grant confirmed in week W can never later change W's facts, so a summary is never recomputed; the
 * open weeks (this one, the last one) are read from their rows each time.
 *
 * The answer is exactly what leadTimeSeries gives over the facts the number rows hold (see OrderStore.indexLeads
 * for the orders written before): the same range of grant days, and the same orders (numbered from the year before
 * `from` to the year of `to`, submitted by `to`).
 */
import type { Deps } from './deps';
import { isoWeek, leadTime, type LeadPoint } from '../domain/reports';
import { addCalendarDays, helsinkiDate, type IsoDate } from '../domain/workdays';
import type { ReportFilters } from '../domain/reportsContract';
import { stringIndex } from '../domain/reportViews';
import type { LeadWeekRow } from '../store/orderStore';
import { mapLimit } from '../store/mapLimit';

/** A lead point with what the range filter needs of its order: the year of its number and the day it came in (UTC, as the number row's createdAt). */
export interface ReportLeadPoint extends LeadPoint { year: number; created: IsoDate }

/** Days after a week's Monday from which it is closed: its Sunday + 2 (a grant confirmed late on Sunday has long been written). */
const CLOSED_AFTER_DAYS = 8;
/** Weeks read at once. */
const WEEKS_AT_ONCE = 8;
/** A summary longer than this is not saved (the row would near Table Storage's 1 MiB): that week is read from its rows. */
const MAX_SUMMARY_CHARS = 400_000;
const SUMMARY_FORMAT = 1;

/**
 * The closed weeks' points this process has read or summarised, per order store: a closed week's summary never
 * changes once saved (its facts cannot), so holding it is holding what the store holds.
 */
const held = new WeakMap<object, Map<IsoDate, ReportLeadPoint[]>>();

/** The lead points of the lines granted from `filters.from` to `filters.to` (of every department: the caller filters). */
export async function leadPoints(deps: Pick<Deps, 'orders'>, filters: ReportFilters, today: IsoDate): Promise<ReportLeadPoint[]> {
  const weeks: IsoDate[] = [];
  for (let w = isoWeek(filters.from), last = isoWeek(filters.to); w <= last; w = addCalendarDays(w, 7)) weeks.push(w);
  if (!weeks.length) return [];
  const mine = held.get(deps.orders) ?? new Map<IsoDate, ReportLeadPoint[]>();
  held.set(deps.orders, mine);
  const unknown = weeks.filter((w) => !mine.has(w));
  const summaries = unknown.length ? await deps.orders.leadSummaries(unknown[0], unknown[unknown.length - 1]) : new Map<string, string>();
  const perWeek = await mapLimit(weeks, WEEKS_AT_ONCE, async (week) => {
    const copy = mine.get(week);
    if (copy) return copy;
    const saved = summaries.get(week);
    const points = saved === undefined ? undefined : parseSummary(saved, week);
    if (points) {
      mine.set(week, points);
      return points;
    }
    const fresh = weekPoints(await deps.orders.leadWeek(week));
    if (addCalendarDays(week, CLOSED_AFTER_DAYS) <= today) {
      const json = summaryJson(week, fresh);
      if (json.length <= MAX_SUMMARY_CHARS) await deps.orders.saveLeadSummary(week, json);
      // Closed: these facts cannot change (a summary saved first by another instance holds the same).
      mine.set(week, fresh);
    }
    return fresh;
  });
  const firstYear = Number(filters.from.slice(0, 4)) - 1;
  const lastYear = Number(filters.to.slice(0, 4));
  return perWeek.flat().filter((p) => p.day >= filters.from && p.day <= filters.to && p.year >= firstYear && p.year <= lastYear && p.created <= filters.to);
}

/** A week's points from its order rows. */
export function weekPoints(rows: readonly LeadWeekRow[]): ReportLeadPoint[] {
  return rows.flatMap((r) => r.leads.map((l): ReportLeadPoint => ({
    path: l.path, grantedAt: l.grantedAt, day: helsinkiDate(new Date(l.grantedAt)), department: r.department,
    value: leadTime({ path: l.path, submittedAt: r.createdAt, grantedAt: l.grantedAt }),
    year: Number(/^VB-(\d{4})-/.exec(r.number)?.[1] ?? 0), created: r.createdAt.slice(0, 10),
  })));
}

/** One point of a summary: [grantedAt, day, path (1 = existing, 2 = missing), department index, value, year, created]. */
type SummaryPoint = [string, IsoDate, 1 | 2, number, number, number, IsoDate];

function summaryJson(week: IsoDate, points: readonly ReportLeadPoint[]): string {
  const { values: departments, of: departmentIndex } = stringIndex();
  const encoded = points.map((p): SummaryPoint => [p.grantedAt, p.day, p.path === 'existing' ? 1 : 2, departmentIndex(p.department), p.value, p.year, p.created]);
  return JSON.stringify({ v: SUMMARY_FORMAT, week, departments, points: encoded });
}

/** A saved summary's points, or undefined when it does not read as this week's (then the week's rows are read). */
function parseSummary(json: string, week: IsoDate): ReportLeadPoint[] | undefined {
  try {
    const s = JSON.parse(json) as { v?: unknown; week?: unknown; departments?: unknown; points?: unknown };
    if (s.v !== SUMMARY_FORMAT || s.week !== week || !Array.isArray(s.departments) || !Array.isArray(s.points)) return undefined;
    const departments = s.departments as string[];
    return (s.points as SummaryPoint[]).map(([grantedAt, day, path, d, value, year, created]) => ({
      path: path === 1 ? 'existing' : 'missing', grantedAt, day, department: departments[d] ?? '', value, year, created,
    }));
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}
