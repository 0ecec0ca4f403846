/**
 * The reports tab's register part (coverage and expiring entries, issue #13) from per-theme views of a day instead
 * of every roster: `themeReport` condenses one theme's roster into what the answer needs of it on that day, and
 * `registerReport` puts the views of every theme together into exactly what `coverageCells` and `expiringWeeks`
 * (reports.ts) give over all the periods — for the whole organisation or one department. Pure: the store keeps the
 * views (bot/services/reportViews.ts decides when one is still good).
 */
import { EXPIRING_WEEKS, coverageCells, expiringWeeksOf, isoWeek, type OrderedRenewal, type RegisterPeriod } from './reports';
import type { ReportData } from './reportsContract';
import { addCalendarDays, type IsoDate } from './workdays';

/** One entry ending in the 13-week window: holder, period, index of the holder's department, renewed (1) or not (0). */
export type EndingEntry = [subjectId: string, validFrom: IsoDate, validUntil: IsoDate, department: number, renewed: 0 | 1];

/** A theme's view of a day: what the reports tab needs of its roster on that day (departments as the directory had them). */
export interface ThemeReport {
  /** The day the view holds (in-force and ending are relative to it). */
  day: IsoDate;
  /** The departments of the theme's holders (of any period, revoked and past included; '' = unknown to the directory). */
  departments: string[];
  /** Holders with a mandate in force on the day, per department (index into `departments`): only departments with holders. */
  coverage: Array<[department: number, holders: number]>;
  /** The entries (not revoked) ending from the day to the end of the 13th ISO week from the day's week. */
  ending: EndingEntry[];
}

/** A holder of the theme with their periods of it (a roster's holder). */
export interface RosterHolder { subjectId: string; periods: ReadonlyArray<{ validFrom: IsoDate; validUntil: IsoDate; revokedAt?: string }> }

/** Strings numbered in the order first seen (a saved view names each department once and points at it by number). */
export function stringIndex(): { values: string[]; of: (value: string) => number } {
  const values: string[] = [];
  const numbers = new Map<string, number>();
  return {
    values,
    of: (value) => {
      let i = numbers.get(value);
      if (i === undefined) { i = values.length; values.push(value); numbers.set(value, i); }
      return i;
    },
  };
}

/** The theme's view of `day` from its roster, each holder's department as `departmentOf` says. */
export function themeReport(themeId: string, holders: readonly RosterHolder[], departmentOf: (subjectId: string) => string, day: IsoDate): ThemeReport {
  const { values: departments, of: index } = stringIndex();
  const periods: RegisterPeriod[] = holders.flatMap((h) => h.periods.map((p) => ({ subjectId: h.subjectId, themeId, ...p })));
  const cells = coverageCells(periods, departmentOf, day);
  const coverage = cells.map((c): [number, number] => [index(c.department), c.holders]);
  for (const h of holders) if (h.periods.length) index(departmentOf(h.subjectId));
  const last = lastExpiringDay(day);
  const starts = new Map<string, IsoDate[]>();
  for (const p of periods) if (!p.revokedAt) starts.set(p.subjectId, [...(starts.get(p.subjectId) ?? []), p.validFrom]);
  const ending = periods.filter((p) => !p.revokedAt && p.validUntil >= day && p.validUntil <= last)
    .map((p): EndingEntry => [p.subjectId, p.validFrom, p.validUntil, index(departmentOf(p.subjectId)),
      (starts.get(p.subjectId) ?? []).some((from) => from > p.validFrom) ? 1 : 0])
    .sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return { day, departments, coverage, ending };
}

/** The last day the expiring view counts: the end (Sunday) of the 13th ISO week from the day's week. */
export function lastExpiringDay(day: IsoDate): IsoDate {
  return addCalendarDays(isoWeek(day), 7 * EXPIRING_WEEKS - 1);
}

/**
 * The register part of the answer from every theme's view of `today`: the coverage cells and the expiring weeks of
 * the department (or all), and the departments of every holder (for the filter). Equals coverageCells and
 * expiringWeeks over all the themes' periods (tests/unit/reportViews.test.ts checks it on random registers).
 */
export function registerReport(views: ReadonlyMap<string, ThemeReport>, renewals: readonly OrderedRenewal[], today: IsoDate, department?: string): {
  cells: ReportData['coverage']['cells']; weeks: ReportData['expiring']['weeks']; departments: string[];
} {
  const mine = (d: string): boolean => department === undefined || d === department;
  const cells: ReportData['coverage']['cells'] = [];
  const ending: Array<Omit<RegisterPeriod, 'revokedAt'> & { renewed: boolean }> = [];
  const departments = new Set<string>();
  for (const [themeId, view] of views) {
    if (view.day !== today) throw new Error(`the report view of ${themeId} is of ${view.day}, not ${today}`);
    for (const d of view.departments) departments.add(d);
    for (const [d, holders] of view.coverage) if (mine(view.departments[d])) cells.push({ department: view.departments[d], themeId, holders });
    for (const [subjectId, validFrom, validUntil, d, isRenewed] of view.ending) {
      if (!mine(view.departments[d])) continue;
      ending.push({ subjectId, themeId, validFrom, validUntil, renewed: isRenewed === 1 });
    }
  }
  cells.sort((a, b) => a.department.localeCompare(b.department, 'fi') || a.themeId.localeCompare(b.themeId));
  return { cells, weeks: expiringWeeksOf(ending, renewals, today), departments: [...departments] };
}
