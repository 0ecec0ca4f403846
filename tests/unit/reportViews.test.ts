import assert from 'node:assert/strict';
import { coverageCells, expiringWeeks, leadPoint, leadTimeSeries, leadTimeSeriesOf, type LeadFact, type OrderedRenewal, type RegisterPeriod } from '../../bot/domain/reports';
import { lastExpiringDay, registerReport, themeReport, type ThemeReport } from '../../bot/domain/reportViews';
import { addCalendarDays, helsinkiInstant } from '../../bot/domain/workdays';
// Deterministic (mulberry32), so a failure names its seed.
import { prng as random } from '../helpers/prng';

const DEPARTMENTS = ['Konsernipalvelut', 'Kaupunkikehitys', 'Kasvu ja oppiminen', 'Elinvoima', ''];
const THEMES = ['t1', 't2', 't3', 't4'];

/** A random register of a few dozen holders around `today`: overlapping, renewed, revoked and past periods, edges of the window included. */
function randomRegister(seed: number, today: string): { periods: RegisterPeriod[]; departmentOf: (id: string) => string; renewals: OrderedRenewal[] } {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const people = Array.from({ length: 5 + Math.floor(rnd() * 40) }, (_, i) => `p${i}`);
  const department = new Map(people.map((p) => [p, pick(DEPARTMENTS)]));
  const periods: RegisterPeriod[] = [];
  const last = lastExpiringDay(today);
  for (const subjectId of people) {
    for (const themeId of THEMES) {
      if (rnd() < 0.4) continue;
      let from = addCalendarDays(today, -400 + Math.floor(rnd() * 500));
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
        const edge = rnd();
        // Ends on the window's edges now and then (today, its last day, the day after, yesterday).
        const until = edge < 0.1 ? today : edge < 0.2 ? last : edge < 0.25 ? addCalendarDays(last, 1) : edge < 0.3 ? addCalendarDays(today, -1)
          : addCalendarDays(from, 20 + Math.floor(rnd() * 300));
        const validUntil = until < from ? from : until;
        periods.push({ subjectId, themeId, validFrom: from, validUntil, ...(rnd() < 0.15 ? { revokedAt: `${today}T08:00:00.000Z` } : {}) });
        from = addCalendarDays(validUntil, 1 + Math.floor(rnd() * 10));
      }
    }
  }
  const renewals = periods.filter(() => rnd() < 0.2).map(({ subjectId, themeId, validFrom, validUntil }) => ({ subjectId, themeId, validFrom, validUntil }));
  // An ordered renewal of a period that does not exist counts for nothing.
  renewals.push({ subjectId: 'p0', themeId: 't1', validFrom: '2000-01-01', validUntil: today });
  return { periods, departmentOf: (id) => department.get(id) ?? '', renewals };
}

/** Every theme's view of the day from its own periods, as the store keeps them (JSON, as saved). */
function viewsOf(periods: readonly RegisterPeriod[], departmentOf: (id: string) => string, today: string): Map<string, ThemeReport> {
  const views = new Map<string, ThemeReport>();
  for (const themeId of THEMES) {
    const holders = new Map<string, RegisterPeriod[]>();
    for (const p of periods.filter((x) => x.themeId === themeId)) holders.set(p.subjectId, [...(holders.get(p.subjectId) ?? []), p]);
    const roster = [...holders].map(([subjectId, ps]) => ({ subjectId, periods: ps.map(({ validFrom, validUntil, revokedAt }) => ({ validFrom, validUntil, ...(revokedAt ? { revokedAt } : {}) })) }));
    if (roster.length) views.set(themeId, JSON.parse(JSON.stringify(themeReport(themeId, roster, departmentOf, today))) as ThemeReport);
  }
  return views;
}

describe('reports tab: the register part from per-theme views of the day', () => {
  it('equals coverageCells and expiringWeeks over every period, for the organisation and each department (random registers)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const today = addCalendarDays('2026-01-01', seed * 3);
      const { periods, departmentOf, renewals } = randomRegister(seed, today);
      const views = viewsOf(periods, departmentOf, today);
      for (const department of [undefined, ...DEPARTMENTS]) {
        const mine = periods.filter((p) => department === undefined || departmentOf(p.subjectId) === department);
        const got = registerReport(views, renewals, today, department);
        assert.deepEqual(got.cells, coverageCells(mine, departmentOf, today), `cells, seed ${seed}, ${department}`);
        assert.deepEqual(got.weeks, expiringWeeks(mine, renewals, today), `weeks, seed ${seed}, ${department}`);
      }
      assert.deepEqual(new Set(registerReport(views, renewals, today).departments), new Set(periods.map((p) => departmentOf(p.subjectId))), `departments, seed ${seed}`);
    }
  });

  it('refuses a view of another day (a stale day would count the wrong weeks)', () => {
    const views = new Map<string, ThemeReport>([['t1', { day: '2026-03-01', departments: [], coverage: [], ending: [] }]]);
    assert.throws(() => registerReport(views, [], '2026-03-02'), /not 2026-03-02/);
  });

  it('keeps only the entries ending in the 13 weeks, and a holder in force once per department', () => {
    const view = themeReport('t1', [
      { subjectId: 'a', periods: [{ validFrom: '2026-01-01', validUntil: '2026-03-10' }, { validFrom: '2026-03-11', validUntil: '2027-03-10' }] },
      { subjectId: 'b', periods: [{ validFrom: '2026-01-01', validUntil: '2026-03-10', revokedAt: '2026-02-01T00:00:00Z' }] },
      { subjectId: 'c', periods: [{ validFrom: '2025-01-01', validUntil: '2026-02-01' }] },
    ], (id) => (id === 'c' ? 'Elinvoima' : 'Kaupunkikehitys'), '2026-03-02');
    assert.deepEqual(view.departments, ['Kaupunkikehitys', 'Elinvoima']);
    assert.deepEqual(view.coverage, [[0, 1]]);
    assert.deepEqual(view.ending, [['a', '2026-01-01', '2026-03-10', 0, 1]]);
  });
});

describe('reports tab: lead times from lead points (the weekly summaries)', () => {
  it('equal leadTimeSeries over the facts, whatever order the points come in (random facts, ties in the grant instant)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      const facts: LeadFact[] = Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => {
        const submitted = addCalendarDays('2026-01-05', Math.floor(rnd() * 200));
        const path = rnd() < 0.7 ? 'existing' as const : 'missing' as const;
        const granted = addCalendarDays(submitted, path === 'existing' ? Math.floor(rnd() * 8) : 20 + Math.floor(rnd() * 40));
        // Several at the same instant (a bulk confirmation), with different lead times.
        return { path, submittedAt: helsinkiInstant(submitted, rnd() < 0.5 ? '09:00' : '15:30').toISOString(),
          grantedAt: helsinkiInstant(granted, '12:00').toISOString(), department: DEPARTMENTS[Math.floor(rnd() * DEPARTMENTS.length)] };
      });
      const points = facts.map(leadPoint).reverse();
      for (const path of ['existing', 'missing'] as const) {
        assert.deepEqual(leadTimeSeriesOf(points, path), leadTimeSeries(facts, path), `seed ${seed}, ${path}`);
        assert.deepEqual(leadTimeSeries([...facts].reverse(), path), leadTimeSeries(facts, path), `order of the facts, seed ${seed}`);
      }
    }
  });
});
