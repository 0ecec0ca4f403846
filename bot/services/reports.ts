/**
 * The reports tab's data (issue #13): the policy first, then reads that each name their partition — the open orders
 * (`num|<year>` rows filtered on status), the number index rows of the years the range touches (their lead-time
 * facts), each catalog theme's roster (`roster|<theme>`), the review tasks and answers — and the arithmetic of
 * bot/domain/reports.ts over them. People's departments come from the directory.
 */
import type { Deps } from './deps';
import { reviewProgressData } from './reviewQueries';
import { may, type Actor } from '../domain/policies';
import type { Order } from '../domain/order';
import { isLineDone } from '../domain/lifecycle';
import { helsinkiDate, type IsoDate } from '../domain/workdays';
import type { ReportData, ReportFilters } from '../domain/reportsContract';
import {
  coverageCells, expiringWeeks, leadTimeSeries, openOrderRow, openWork, reportTables, type LeadFact, type OrderedRenewal, type RegisterPeriod,
} from '../domain/reports';
import type { LeadRow } from '../store/orderStore';
import { mapLimit } from '../store/mapLimit';
import { fi } from '../i18n/fi';
import { t, translator, type Lang, type MessageKey } from '../i18n';

export type ReportDeps = Pick<Deps, 'orders' | 'grants' | 'directory' | 'catalog' | 'tasks' | 'reviews' | 'config' | 'now'>;

/** How many directory look-ups run at once (each person once per answer). */
const DIRECTORY_READS = 16;

export async function reportData(deps: ReportDeps, actor: Actor, filters: ReportFilters, lang: Lang): Promise<ReportData | 'notAllowed'> {
  if (!may(actor, 'viewReports')) return 'notAllowed';
  const today = helsinkiDate(deps.now());
  const [open, leads, periods, reviews, themes] = await Promise.all([
    deps.orders.listOpen(), leadFacts(deps, filters), registerPeriods(deps), reviewProgressData(deps), deps.catalog.themes(),
  ]);
  const departmentOf = await holderDepartments(deps, periods);
  const inDepartment = (department: string): boolean => filters.department === undefined || department === filters.department;

  const openRows = open.filter((o) => inDepartment(o.subject.department)).map((o) => openOrderRow(o, today, cardUrl(o)));
  const myPeriods = periods.filter((p) => inDepartment(departmentOf(p.subjectId)));
  const myLeads = leads.filter((f) => inDepartment(f.department));
  const cells = coverageCells(myPeriods, departmentOf, today);
  const themeIds = new Set(cells.map((c) => c.themeId));
  const data: Omit<ReportData, 'tables'> = {
    generatedAt: deps.now().toISOString(),
    local: deps.config.mode === 'local',
    filters,
    departments: sortedDepartments([...periods.map((p) => departmentOf(p.subjectId)), ...open.map((o) => o.subject.department),
      ...leads.map((f) => f.department), ...reviews.rows.map((r) => r.department)]),
    labels: labels(lang),
    leadTimes: { path1: leadTimeSeries(myLeads, 'existing'), path2: leadTimeSeries(myLeads, 'missing') },
    openWork: openWork(openRows),
    expiring: { weeks: expiringWeeks(myPeriods, orderedRenewals(open), today) },
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

/** Every register period of the catalog's themes, from their rosters (compact, not the per-day end-date partitions). */
async function registerPeriods(deps: ReportDeps): Promise<RegisterPeriod[]> {
  const rosters = await deps.grants.rosters([...(await deps.catalog.themes()).keys()]);
  return [...rosters].flatMap(([themeId, holders]) => holders.flatMap((h) => h.periods.map((p) => ({ subjectId: h.subjectId, themeId, ...p }))));
}

/** Each holder's department as the directory has it now ('' for someone it does not know). */
async function holderDepartments(deps: ReportDeps, periods: readonly RegisterPeriod[]): Promise<(subjectId: string) => string> {
  const ids = [...new Set(periods.map((p) => p.subjectId))];
  const users = await mapLimit(ids, DIRECTORY_READS, (id) => deps.directory.getUser(id));
  const byId = new Map(ids.map((id, i) => [id, users[i]?.department ?? '']));
  return (id) => byId.get(id) ?? '';
}

/**
 * The granted lines whose grant was confirmed within the range: from the number index rows of the years an order
 * granted then could have been submitted in (the year before `from` on: path 2 takes weeks). A row written before
 * the facts were kept is completed by reading its order (and, for a line granted before `grantedAt`, its audit trail).
 */
async function leadFacts(deps: ReportDeps, filters: ReportFilters): Promise<LeadFact[]> {
  const first = Number(filters.from.slice(0, 4)) - 1;
  const last = Number(filters.to.slice(0, 4));
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const rows = (await Promise.all(years.map((y) => deps.orders.leadRows(y)))).flat().filter((r) => r.createdAt.slice(0, 10) <= filters.to);
  const known = rows.filter((r) => r.leads);
  const old = rows.filter((r) => !r.leads && r.status !== 'awaitingApproval' && r.status !== 'declined');
  const completed = await mapLimit(old, 16, (r) => factsOfOrder(deps, r));
  const facts = [
    ...known.flatMap((r) => (r.leads ?? []).map((l) => ({ path: l.path, submittedAt: r.createdAt, grantedAt: l.grantedAt, department: r.department }))),
    ...completed.flat(),
  ];
  return facts.filter((f) => {
    const day: IsoDate = helsinkiDate(new Date(f.grantedAt));
    return day >= filters.from && day <= filters.to;
  });
}

async function factsOfOrder(deps: ReportDeps, row: LeadRow): Promise<LeadFact[]> {
  const order = (await deps.orders.get(row.orderId))?.order;
  const granted = order?.lines.map((line, index) => ({ line, index })).filter(({ line }) => line.stage === 'granted') ?? [];
  if (!order || !granted.length) return [];
  const trail = granted.some(({ line }) => !line.grantedAt) ? await deps.orders.auditTrail(order.id) : [];
  return granted.flatMap(({ line, index }) => {
    const grantedAt = line.grantedAt ?? trail.find((e) => e.action === 'confirmGrant' && e.from === `line${index}:toGrant`)?.at;
    return grantedAt ? [{ path: line.path, submittedAt: order.createdAt, grantedAt, department: order.subject.department }] : [];
  });
}
