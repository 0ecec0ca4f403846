/**
 * The reports tab's data (issue #13): the policy first, then reads that each name their partition — the open orders
 * (`num|<year>` rows filtered on status), the lead times of the range's weeks (closed weeks' summaries and the open
 * weeks' `lead|<week>` rows, ./reportLeads.ts), every catalog theme's report view of the day (one range read of the
 * `roster|<theme>` partitions' `report` rows; a stale one computed again from its roster, ./reportViews.ts), the
 * review tasks and answers — and the arithmetic of bot/domain/reports.ts and reportViews.ts over them.
 */
import type { Deps } from './deps';
import { reviewProgressData } from './reviewQueries';
import { may, type Actor } from '../domain/policies';
import type { Order } from '../domain/order';
import { isLineDone } from '../domain/lifecycle';
import { helsinkiDate } from '../domain/workdays';
import type { ReportData, ReportFilters } from '../domain/reportsContract';
import { leadTimeSeriesOf, openOrderRow, openWork, reportTables, type OrderedRenewal } from '../domain/reports';
import { registerReport } from '../domain/reportViews';
import { themeReportViews } from './reportViews';
import { leadPoints } from './reportLeads';
import { fi } from '../i18n/fi';
import { t, translator, type Lang, type MessageKey } from '../i18n';

export type ReportDeps = Pick<Deps, 'orders' | 'grants' | 'directory' | 'directoryState' | 'catalog' | 'tasks' | 'reviews' | 'config' | 'now'>;

export async function reportData(deps: ReportDeps, actor: Actor, filters: ReportFilters, lang: Lang): Promise<ReportData | 'notAllowed'> {
  if (!may(actor, 'viewReports')) return 'notAllowed';
  const today = helsinkiDate(deps.now());
  const themes = await deps.catalog.themes();
  const [open, leads, { views }, reviews] = await Promise.all([
    deps.orders.listOpen(), leadPoints(deps, filters, today), themeReportViews(deps, [...themes.keys()], today), reviewProgressData(deps),
  ]);
  const inDepartment = (department: string): boolean => filters.department === undefined || department === filters.department;

  const openRows = open.filter((o) => inDepartment(o.subject.department)).map((o) => openOrderRow(o, today, cardUrl(o)));
  const myLeads = leads.filter((f) => inDepartment(f.department));
  const register = registerReport(views, orderedRenewals(open), today, filters.department);
  const cells = register.cells;
  const themeIds = new Set(cells.map((c) => c.themeId));
  const data: Omit<ReportData, 'tables'> = {
    generatedAt: deps.now().toISOString(),
    local: deps.config.mode === 'local',
    filters,
    departments: sortedDepartments([...register.departments, ...open.map((o) => o.subject.department),
      ...leads.map((f) => f.department), ...reviews.rows.map((r) => r.department)]),
    labels: labels(lang),
    leadTimes: { path1: leadTimeSeriesOf(myLeads, 'existing'), path2: leadTimeSeriesOf(myLeads, 'missing') },
    openWork: openWork(openRows),
    expiring: { weeks: register.weeks },
    coverage: {
      themes: [...themeIds].map((id) => ({ id, name: themes.get(id)?.name[lang] || themes.get(id)?.name.fi || id }))
        .sort((a, b) => a.name.localeCompare(b.name, lang)),
      departments: sortedDepartments(cells.map((c) => c.department)),
      cells,
      reviews: reviews.rows.filter((r) => inDepartment(r.department))
        .map((r) => ({ department: r.department, asked: r.open + r.answered, answered: r.answered, overdue: r.overdue })),
    },
  };
  return { ...data, tables: reportTables(data, translator(lang)) };
}

/** Every text of the tab in the reader's language (the `reports.*` keys). */
function labels(lang: Lang): Record<string, string> {
  const keys = (Object.keys(fi) as MessageKey[]).filter((k) => k.startsWith('reports.'));
  return Object.fromEntries(keys.map((k) => [k, t(lang, k)]));
}

function sortedDepartments(names: readonly string[]): string[] {
  return [...new Set(names.filter(Boolean))].sort((a, b) => a.localeCompare(b, 'fi'));
}

/** A link that opens the order's card in the administrators' channel, when the card was posted. */
function cardUrl(order: Order): string | undefined {
  if (!order.adminCard?.activityId) return undefined;
  // A channel conversation id may carry the thread's root (`19:…@thread.tacv2;messageid=…`): the channel is before it.
  const channel = order.adminCard.conversationId.split(';')[0];
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channel)}/${encodeURIComponent(order.adminCard.activityId)}`;
}

/** Renewals ordered: the open orders' unfinished lines that continue a register entry. */
function orderedRenewals(open: readonly Order[]): OrderedRenewal[] {
  return open.flatMap((o) => o.lines.flatMap((l) => (l.continuationOf && l.themeId && !isLineDone(l)
    ? [{ subjectId: o.subject.id, themeId: l.themeId, validFrom: l.continuationOf.validFrom, validUntil: l.continuationOf.validUntil }] : [])));
}
