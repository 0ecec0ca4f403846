import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestBot, submitAs, orderGrantedAt, writeAsBeforeLeadFacts, PEOPLE, ADMIN_CHANNEL, CHANNEL_THREAD, validOrder, type TestBot } from '../helpers/botHarness';
import type { Grant } from '../../bot/store/grantStore';
import type { Order } from '../../bot/domain/order';
import type { ReportData, ReportTable } from '../../bot/domain/reportsContract';
import { projectRoot } from '../../bot/config';

const channelConversation = CHANNEL_THREAD;

/** People of the sample organisation outside Konsernipalvelut (data/sample-org.json). */
const TIMO = '755fbd06-90db-519b-a785-09674308fc06'; // Kaupunkikehitys
const VILLE = 'd6ff9ed7-577d-5fb4-9c1f-aa24633e2178'; // Kaupunkikehitys
const MINNA = '59c9ae7e-364e-5f32-855d-3d17e18b6ca7'; // Kasvu ja oppiminen
const ELINA = '52126bbf-c510-50f0-993c-c23dceb4b1c2'; // Kasvu ja oppiminen
const ARTO = '105800bc-8059-589e-96a1-431bf13b0d59'; // Elinvoima
const HELD = 'palkkatietojen-ilmoittaminen'; // the organisation holds it: path 1
const OTHER = 'veroilmoittaminen';

/** The test's own calendar: the days off of Dec 2026 – Jan 2027 besides weekends, as the law and the offices have them. */
const DAYS_OFF = new Set(['2026-12-06', '2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01', '2027-01-06']);
function workingDaysAfter(from: string, to: string): number {
  let n = 0;
  for (let d = new Date(`${from}T00:00:00Z`); ;) {
    d = new Date(d.getTime() + 86_400_000);
    const iso = d.toISOString().slice(0, 10);
    if (iso > to) return n;
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !DAYS_OFF.has(iso)) n += 1;
  }
}

describe('reports data on Azurite (local mode): the numbers equal what the store holds', function () {
  this.timeout(120_000);
  let bot: TestBot;
  let now = new Date('2026-12-01T08:00:00Z');
  const departmentOf = new Map<string, string>();
  const entries: Array<Pick<Grant, 'subjectId' | 'themeId' | 'validFrom' | 'validUntil'>> = [];
  let openC: Order;
  let openD: Order;

  before(async () => {
    const org = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'data', 'sample-org.json'), 'utf8')) as { users: Array<{ id: string; department: string }> };
    for (const u of org.users) departmentOf.set(u.id, u.department);
    bot = await startTestBot({}, { now: () => now });
  });
  after(async () => { await bot?.stop(); });

  /** Submit at one instant, claim and confirm (Eija) at another: the clock moves as the administrators work. */
  async function grantedOrder(who: string, form: Record<string, unknown>, submitAt: string, grantAt: string, validUntil: string): Promise<void> {
    const order = await orderGrantedAt(bot, (at) => { now = at; }, who, { themes: HELD, ...form }, submitAt, grantAt, validUntil);
    entries.push({ subjectId: order.subject.id, themeId: HELD, validFrom: grantAt.slice(0, 10), validUntil });
  }

  async function data(query: string): Promise<ReportData> {
    const res = await fetch(`${bot.app.url}/reports/api/data?${query}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    return await res.json() as ReportData;
  }

  it('seeds orders through the services and entries into the register', async () => {
    // Timo: Wed 2 Dec → Mon 7 Dec (Sun 6 Dec is Independence Day, a Sunday anyway).
    await grantedOrder(TIMO, { givenName: 'Timo', surname: 'Koskinen', requesterMail: 'timo.koskinen@porvoo.example', department: 'Kaupunkikehitys' },
      '2026-12-02T08:00:00Z', '2026-12-07T10:00:00Z', '2027-12-07');
    // Mikko: Tue 22 Dec → Mon 28 Dec across Christmas (24–26 Dec off).
    await grantedOrder(PEOPLE.mikko, {}, '2026-12-22T08:00:00Z', '2026-12-28T10:00:00Z', '2027-01-20');
    // Minna's order stays with nobody; Sanna's is claimed by Eija and waits.
    now = new Date('2026-12-01T08:00:00Z');
    openC = await submitAs(bot, MINNA, validOrder({ givenName: 'Minna', surname: 'Mattila', requesterMail: 'minna.mattila@porvoo.example', department: 'Kasvu ja oppiminen' }));
    now = new Date('2026-12-29T08:00:00Z');
    openD = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', requesterMail: 'sanna.korhonen@porvoo.example' }));
    await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: openD.id, v: openD.updatedAt }, channelConversation);
    const seeded = [
      { subjectId: PEOPLE.mikko, themeId: OTHER, validFrom: '2025-01-10', validUntil: '2027-01-10' }, // ends in the week of 4 Jan…
      { subjectId: PEOPLE.mikko, themeId: OTHER, validFrom: '2027-01-10', validUntil: '2028-01-10' }, // …and is renewed
      { subjectId: VILLE, themeId: OTHER, validFrom: '2025-02-01', validUntil: '2027-02-01' },
      { subjectId: ELINA, themeId: HELD, validFrom: '2024-01-01', validUntil: '2026-12-29' }, // ended yesterday
      { subjectId: ARTO, themeId: HELD, validFrom: '2026-01-01', validUntil: '2027-03-31' }, // after the 13 weeks
    ];
    await bot.app.deps.grants.putMany(seeded.map((e) => ({ ...e, themeName: e.themeId, grantedBy: PEOPLE.eija, orderId: '', grantedAt: '2026-01-01T00:00:00Z' })));
    entries.push(...seeded);
    now = new Date('2026-12-30T10:00:00Z'); // Wed 30 Dec: "today" of the report
    // The dispatcher posts Minna's card to the channel and stores where it sits (the card link comes from it).
    for (let i = 0; i < 200 && !(await bot.app.deps.orders.get(openC.id))?.order.adminCard; i++) await new Promise((r) => setTimeout(r, 50));
  });

  /** What the test expects, from what it seeded (not from the code under test). */
  function expected(filter: { from: string; to: string; department?: string }) {
    const today = '2026-12-30';
    const inDept = (id: string) => !filter.department || departmentOf.get(id) === filter.department;
    const leads = [
      { who: TIMO, submit: '2026-12-02', grant: '2026-12-07', week: '2026-12-07' },
      { who: PEOPLE.mikko, submit: '2026-12-22', grant: '2026-12-28', week: '2026-12-28' },
    ].filter((l) => inDept(l.who) && l.grant >= filter.from && l.grant <= filter.to)
      .map((l) => ({ ...l, value: workingDaysAfter(l.submit, l.grant) }));
    const cells = new Map<string, number>();
    for (const e of entries) {
      if (!inDept(e.subjectId) || e.validFrom > today || e.validUntil < today) continue;
      const key = `${departmentOf.get(e.subjectId)}|${e.themeId}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const weeks = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2026, 11, 28 + 7 * i)).toISOString().slice(0, 10));
    const ending = weeks.map((week, i) => {
      const end = weeks[i + 1] ?? '2027-03-29';
      const mine = entries.filter((e) => inDept(e.subjectId) && e.validUntil >= today && e.validUntil >= week && e.validUntil < end);
      return { week, ending: mine.length, renewalOrdered: 0,
        renewed: mine.filter((e) => entries.some((x) => x.subjectId === e.subjectId && x.themeId === e.themeId && x.validFrom > e.validFrom)).length };
    });
    return { leads, cells, ending };
  }

  it('gives lead times, open work, expiring entries and coverage as seeded', async () => {
    const d = await data('from=2026-01-01&to=2026-12-31&lang=en');
    const e = expected({ from: '2026-01-01', to: '2026-12-31' });
    assert.equal(d.local, true);
    assert.deepEqual(e.leads.map((l) => l.value), [3, 2], 'the test calendar itself: 3, 4, 7 Dec and 23, 28 Dec');
    assert.deepEqual([...d.leadTimes.path1.values].sort(), e.leads.map((l) => l.value).sort());
    assert.equal(d.leadTimes.path1.total, 2);
    assert.equal(d.leadTimes.path1.withinTarget, e.leads.filter((l) => l.value <= 3).length);
    assert.deepEqual(d.leadTimes.path1.weekly.map((w) => [w.week, w.count, w.median]), e.leads.map((l) => [l.week, 1, l.value]));
    assert.equal(d.leadTimes.path2.total, 0);

    const byNumber = new Map(d.openWork.orders.map((o) => [o.number, o]));
    assert.deepEqual(d.openWork.orders.map((o) => o.number), [openC.number, openD.number], 'the overdue one first');
    const c = byNumber.get(openC.number);
    assert.equal(c?.ageWorkingDays, workingDaysAfter('2026-12-01', '2026-12-30'));
    // Due 3 working days after Tue 1 Dec = Fri 4 Dec; 26 days past it on 30 Dec.
    assert.deepEqual([c?.dueDate, c?.daysOverdue, c?.state, c?.holder, c?.path], ['2026-12-04', 26, 'administrator', undefined, 1]);
    assert.match(c?.cardUrl ?? '', new RegExp(`^https://teams\\.microsoft\\.com/l/message/${encodeURIComponent(ADMIN_CHANNEL).replace(/[.]/g, '\\.')}/.+`));
    const dRow = byNumber.get(openD.number);
    assert.deepEqual([dRow?.ageWorkingDays, dRow?.daysOverdue, dRow?.holder], [1, 0, 'Eija Mäkelä']);
    assert.deepEqual(d.openWork.byHolder, [{ holder: '', count: 1 }, { holder: 'Eija Mäkelä', count: 1 }]);
    assert.deepEqual(d.openWork.byAge.map((b) => b.path1), [1, 0, 1, 0]);

    assert.deepEqual(d.expiring.weeks, e.ending);
    assert.ok(e.ending.some((w) => w.renewed === 1) && e.ending.reduce((n, w) => n + w.ending, 0) === 3, 'the seed has something to count');
    assert.deepEqual(new Map(d.coverage.cells.map((x) => [`${x.department}|${x.themeId}`, x.holders])), e.cells);
    assert.ok(d.departments.includes('Kaupunkikehitys') && d.departments.includes('Konsernipalvelut'));
  });

  it('a department filter and a date range change the numbers', async () => {
    const d = await data('department=Kaupunkikehitys');
    const e = expected({ from: '2025-12-30', to: '2026-12-30', department: 'Kaupunkikehitys' });
    assert.deepEqual(d.leadTimes.path1.values, e.leads.map((l) => l.value));
    assert.equal(d.openWork.orders.length, 0);
    assert.deepEqual(d.expiring.weeks, e.ending);
    assert.deepEqual(new Map(d.coverage.cells.map((x) => [`${x.department}|${x.themeId}`, x.holders])), e.cells);
    assert.equal(d.filters.department, 'Kaupunkikehitys');

    const early = await data('from=2026-12-01&to=2026-12-15');
    assert.deepEqual(early.leadTimes.path1.values, expected({ from: '2026-12-01', to: '2026-12-15' }).leads.map((l) => l.value));
    assert.equal(early.leadTimes.path1.total, 1);
  });

  it('reads the rosters of many themes in one query, the same holders and periods as each theme read alone', async () => {
    const themes = [HELD, OTHER, 'no-such-theme'];
    const all = await bot.app.deps.grants.rosters(themes);
    const bySubject = (a: { subjectId: string }, b: { subjectId: string }) => a.subjectId.localeCompare(b.subjectId);
    for (const theme of themes) assert.deepEqual([...(all.get(theme) ?? [])].sort(bySubject), [...await bot.app.deps.grants.themeHolders(theme)].sort(bySubject), theme);
    assert.equal(all.get(HELD)?.length, new Set(entries.filter((e) => e.themeId === HELD).map((e) => e.subjectId)).size);
    assert.deepEqual(all.get('no-such-theme'), []);
  });

  // The lead times come from the weekly `lead|<week>` rows written with each grant; an order rewritten in the old
  // format keeps its lead time (the backfill of a store written before those rows: tests/integration/reportViews.test.ts).
  it('an order rewritten in the old format (no facts on its number row, no grantedAt) keeps its lead time', async () => {
    const before = await data('from=2026-01-01&to=2026-12-31');
    const timo = (await bot.app.deps.orders.listForPerson(TIMO))[0];
    // As an older version wrote them: no `leads` on the number row, no `grantedAt` on the line.
    const index = bot.app.tables.client('orderIndex');
    const row = await index.getEntity<Record<string, unknown>>(`num|${timo.number.slice(3, 7)}`, timo.number);
    assert.equal(typeof row.leads, 'string', 'the new row carries the facts');
    await writeAsBeforeLeadFacts(bot, timo);
    assert.equal((await bot.app.deps.orders.get(timo.id))?.order.lines[0].grantedAt, undefined);
    const after = await data('from=2026-01-01&to=2026-12-31');
    assert.deepEqual(after.leadTimes, before.leadTimes);
  });

  it('the CSV of each view is its table: BOM, semicolons, every cell quoted', async () => {
    const d = await data('lang=sv');
    for (const view of ['leadTimes', 'openWork', 'expiring', 'coverage'] as const) {
      const res = await fetch(`${bot.app.url}/reports/api/csv?view=${view}&lang=sv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="valtuusbotti-${view}-`));
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
      assert.ok(text.startsWith('\uFEFF'));
      assert.deepEqual(parseCsv(text.slice(1)), tableText(d.tables[view]), view);
    }
  });
});

/** The table as a CSV reader would see it (every cell text). */
function tableText(table: ReportTable): string[][] {
  return [table.columns, ...table.rows.map((r) => r.map(String))];
}

/** A small reader for the quoted `;` CSV: every cell quoted, quotes doubled. */
function parseCsv(text: string): string[][] {
  return text.split('\r\n').filter(Boolean).map((line) => {
    const cells = line.match(/"(?:[^"]|"")*"/g) ?? [];
    assert.equal(cells.join(';'), line, 'every cell quoted, separated by ;');
    return cells.map((c) => c.slice(1, -1).replace(/""/g, '"'));
  });
}
