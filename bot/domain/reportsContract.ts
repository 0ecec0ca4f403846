/**
 * The reports tab's data contract (issue #13): what `GET /reports/api/data` answers and the page draws. Types only
 * (the page's bundle imports them too, so nothing here may pull in Node or an SDK). The server builds it
 * (bot/services/reports.ts from the store, bot/domain/reports.ts for the arithmetic); the page renders a chart and
 * a table from each view, and the CSV of a view (`GET /reports/api/csv?view=…`) is exactly that view's table.
 */

export type IsoDate = string;

/** The four views of the tab, in the order the page shows them. */
export const REPORT_VIEWS = ['leadTimes', 'openWork', 'expiring', 'coverage'] as const;
export type ReportView = (typeof REPORT_VIEWS)[number];

/** The filters a request carries (query string `from`, `to`, `department`, `lang`), as the server understood them. */
export interface ReportFilters {
  /** Completed work and lead times are counted from `from` to `to` (both included; default: the last 12 months). */
  from: IsoDate;
  to: IsoDate;
  /** A department's name exactly as the directory has it; absent = the whole organisation. */
  department?: string;
}

/** A table view of a chart: the same numbers, already in the reader's language (the CSV is these rows). */
export interface ReportTable {
  columns: string[];
  rows: Array<Array<string | number>>;
}

/** One path's lead times: each completed order line's time, the target, and per week the median and 90th percentile. */
export interface LeadTimeSeries {
  /** Path 1 (the organisation holds the theme) in working days; path 2 (DVV application first) in weeks. */
  unit: 'workingDays' | 'weeks';
  /** The target: path 1 at most `max` working days; path 2 from `min` to `max` weeks. */
  target: { min?: number; max: number };
  /** Every completed line's lead time in `unit` (one decimal), for the distribution. */
  values: number[];
  total: number;
  withinTarget: number;
  /** Per ISO week (Monday) of the range, weeks with no completed line left out. */
  weekly: Array<{ week: IsoDate; count: number; median: number; p90: number }>;
}

/** Where an open order waits. */
export type OpenState = 'requester' | 'manager' | 'signatory' | 'dvv' | 'administrator';

export interface OpenOrderRow {
  orderId: string;
  number: string;
  path: 1 | 2;
  state: OpenState;
  /** Working days since it was submitted. */
  ageWorkingDays: number;
  /** The target day (path 1: 3 working days after submit; path 2: 6 weeks), and how far past it (0 = not yet due). */
  dueDate: IsoDate;
  daysOverdue: number;
  /** The administrator who claimed it (display name), if any. */
  holder?: string;
  /** A link that opens the order's card in the administrators' channel in Teams, when the card was posted. */
  cardUrl?: string;
}

export interface ReportData {
  generatedAt: string;
  /** Local mode (no Teams sign-in): the page says so. */
  local: boolean;
  filters: ReportFilters;
  /** The departments the filter offers (the directory's, sorted). */
  departments: string[];
  /** Every text the page shows, in the reader's language (keys `reports.*` of bot/i18n). */
  labels: Record<string, string>;
  leadTimes: { path1: LeadTimeSeries; path2: LeadTimeSeries };
  openWork: {
    /** Age buckets in working days: 0–3, 4–10, 11–30, 31+. */
    byAge: Array<{ bucket: string; path1: number; path2: number }>;
    byState: Array<{ state: OpenState; count: number }>;
    /** Who holds what: open orders per claiming administrator ('' = not claimed). */
    byHolder: Array<{ holder: string; count: number }>;
    /** Every open order, past their due date first (most overdue first), then by age. */
    orders: OpenOrderRow[];
  };
  expiring: {
    /** The next 13 ISO weeks (about 90 days): register entries ending in each, and how many have a renewal ordered or recorded. */
    weeks: Array<{ week: IsoDate; ending: number; renewalOrdered: number; renewed: number }>;
  };
  coverage: {
    /** Mandates in force by department × theme (only cells with holders). */
    themes: Array<{ id: string; name: string }>;
    departments: string[];
    cells: Array<{ department: string; themeId: string; holders: number }>;
    /** The current review round's progress per department. */
    reviews: Array<{ department: string; asked: number; answered: number; overdue: number }>;
  };
  /** The table view of each chart (the CSV of a view is its table). */
  tables: Record<ReportView, ReportTable>;
}
