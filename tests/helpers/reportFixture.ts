/**
 * A hand-made answer of `GET /reports/api/data` (bot/domain/reportsContract.ts) for the page's own tests: every
 * view has numbers, one department's name is an HTML injection attempt, one order's card link is a javascript: URL.
 */
import type { ReportData } from '../../bot/domain/reportsContract';
import { fi } from '../../bot/i18n/fi';

export const HOSTILE_DEPARTMENT = '<img src=x onerror="window.__pwned=1">';

export function sampleReport(department?: string): ReportData {
  const scale = department ? 1 : 3;
  const departments = ['Kasvatus ja opetus', 'Sosiaali- ja terveys', HOSTILE_DEPARTMENT];
  const weeks = Array.from({ length: 13 }, (_, i) => {
    const d = new Date(Date.UTC(2026, 10, 30 + 7 * i));
    return { week: d.toISOString().slice(0, 10), ending: (i % 4) * scale + 1, renewalOrdered: i % 2, renewed: i % 3 === 0 ? 1 : 0 };
  });
  const path1 = { unit: 'workingDays' as const, target: { max: 3 }, values: [0.5, 1, 1.2, 2, 2.5, 3, 4.5, 6].slice(0, 4 + scale), total: 4 + scale, withinTarget: Math.min(4 + scale, 6),
    weekly: [{ week: '2026-10-05', count: 3, median: 1.2, p90: 2.5 }, { week: '2026-10-12', count: 4, median: 2, p90: 4.1 }] };
  const path2 = { unit: 'weeks' as const, target: { min: 4, max: 6 }, values: [3.5, 4.2, 5, 5.5, 7].slice(0, 2 + scale), total: 2 + scale, withinTarget: Math.min(scale + 1, 3),
    weekly: [{ week: '2026-10-05', count: 2, median: 4.6, p90: 5.4 }] };
  const orders: ReportData['openWork']['orders'] = [
    { orderId: 'o1', number: 'VB-0007', path: 1, state: 'administrator', ageWorkingDays: 9, dueDate: '2026-11-20', daysOverdue: 6, holder: 'Aino Ylläpitäjä',
      cardUrl: 'https://teams.microsoft.com/l/message/19%3Atilaukset/1' },
    { orderId: 'o2', number: 'VB-0009', path: 2, state: 'dvv', ageWorkingDays: 4, dueDate: '2027-01-05', daysOverdue: 0, cardUrl: 'javascript:window.__pwned=2' },
    { orderId: 'o3', number: 'VB-0011', path: 1, state: 'manager', ageWorkingDays: 1, dueDate: '2026-12-02', daysOverdue: 0, holder: HOSTILE_DEPARTMENT },
  ];
  const labels = Object.fromEntries(Object.entries(fi).filter(([k]) => k.startsWith('reports.')));
  return {
    generatedAt: '2026-11-30T08:00:00.000Z',
    local: true,
    filters: { from: '2025-12-01', to: '2026-11-30', ...(department ? { department } : {}) },
    departments,
    labels,
    leadTimes: { path1, path2 },
    openWork: {
      byAge: [{ bucket: '0–3', path1: 1, path2: 0 }, { bucket: '4–10', path1: 1, path2: scale }, { bucket: '11–30', path1: 0, path2: 0 }, { bucket: '31+', path1: 0, path2: 0 }],
      byState: [{ state: 'requester', count: 0 }, { state: 'manager', count: 1 }, { state: 'signatory', count: 0 }, { state: 'dvv', count: 1 }, { state: 'administrator', count: scale }],
      byHolder: [{ holder: 'Aino Ylläpitäjä', count: scale }, { holder: HOSTILE_DEPARTMENT, count: 1 }, { holder: '', count: 1 }],
      orders,
    },
    expiring: { weeks },
    coverage: {
      themes: [{ id: 't1', name: 'Palkkatietojen ilmoittaminen' }, { id: 't2', name: 'Veroilmoittaminen' }],
      departments,
      cells: [{ department: departments[0], themeId: 't1', holders: 2 * scale }, { department: departments[1], themeId: 't2', holders: 1 }, { department: HOSTILE_DEPARTMENT, themeId: 't1', holders: 1 }],
      reviews: [{ department: departments[0], asked: 5, answered: 3, overdue: 1 }, { department: departments[1], asked: 2, answered: 2, overdue: 0 }],
    },
    tables: {
      leadTimes: { columns: ['Polku', 'Valmistuneita', 'Tavoitteessa'], rows: [['Polku 1', path1.total, path1.withinTarget], ['Polku 2', path2.total, path2.withinTarget]] },
      openWork: { columns: ['Tilaus', 'Polku', 'Ikä'], rows: orders.map((o) => [o.number, o.path, o.ageWorkingDays]) },
      expiring: { columns: ['Viikko', 'Päättyy', 'Jatko tilattu', 'Jatkettu'], rows: weeks.map((w) => [w.week, w.ending, w.renewalOrdered, w.renewed]) },
      coverage: { columns: ['Toimiala', 'Valtuusasia', 'Haltijoita'], rows: [[departments[0], 'Palkkatietojen ilmoittaminen', 2 * scale], [HOSTILE_DEPARTMENT, 'Palkkatietojen ilmoittaminen', 1]] },
    },
  };
}

/** The same report with nothing in it: no completed lines, no open orders, nothing ending, no holders. */
export function emptyReport(department: string): ReportData {
  const r = sampleReport(department);
  for (const s of [r.leadTimes.path1, r.leadTimes.path2]) Object.assign(s, { values: [], total: 0, withinTarget: 0, weekly: [] });
  r.openWork = { byAge: r.openWork.byAge.map((b) => ({ ...b, path1: 0, path2: 0 })), byState: r.openWork.byState.map((x) => ({ ...x, count: 0 })), byHolder: [], orders: [] };
  r.expiring.weeks = r.expiring.weeks.map((w) => ({ ...w, ending: 0, renewalOrdered: 0, renewed: 0 }));
  r.coverage = { ...r.coverage, cells: [], reviews: [] };
  for (const view of Object.keys(r.tables) as Array<keyof ReportData['tables']>) r.tables[view] = { columns: r.tables[view].columns, rows: [] };
  return r;
}

/** The CSV the server would send for a table (semicolons, every cell quoted, BOM): enough for the page's download test. */
export function csvOf(table: { columns: string[]; rows: Array<Array<string | number>> }): string {
  const line = (cells: Array<string | number>) => cells.map((c) => `"${String(c).replace(/"/g, '""')}"`).join(';');
  return `\uFEFF${[line(table.columns), ...table.rows.map(line)].join('\r\n')}\r\n`;
}
