/** The page's side of the data contract: the filters in the URL, the query string, the two fetches. */
import { REPORT_VIEWS, type ReportData, type ReportView } from '../../bot/domain/reportsContract';

export interface Filters { from?: string; to?: string; department?: string }

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The server bounds its query strings; a longer department name cannot be one it offered. */
const DEPARTMENT_MAX = 200;

/** The filters a URL carries (a shared or reloaded link keeps its view); anything malformed is dropped. */
export function filtersFrom(params: URLSearchParams): Filters {
  const out: Filters = {};
  const from = params.get('from');
  const to = params.get('to');
  const department = params.get('department');
  if (from && ISO_DATE.test(from)) out.from = from;
  if (to && ISO_DATE.test(to)) out.to = to;
  if (department && department.length <= DEPARTMENT_MAX) out.department = department;
  return out;
}

/** `from=…&to=…&department=…&lang=…`, only what is set. */
export function queryOf(filters: Filters, lang: string): URLSearchParams {
  const q = new URLSearchParams();
  if (filters.from) q.set('from', filters.from);
  if (filters.to) q.set('to', filters.to);
  if (filters.department) q.set('department', filters.department);
  q.set('lang', lang);
  return q;
}

export class ApiError extends Error {
  constructor(readonly status: number) { super(`HTTP ${status}`); }
}

function headers(token: string | undefined): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function fetchData(query: URLSearchParams, token: string | undefined): Promise<ReportData> {
  const res = await fetch(`/reports/api/data?${query}`, { headers: { Accept: 'application/json', ...headers(token) }, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status);
  const data = (await res.json()) as ReportData;
  // The least the page needs to draw; a different shape is a server of another version, not something to draw.
  if (!data || typeof data !== 'object' || !data.tables || !REPORT_VIEWS.every((v) => Array.isArray(data.tables[v]?.rows))) throw new ApiError(502);
  return data;
}

/** Fetches a view's CSV with the token (a plain link could not send it) and hands it to the browser as a download. */
export async function downloadCsv(view: ReportView, query: URLSearchParams, token: string | undefined): Promise<void> {
  const q = new URLSearchParams(query);
  q.set('view', view);
  const res = await fetch(`/reports/api/csv?${q}`, { headers: headers(token), cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${view}-${query.get('from') ?? ''}-${query.get('to') ?? ''}.csv`.replace(/--/g, '-');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
