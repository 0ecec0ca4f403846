/**
 * The reports tab's API (`GET /reports/api/data` and `/reports/api/csv`): who asks (a Teams SSO token in production,
 * the local user in local mode), what they ask for (the query string, parsed and bounded here), and the answer —
 * JSON, a CSV, or a short refusal. Never a 5xx with internal text; nothing is cached.
 */
import type { Logger } from 'pino';
import type { Deps } from '../services/deps';
import { reportData } from '../services/reports';
import { REPORT_VIEWS, type ReportData, type ReportFilters, type ReportView } from '../domain/reportsContract';
import { addCalendarDays, helsinkiDate, type IsoDate } from '../domain/workdays';
import { reportCsv } from '../presenters/reportsCsv';
import { isLang, t, type Lang } from '../i18n';
import { actorOf } from './turn';

export type ReportsRoute = 'data' | 'csv';

export interface ReportsRequest { route: ReportsRoute; query: URLSearchParams; authorization?: string }

/** What the server writes (bot/server.ts `FileAnswer`). */
export interface ReportsAnswer { status: number; body: string; headers: Record<string, string> }

/** Who signed in (bot/http/teamsSso.ts), as this handler needs it. */
export type ReportsSignIn = (authorization: string | undefined) => Promise<{ kind: 'user'; userId: string } | { kind: 'missing' | 'invalid' | 'unavailable' }>;

export interface ReportsApiOptions {
  deps: Deps & { log: Logger };
  /** Local mode (no MICROSOFT_APP_ID): the local user asks without a token. */
  local: boolean;
  /** Production: the token's verifier (without one, production refuses everyone). */
  signIn?: ReportsSignIn;
}

/** The longest range a request may ask for (three years and a leap day). */
const MAX_RANGE_DAYS = 3 * 365 + 1;
const MAX_DEPARTMENT = 200;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ReportQuery { filters: ReportFilters; lang: Lang; view?: ReportView }

/** A valid calendar date between the years 2000 and 2100, or undefined. */
function isoDate(value: string | null): IsoDate | undefined {
  if (value === null || !ISO_DATE.test(value)) return undefined;
  const year = Number(value.slice(0, 4));
  if (year < 2000 || year > 2100) return undefined;
  try {
    return addCalendarDays(value, 0);
  } catch {
    return undefined;
  }
}

/**
 * The query string as the service needs it, or 'bad' (with the reader's language) when a date, the range, the
 * department or the view is not acceptable. Absent dates: the last 12 months to today; an unknown language is Finnish.
 */
export function parseReportQuery(query: URLSearchParams, route: ReportsRoute, today: IsoDate): ReportQuery | { bad: Lang } {
  const raw = query.get('lang');
  const lang: Lang = isLang(raw) ? raw : 'fi';
  const bad = { bad: lang };
  const to = query.has('to') ? isoDate(query.get('to')) : today;
  const from = query.has('from') ? isoDate(query.get('from')) : to && addCalendarDays(to, -365);
  if (!from || !to || from > to || to > addCalendarDays(from, MAX_RANGE_DAYS)) return bad;
  const department = query.get('department')?.trim() ?? '';
  if (department.length > MAX_DEPARTMENT || /[\u0000-\u001f\u007f]/.test(department)) return bad;
  const filters: ReportFilters = { from, to, ...(department ? { department } : {}) };
  if (route === 'data') return { filters, lang };
  const view = query.get('view');
  return (REPORT_VIEWS as readonly string[]).includes(view ?? '') ? { filters, lang, view: view as ReportView } : bad;
}

const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ReportsAnswer =>
  ({ status, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE, ...headers } });

const text = (status: number, body: string, headers: Record<string, string> = {}): ReportsAnswer =>
  ({ status, body: `${body}\n`, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...NO_STORE, ...headers } });

const UNAUTHORIZED = (): ReportsAnswer => json(401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
const UNAVAILABLE = (): ReportsAnswer => json(503, { error: 'unavailable' }, { 'Retry-After': '10' });

export function reportsApi(o: ReportsApiOptions): (request: ReportsRequest) => Promise<ReportsAnswer> {
  const { deps } = o;
  return async (request) => {
    try {
      const userId = await whoAsks(o, request.authorization);
      if (typeof userId !== 'string') return userId;
      const query = parseReportQuery(request.query, request.route, helsinkiDate(deps.now()));
      if ('bad' in query) return text(400, t(query.bad, 'reports.error.badRequest'));
      const data = await reportData(deps, await actorOf(deps, userId), query.filters, query.lang);
      if (data === 'notAllowed') return json(403, { error: 'forbidden' });
      return query.view ? csvAnswer(data, query.view) : json(200, data);
    } catch (err) {
      deps.log.error({ err: (err as Error)?.name }, 'reports answer failed');
      return UNAVAILABLE();
    }
  };
}

/** The asking user's id, or the refusal to send. Local mode: the directory's first administrator (no sign-in there). */
async function whoAsks(o: ReportsApiOptions, authorization: string | undefined): Promise<string | ReportsAnswer> {
  if (o.local) {
    const [admin] = await o.deps.directory.listMembers('administrators');
    return admin ? admin.id : json(403, { error: 'forbidden' });
  }
  if (!o.signIn) return UNAUTHORIZED();
  const signedIn = await o.signIn(authorization);
  if (signedIn.kind === 'user') return signedIn.userId;
  if (signedIn.kind === 'unavailable') {
    o.deps.log.error('reports: the sign-in keys could not be fetched');
    return UNAVAILABLE();
  }
  return UNAUTHORIZED();
}

function csvAnswer(data: ReportData, view: ReportView): ReportsAnswer {
  const name = `valtuusbotti-${view}-${data.filters.from}-${data.filters.to}.csv`;
  return { status: 200, body: reportCsv(data.tables[view]),
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, ...NO_STORE } };
}
