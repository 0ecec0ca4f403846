/**
 * A targeted probe of the reports tab's data answer at full size (issue #13), without the whole bench: the register
 * of PROBE_PEOPLE × 5 entries (./seedRegister.ts) and PROBE_ORDERS completed orders (./seedReports.ts) in an in-memory
 * Azurite (seeding 200,000 entries takes a few minutes), then each read of the
 * answer timed on its own, and the answer itself: cold (no saved views or summaries), after one grant (one theme's
 * view stale), and warm.
 *
 *   npx tsc -b . && node dist/tests/bench/reportsProbe.js
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { odata } from '@azure/data-tables';
import { loadConfig } from '../../bot/config';
import { startApp } from '../../bot/main';
import { startAzurite } from '../../infra/local/azurite';
import { freePort } from '../../infra/local/ports';
import { Tables } from '../../bot/store/tables';
import type { TableOrderStore } from '../../bot/store/orderStore';
import { helsinkiDate, addCalendarDays } from '../../bot/domain/workdays';
import { mapLimit } from '../../bot/store/mapLimit';
import { reviewProgressData } from '../../bot/services/reviewQueries';
import { reportData, type ReportDeps } from '../../bot/services/reports';
import { coverageCells, expiringWeeks, leadTimeSeries, type LeadFact, type RegisterPeriod } from '../../bot/domain/reports';
import { isLineDone } from '../../bot/domain/lifecycle';
import { seedRegister } from './seedRegister';
import { seedCompletedOrders } from './seedReports';
import { syntheticPersonId } from './registerData';
import type { ReportData, ReportFilters } from '../../bot/domain/reportsContract';

const PEOPLE = Number(process.env.PROBE_PEOPLE ?? 40_000);
const ORDERS = Number(process.env.PROBE_ORDERS ?? 20_000);
const DIR = process.env.PROBE_DIR ?? path.join(os.tmpdir(), 'vb-reports-probe');
const PREFIX = 'probe';
const READS = Number(process.env.PROBE_READS ?? 3);

async function timed<T>(label: string, fn: () => Promise<T>, describe: (v: T) => string = () => ''): Promise<T> {
  const started = performance.now();
  const value = await fn();
  console.log(`  ${label}: ${Math.round(performance.now() - started)} ms ${describe(value)}`);
  return value;
}

async function main(): Promise<void> {
  fs.mkdirSync(DIR, { recursive: true });
  const azurite = await startAzurite({ port: await freePort(), });
  const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../data/sample-org.json'), 'utf8')) as { users: Array<Record<string, unknown>> };
  const departments = [...new Set(sample.users.map((u) => String(u.department)))].filter(Boolean);
  const template = sample.users.find((u) => u.accountEnabled !== false && u.managerId) ?? sample.users[0];
  for (let k = 0; k < PEOPLE; k++) {
    const n = String(k).padStart(5, '0');
    sample.users.push({ ...template, id: syntheticPersonId(k), displayName: `Testi Henkilö${n}`, surname: `Henkilö${n}`, department: departments[k % departments.length],
      mail: `testi.henkilo${n}@porvoo.example`, userPrincipalName: `testi.henkilo${n}@porvoo.example` });
  }
  const orgFile = path.join(DIR, 'org.json');
  fs.writeFileSync(orgFile, JSON.stringify(sample));
  const config = loadConfig({ AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: PREFIX, PORT: String(await freePort()),
    LOG_LEVEL: 'silent', DIRECTORY_FILE: orgFile, ADMIN_CHANNEL_ID: '19:probe@thread.tacv2' });
  const app = await startApp(config, { jobs: false });
  const tables = new Tables({ kind: 'connectionString', connectionString: azurite.connectionString }, PREFIX);
  try {
    const today = helsinkiDate(new Date());
    const themes = [...(await app.deps.catalog.themes()).values()];
    const seeded = await seedRegister(azurite.connectionString, PREFIX, PEOPLE, themes.map((x) => ({ id: x.id, name: x.name.fi })), today, 3_600_000,
      (done, ms) => console.log(`  seeding register: ${done} people in ${(ms / 1000).toFixed(0)} s`));
    console.log(`seeded register: ${seeded.entries} entries in ${(seeded.ms / 1000).toFixed(1)} s`);
    console.log('seeding orders…');
    // As a store written before the weekly lead rows (PROBE_ORDER_FORMAT=current: as one written after).
    const format = process.env.PROBE_ORDER_FORMAT === 'current' ? 'current' : 'beforeLeadRows';
    const orders = await seedCompletedOrders(azurite.connectionString, PREFIX, ORDERS, today, departments, format);
    console.log(`seeded ${orders.orders} orders' index rows in ${(orders.ms / 1000).toFixed(1)} s`);
    let rows = 0;
    for await (const _ of tables.client('orderIndex').listEntities({ queryOptions: { filter: odata`PartitionKey ge ${'lead|'} and PartitionKey lt ${'lead}'}`, select: ['PartitionKey'] } })) rows += 1;
    console.log(`  (${rows} lead rows in the order index)`);

    if (format === 'beforeLeadRows') await timed('the one-time backfill of the lead rows (orders.indexLeads)', () => (app.deps.orders as TableOrderStore).indexLeads(), (n) => `(${n} rows)`);
    console.log('the reads of the answer, one at a time:');
    const deps = app.deps;
    const rosters = await timed('grants.rosters(all themes)', () => deps.grants.rosters(themes.map((x) => x.id)),
      (m) => `(${[...m.values()].reduce((n, h) => n + h.length, 0)} holder parts)`);
    const year = Number(today.slice(0, 4));
    await timed(`orders.leadRows(${year - 1})`, () => deps.orders.leadRows(year - 1), (r) => `(${r.length} rows)`);
    await timed(`orders.leadRows(${year})`, () => deps.orders.leadRows(year), (r) => `(${r.length} rows)`);
    const ids = [...new Set([...rosters.values()].flatMap((h) => h.map((x) => x.subjectId)))];
    await timed(`directory.getUser × ${ids.length}`, () => mapLimit(ids, 16, (id) => deps.directory.getUser(id)));
    await timed('orders.listOpen()', () => deps.orders.listOpen());
    await timed('one theme\'s themeHolders()', () => deps.grants.themeHolders(themes[0].id), (h) => `(${h.length} holders)`);

    const read = async (): Promise<ReportData> => {
      const res = await fetch(`${app.url}/reports/api/data`);
      if (!res.ok) throw new Error(`answer ${res.status}`);
      return await res.json() as ReportData;
    };
    const describe = (d: ReportData) => `(${d.leadTimes.path1.total + d.leadTimes.path2.total} lead times, ${d.coverage.cells.length} cells, ` +
      `${d.expiring.weeks.reduce((n, w) => n + w.ending, 0)} ending)`;
    console.log('the answer (GET /reports/api/data):');
    const cold = await timed('cold (first answer)', read, describe);
    const warm: number[] = [];
    const stale: number[] = [];
    for (let i = 0; i < READS; i++) {
      // A working day: one grant (a new entry of someone) before the read, so one theme's view is stale.
      const k = (i * 7919) % PEOPLE;
      const theme = themes[(i * 13) % themes.length];
      await deps.grants.put({ subjectId: syntheticPersonId(k), themeId: theme.id, themeName: theme.name.fi, validFrom: addCalendarDays(today, 400 + i),
        validUntil: addCalendarDays(today, 800), grantedBy: 'probe', orderId: '', grantedAt: new Date().toISOString() });
      let started = performance.now();
      const after = await read();
      stale.push(performance.now() - started);
      started = performance.now();
      const again = await read();
      warm.push(performance.now() - started);
      if (JSON.stringify({ ...after, generatedAt: '' }) !== JSON.stringify({ ...again, generatedAt: '' })) console.log('  !! two answers in a row differ');
      if (i === READS - 1) console.log(`  last answer ${describe(again)}; cold answer was ${describe(cold)}`);
    }
    console.log('the reads of the warm answer, one at a time:');
    const themeIds = themes.map((x) => x.id);
    const reports = await timed('grants.themeReports(all themes), one range read', () => deps.grants.themeReports(themeIds),
      (m) => `(${m.size} views, ${[...m.values()].reduce((n, v) => n + v.json.length, 0)} characters)`);
    await timed('the same rows by 44 point reads at once', () => Promise.all(themeIds.map((id) => tables.client('registerIndex').getEntity(`roster|${id}`, 'report'))));
    await timed('JSON.parse of the views', async () => [...reports.values()].map((v) => JSON.parse(v.json) as unknown));
    const week = (d: string) => addCalendarDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));
    const summaries = await timed('orders.leadSummaries(the last 53 weeks), one range read', () => deps.orders.leadSummaries(week(addCalendarDays(today, -365)), week(today)),
      (m) => `(${m.size} summaries, ${[...m.values()].reduce((n, v) => n + v.length, 0)} characters)`);
    await timed('orders.leadWeek(this week)', () => deps.orders.leadWeek(week(today)), (r) => `(${r.length} rows)`);
    await timed('orders.leadWeek(last week)', () => deps.orders.leadWeek(week(addCalendarDays(today, -7))), (r) => `(${r.length} rows)`);
    void summaries;
    await timed('reviewProgressData', () => reviewProgressData(deps));
    await timed('orders.listOpen()', () => deps.orders.listOpen());
    await timed('directoryState.cursor()', () => deps.directoryState.cursor());
    const filters: ReportFilters = { from: addCalendarDays(today, -365), to: today };
    const data = await timed('reportData (the service, no HTTP)', () => reportData(deps, { id: 'probe', isAdministrator: true, isSignatory: false }, filters, 'fi'));
    await timed('JSON.stringify of the answer', async () => JSON.stringify(data), (j) => `(${j.length} characters)`);
    // Before the views and summaries: the answer's reads and arithmetic as they were (every roster, a directory look-up
    // per holder, every number row of two years), timed on the same store — and the new answer must equal it.
    const before: number[] = [];
    let full: Awaited<ReturnType<typeof fullAnswer>> | undefined;
    for (let i = 0; i < READS; i++) {
      const started = performance.now();
      full = await fullAnswer(deps, filters, today);
      before.push(performance.now() - started);
    }
    if (data === 'notAllowed' || !full) throw new Error('not allowed');
    const same = JSON.stringify([data.leadTimes, data.expiring, data.coverage.cells]) === JSON.stringify([full.leadTimes, full.expiring, full.cells]);
    console.log(`  before (the full computation, no HTTP): p50 ${Math.round([...before].sort((a, b) => a - b)[Math.floor(before.length / 2)])} ms; ` +
      `the new answer ${same ? 'equals' : 'DIFFERS FROM'} it (lead times, expiring, coverage)`);
    const p50 = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
    console.log(`  after one grant (one theme stale): p50 ${p50(stale)} ms, max ${Math.round(Math.max(...stale))} ms`);
    console.log(`  warm (nothing written since): p50 ${p50(warm)} ms, max ${Math.round(Math.max(...warm))} ms`);
  } finally {
    await app.stop();
    await azurite.stop();
  }
}

/** The register part and the lead times as the answer computed them before (bot/services/reports.ts before the views). */
async function fullAnswer(deps: ReportDeps, filters: ReportFilters, today: string) {
  const themes = await deps.catalog.themes();
  const [open, rows, rosters] = await Promise.all([deps.orders.listOpen(),
    Promise.all(Array.from({ length: Number(filters.to.slice(0, 4)) - Number(filters.from.slice(0, 4)) + 2 }, (_, i) => Number(filters.from.slice(0, 4)) - 1 + i).map((y) => deps.orders.leadRows(y))), deps.grants.rosters([...themes.keys()]),
    reviewProgressData(deps)]);
  const periods: RegisterPeriod[] = [...rosters].flatMap(([themeId, holders]) => holders.flatMap((h) => h.periods.map((p) => ({ subjectId: h.subjectId, themeId, ...p }))));
  const ids = [...new Set(periods.map((p) => p.subjectId))];
  const users = await mapLimit(ids, 16, (id) => deps.directory.getUser(id));
  const department = new Map(ids.map((id, i) => [id, users[i]?.department ?? '']));
  const departmentOf = (id: string) => department.get(id) ?? '';
  const facts: LeadFact[] = rows.flat().filter((r) => r.createdAt.slice(0, 10) <= filters.to)
    .flatMap((r) => (r.leads ?? []).map((l) => ({ path: l.path, submittedAt: r.createdAt, grantedAt: l.grantedAt, department: r.department })))
    .filter((f) => { const d = helsinkiDate(new Date(f.grantedAt)); return d >= filters.from && d <= filters.to; });
  const renewals = open.flatMap((o) => o.lines.flatMap((l) => (l.continuationOf && l.themeId && !isLineDone(l)
    ? [{ subjectId: o.subject.id, themeId: l.themeId, validFrom: l.continuationOf.validFrom, validUntil: l.continuationOf.validUntil }] : [])));
  return { leadTimes: { path1: leadTimeSeries(facts, 'existing'), path2: leadTimeSeries(facts, 'missing') },
    expiring: { weeks: expiringWeeks(periods, renewals, today) }, cells: coverageCells(periods, departmentOf, today) };
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
