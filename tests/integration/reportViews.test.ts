import assert from 'node:assert/strict';
import { odata } from '@azure/data-tables';
import { startTestBot, submitAs, orderGrantedAt, writeAsBeforeLeadFacts, PEOPLE, validOrder, type TestBot } from '../helpers/botHarness';
import type { Order } from '../../bot/domain/order';
import type { ReportData, ReportFilters } from '../../bot/domain/reportsContract';
import { coverageCells, expiringWeeks, leadTimeSeries, type LeadFact, type RegisterPeriod } from '../../bot/domain/reports';
import { helsinkiDate, addCalendarDays } from '../../bot/domain/workdays';
import { isLineDone } from '../../bot/domain/lifecycle';
import { reportData, type ReportDeps } from '../../bot/services/reports';
import type { Actor } from '../../bot/domain/policies';
import { runRegisterSweep } from '../../bot/services/registerSweep';
import { TableOrderStore } from '../../bot/store/orderStore';
import { TableGrantStore } from '../../bot/store/grantStore';
import { themeReportViews } from '../../bot/services/reportViews';
import { mapLimit } from '../../bot/store/mapLimit';

const admin: Actor = { id: PEOPLE.eija, isAdministrator: true, isSignatory: false };

/** People of the sample organisation in other departments (data/sample-org.json). */
const TIMO = '755fbd06-90db-519b-a785-09674308fc06'; // Kaupunkikehitys
const VILLE = 'd6ff9ed7-577d-5fb4-9c1f-aa24633e2178'; // Kaupunkikehitys
const MINNA = '59c9ae7e-364e-5f32-855d-3d17e18b6ca7'; // Kasvu ja oppiminen
const ELINA = '52126bbf-c510-50f0-993c-c23dceb4b1c2'; // Kasvu ja oppiminen
const ARTO = '105800bc-8059-589e-96a1-431bf13b0d59'; // Elinvoima
const HELD = 'palkkatietojen-ilmoittaminen';
const OTHER = 'veroilmoittaminen';

/**
 * The register part and the lead times as the tab computed them before the views and summaries: every roster, each
 * holder's department from the directory, every number index row's facts (and an older row's order and audit trail).
 */
async function fullComputation(deps: ReportDeps, filters: ReportFilters): Promise<Pick<ReportData, 'leadTimes' | 'expiring'> & { cells: ReportData['coverage']['cells']; departments: Set<string> }> {
  const today = helsinkiDate(deps.now());
  const rosters = await deps.grants.rosters([...(await deps.catalog.themes()).keys()]);
  const periods: RegisterPeriod[] = [...rosters].flatMap(([themeId, holders]) => holders.flatMap((h) => h.periods.map((p) => ({ subjectId: h.subjectId, themeId, ...p }))));
  const ids = [...new Set(periods.map((p) => p.subjectId))];
  const users = await mapLimit(ids, 8, (id) => deps.directory.getUser(id));
  const department = new Map(ids.map((id, i) => [id, users[i]?.department ?? '']));
  const departmentOf = (id: string) => department.get(id) ?? '';
  const mine = (d: string) => filters.department === undefined || d === filters.department;
  const myPeriods = periods.filter((p) => mine(departmentOf(p.subjectId)));
  const open = await deps.orders.listOpen();
  const renewals = open.flatMap((o) => o.lines.flatMap((l) => (l.continuationOf && l.themeId && !isLineDone(l)
    ? [{ subjectId: o.subject.id, themeId: l.themeId, validFrom: l.continuationOf.validFrom, validUntil: l.continuationOf.validUntil }] : [])));
  const years = Array.from({ length: Number(filters.to.slice(0, 4)) - Number(filters.from.slice(0, 4)) + 2 }, (_, i) => Number(filters.from.slice(0, 4)) - 1 + i);
  const rows = (await Promise.all(years.map((y) => deps.orders.leadRows(y)))).flat().filter((r) => r.createdAt.slice(0, 10) <= filters.to);
  const facts: LeadFact[] = [];
  for (const r of rows) {
    if (r.leads) facts.push(...r.leads.map((l) => ({ path: l.path, submittedAt: r.createdAt, grantedAt: l.grantedAt, department: r.department })));
    else if (r.status !== 'awaitingApproval' && r.status !== 'declined') {
      const order = (await deps.orders.get(r.orderId))?.order;
      const trail = order ? await deps.orders.auditTrail(order.id) : [];
      order?.lines.forEach((line, index) => {
        const grantedAt = line.stage === 'granted' ? line.grantedAt ?? trail.find((e) => e.action === 'confirmGrant' && e.from === `line${index}:toGrant`)?.at : undefined;
        if (grantedAt) facts.push({ path: line.path, submittedAt: order.createdAt, grantedAt, department: order.subject.department });
      });
    }
  }
  const inRange = facts.filter((f) => { const d = helsinkiDate(new Date(f.grantedAt)); return d >= filters.from && d <= filters.to; });
  const myFacts = inRange.filter((f) => mine(f.department));
  return {
    leadTimes: { path1: leadTimeSeries(myFacts, 'existing'), path2: leadTimeSeries(myFacts, 'missing') },
    expiring: { weeks: expiringWeeks(myPeriods, renewals, today) },
    cells: coverageCells(myPeriods, departmentOf, today),
    departments: new Set(periods.map((p) => departmentOf(p.subjectId)).filter(Boolean)),
  };
}

describe('reports data from views and weekly summaries on Azurite: always what the full computation gives', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let now = new Date('2026-11-02T08:00:00Z');

  before(async () => { bot = await startTestBot({}, { now: () => now }); });
  after(async () => { await bot?.stop(); });

  /** Submit at one instant, claim and confirm (Eija) at another. */
  const grantedOrder = (who: string, form: Record<string, unknown>, submitAt: string, grantAt: string, validUntil: string): Promise<Order> =>
    orderGrantedAt(bot, (at) => { now = at; }, who, { themes: HELD, ...form }, submitAt, grantAt, validUntil);

  const filterSets = (today: string): ReportFilters[] => [
    { from: addCalendarDays(today, -365), to: today },
    { from: addCalendarDays(today, -365), to: today, department: 'Kaupunkikehitys' },
    { from: addCalendarDays(today, -20), to: addCalendarDays(today, -3) },
    { from: '2026-01-01', to: '2027-12-31', department: 'Konsernipalvelut' },
  ];

  /** The answer for each filter equals the full computation (the register part and the lead times). */
  async function assertEqualsFull(label: string, deps: ReportDeps = bot.app.deps): Promise<void> {
    const today = helsinkiDate(deps.now());
    for (const filters of filterSets(today)) {
      const got = await reportData(deps, admin, filters, 'fi');
      assert.ok(got !== 'notAllowed');
      const want = await fullComputation(deps, filters);
      const what = `${label}, ${JSON.stringify(filters)}`;
      assert.deepEqual(got.leadTimes, want.leadTimes, `lead times: ${what}`);
      assert.deepEqual(got.expiring, want.expiring, `expiring: ${what}`);
      assert.deepEqual(got.coverage.cells, want.cells, `coverage: ${what}`);
      for (const d of want.departments) assert.ok(got.departments.includes(d), `department ${d} offered: ${what}`);
    }
  }

  async function reportRows(): Promise<Map<string, { day: string; stale: boolean }>> {
    const themes = [...(await bot.app.deps.catalog.themes()).keys()];
    const rows = await bot.app.deps.grants.themeReports(themes);
    return new Map([...rows].map(([id, r]) => [id, { day: r.day, stale: r.stale }]));
  }

  it('seeds grants through the services and entries into the register; the first answer computes every view', async () => {
    await grantedOrder(TIMO, { givenName: 'Timo', surname: 'Koskinen', requesterMail: 'timo.koskinen@porvoo.example', department: 'Kaupunkikehitys' },
      '2026-11-02T08:00:00Z', '2026-11-04T10:00:00Z', '2027-11-04');
    await grantedOrder(PEOPLE.mikko, {}, '2026-11-09T08:00:00Z', '2026-11-16T10:00:00Z', '2027-01-20');
    const register = [
      { subjectId: PEOPLE.mikko, themeId: OTHER, validFrom: '2025-01-10', validUntil: '2027-01-10' },
      { subjectId: PEOPLE.mikko, themeId: OTHER, validFrom: '2027-01-10', validUntil: '2028-01-10' },
      { subjectId: VILLE, themeId: OTHER, validFrom: '2025-02-01', validUntil: '2026-12-01' },
      { subjectId: ELINA, themeId: HELD, validFrom: '2024-01-01', validUntil: '2026-11-30' },
      { subjectId: ARTO, themeId: HELD, validFrom: '2026-01-01', validUntil: '2027-03-31' },
      { subjectId: MINNA, themeId: OTHER, validFrom: '2026-06-01', validUntil: '2026-12-10' },
    ];
    await bot.app.deps.grants.putMany(register.map((e) => ({ ...e, themeName: e.themeId, grantedBy: PEOPLE.eija, orderId: '', grantedAt: '2026-01-01T00:00:00Z' })));
    now = new Date('2026-11-18T10:00:00Z');
    assert.ok([...(await reportRows()).values()].every((r) => r.stale && !r.day), 'no views yet (only the writes\' stale marks)');
    await assertEqualsFull('cold');
    const rows = await reportRows();
    assert.ok(rows.size >= 2 && [...rows.values()].every((r) => r.day === '2026-11-18' && !r.stale), 'every theme\'s view saved for the day');
  });

  it('a grant marks its theme\'s view stale; the next answer computes it again and equals the full computation', async () => {
    await grantedOrder(VILLE, { givenName: 'Ville', surname: 'Nieminen', requesterMail: 'ville.nieminen@porvoo.example', department: 'Kaupunkikehitys' },
      '2026-11-17T08:00:00Z', '2026-11-18T12:00:00Z', '2027-11-18');
    assert.equal((await reportRows()).get(HELD)?.stale, true, 'the roster write marked it');
    assert.equal((await reportRows()).get(OTHER)?.stale, false, 'another theme untouched');
    await assertEqualsFull('after a grant');
    assert.equal((await reportRows()).get(HELD)?.stale, false);
    const themes = [...(await bot.app.deps.catalog.themes()).keys()];
    const again = await themeReportViews(bot.app.deps, themes, '2026-11-18');
    assert.equal(again.computed, 0, 'nothing written since: every view as saved');
    const fromStore = await themeReportViews({ ...bot.app.deps, grants: new TableGrantStore(bot.app.tables) }, themes, '2026-11-18');
    assert.deepEqual(fromStore.views, again.views, 'the views this process holds are the rows in the store');
  });

  it('a revocation and an import change the answer as the full computation does', async () => {
    const [elina] = (await bot.app.deps.grants.listFor(ELINA)).filter((g) => g.themeId === HELD);
    await bot.app.deps.grants.put({ ...elina, revokedAt: '2026-11-18T13:00:00Z', revokedBy: PEOPLE.eija });
    await assertEqualsFull('after a revocation');
    await bot.app.deps.grants.putMany([
      { subjectId: TIMO, themeId: OTHER, themeName: OTHER, validFrom: '2026-02-01', validUntil: '2027-01-15', grantedBy: 'tuonti', orderId: '', grantedAt: '2026-11-18T14:00:00Z' },
      { subjectId: ARTO, themeId: OTHER, themeName: OTHER, validFrom: '2026-02-01', validUntil: '2026-11-25', grantedBy: 'tuonti', orderId: '', grantedAt: '2026-11-18T14:00:00Z' },
    ]);
    await assertEqualsFull('after an import');
  });

  it('an ordered renewal counts on the entry it continues', async () => {
    // Minna orders the continuation of her entry ending 10 Dec (the renewal flow writes `continuationOf` on the line).
    const [minna] = (await bot.app.deps.grants.listFor(MINNA)).filter((g) => g.themeId === OTHER);
    const order = await submitAs(bot, MINNA, validOrder({ themes: OTHER, givenName: 'Minna', surname: 'Mattila', requesterMail: 'minna.mattila@porvoo.example', department: 'Kasvu ja oppiminen' }));
    const stored = await bot.app.deps.orders.get(order.id);
    assert.ok(stored);
    const renewal = { ...stored.order, lines: stored.order.lines.map((l) => ({ ...l, continuationOf: { validFrom: minna.validFrom, validUntil: minna.validUntil } })) };
    await bot.app.deps.orders.update(renewal, stored.etag, [], [], stored.order);
    const got = await reportData(bot.app.deps, admin, { from: '2025-11-18', to: '2026-11-18' }, 'fi');
    assert.ok(got !== 'notAllowed');
    assert.equal(got.expiring.weeks.reduce((n, w) => n + w.renewalOrdered, 0), 1);
    await assertEqualsFull('with a renewal ordered');
  });

  it('the next day every view is of yesterday: computed again (or by the sweep), and closed weeks get their lead summaries', async () => {
    now = new Date('2026-11-19T07:00:00Z');
    await assertEqualsFull('a day later');
    assert.ok([...(await reportRows()).values()].every((r) => r.day === '2026-11-19'));
    now = new Date('2026-11-20T07:00:00Z');
    const sweep = await runRegisterSweep(bot.app.deps);
    assert.equal(sweep.steps.find((s) => s.name === 'reportViews')?.counts.computed, (await bot.app.deps.catalog.themes()).size, 'the sweep computed the day\'s views');
    assert.ok([...(await reportRows()).values()].every((r) => r.day === '2026-11-20' && !r.stale));
    await assertEqualsFull('after the sweep');
    // Three weeks on (Wed 9 Dec): the weeks up to that of 30 Nov (its Sunday two days past) are closed and summarised.
    now = new Date('2026-12-09T07:00:00Z');
    await assertEqualsFull('weeks closed');
    const summaries = await bot.app.deps.orders.leadSummaries('2026-11-02', '2026-12-07');
    assert.deepEqual([...summaries.keys()].sort(), ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'], 'closed weeks only (not 7 Dec)');
    await assertEqualsFull('from the summaries');
  });

  it('an order store written before the weekly rows existed is backfilled once, and the answer stays the same', async () => {
    const before = await reportData(bot.app.deps, admin, { from: '2026-01-01', to: '2026-12-31' }, 'fi');
    const index = bot.app.tables.client('orderIndex');
    const lead: Array<{ partitionKey: string; rowKey: string }> = [];
    for await (const e of index.listEntities({ queryOptions: { filter: odata`PartitionKey ge ${'lead|'} and PartitionKey lt ${'lead}'}` } })) {
      lead.push({ partitionKey: String(e.partitionKey), rowKey: String(e.rowKey) });
    }
    assert.ok(lead.length >= 4);
    for (const r of lead) await index.deleteEntity(r.partitionKey, r.rowKey);
    await index.deleteEntity('meta', 'leadsIndexed');
    // Timo's order as an older version wrote it: no `leads` on the number row, no `grantedAt` on the line (its audit trail has it).
    const timo = (await bot.app.deps.orders.listForPerson(TIMO)).find((o) => o.status === 'completed') as Order;
    await writeAsBeforeLeadFacts(bot, timo);

    const fresh = new TableOrderStore(bot.app.tables, { now: () => now });
    const deps = { ...bot.app.deps, orders: fresh };
    const after = await reportData(deps, admin, { from: '2026-01-01', to: '2026-12-31' }, 'fi');
    assert.ok(before !== 'notAllowed' && after !== 'notAllowed');
    assert.deepEqual(after.leadTimes, before.leadTimes);
    await assertEqualsFull('after the backfill', deps);
    const trail = await index.getEntity(`lead|2026-11-02`, `${timo.number}|trail`);
    assert.ok(trail, 'the audit trail\'s grant has its row');
    // A second backfill changes nothing.
    await fresh.indexLeads();
    await assertEqualsFull('after a second backfill', deps);
  });
});
