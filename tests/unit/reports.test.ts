import assert from 'node:assert/strict';
import {
  ageBucket, coverageCells, expiringWeeks, isoWeek, leadTime, leadTimeSeries, openOrderRow, openState, openWork, orderPath, percentile,
  reportTables, withinTarget, type LeadFact, type RegisterPeriod,
} from '../../bot/domain/reports';
import type { Order, OrderLine } from '../../bot/domain/order';
import type { OpenOrderRow } from '../../bot/domain/reportsContract';
import type { MessageKey } from '../../bot/i18n';

const line = (over: Partial<OrderLine>): OrderLine => ({ themeId: 't1', themeName: 'Teema', eservice: 'e', path: 'existing', stage: 'toGrant',
  due: '2026-03-05', earliest: '2026-03-03', ...over });

function order(over: Partial<Order>): Order {
  return {
    id: 'o1', number: 'VB-2026-00001', requesterId: 'r', requesterMail: 'r@x', managerId: null, justification: '', validUntil: '2027-01-01',
    subject: { id: 's', givenName: 'A', surname: 'B', department: 'Konsernipalvelut', serviceArea: '', jobTitle: '', mail: '' },
    lines: [line({})], status: 'open', assigneeId: null, assigneeName: null, question: null, createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z', hetuCipher: null, hetuMasked: '', closedReason: null, adminCard: null, unreachable: [], ...over,
  };
}

describe('reports arithmetic', () => {
  describe('lead time of a granted line', () => {
    // Christmas 2025: Wed 24 (Christmas Eve, offices closed), Thu 25 and Fri 26 are holidays; Wed 31 Dec is a working day; Thu 1 Jan is a holiday.
    const submitted = '2025-12-23T08:00:00.000Z'; // Tue 23 Dec, 10:00 in Helsinki
    it('path 1 counts working days after the submit day, skipping Christmas', () => {
      // Grant Mon 29 Dec: 24, 25, 26 off, 27–28 weekend → only the 29th counts.
      assert.equal(leadTime({ path: 'existing', submittedAt: submitted, grantedAt: '2025-12-29T12:00:00.000Z' }), 1);
      // Wed 31 Dec: 29, 30, 31.
      assert.equal(leadTime({ path: 'existing', submittedAt: submitted, grantedAt: '2025-12-31T12:00:00.000Z' }), 3);
      // Fri 2 Jan: 29, 30, 31, (1 Jan off), 2 → 4, past the target.
      assert.equal(leadTime({ path: 'existing', submittedAt: submitted, grantedAt: '2026-01-02T12:00:00.000Z' }), 4);
    });
    it('uses the Helsinki day: 00:30 on 23 Dec in Helsinki is still 22 Dec in UTC', () => {
      // Submitted 23 Dec 00:30 EET (22 Dec 22:30Z), granted the same Helsinki day → 0 working days.
      assert.equal(leadTime({ path: 'existing', submittedAt: '2025-12-22T22:30:00.000Z', grantedAt: '2025-12-23T09:00:00.000Z' }), 0);
    });
    it('path 2 counts weeks from the submit day to the grant day, one decimal', () => {
      // Mon 2 Mar → Mon 13 Apr 2026: 31 − 2 (March) + 13 = 42 days = 6 weeks.
      assert.equal(leadTime({ path: 'missing', submittedAt: '2026-03-02T08:00:00.000Z', grantedAt: '2026-04-13T08:00:00.000Z' }), 6);
      // → Thu 16 Apr: 45 days = 6.43 → 6.4.
      assert.equal(leadTime({ path: 'missing', submittedAt: '2026-03-02T08:00:00.000Z', grantedAt: '2026-04-16T08:00:00.000Z' }), 6.4);
    });
    it('is within target at most 3 working days (path 1) and at most 6 weeks (path 2)', () => {
      assert.deepEqual([withinTarget('existing', 3), withinTarget('existing', 4), withinTarget('missing', 6), withinTarget('missing', 6.1), withinTarget('missing', 2)],
        [true, false, true, false, true]);
    });
  });

  describe('percentiles and weeks', () => {
    it('interpolates between closest ranks', () => {
      // [1,2,3,4]: median halfway between 2 and 3; p90 at rank 0.9·3 = 2.7 → 3 + 0.7·(4 − 3).
      assert.equal(percentile([4, 1, 3, 2], 0.5), 2.5);
      assert.equal(percentile([4, 1, 3, 2], 0.9), 3.7);
      assert.equal(percentile([5], 0.9), 5);
      assert.equal(percentile([], 0.5), 0);
    });
    it('names a week by its Monday', () => {
      assert.equal(isoWeek('2026-01-01'), '2025-12-29'); // a Thursday
      assert.equal(isoWeek('2026-03-02'), '2026-03-02'); // a Monday
      assert.equal(isoWeek('2026-03-08'), '2026-03-02'); // a Sunday
    });
  });

  describe('lead time series', () => {
    const facts: LeadFact[] = [
      { path: 'existing', submittedAt: '2025-12-23T08:00:00.000Z', grantedAt: '2025-12-29T12:00:00.000Z', department: 'A' }, // 1
      { path: 'existing', submittedAt: '2025-12-23T08:00:00.000Z', grantedAt: '2025-12-31T12:00:00.000Z', department: 'A' }, // 3
      { path: 'existing', submittedAt: '2025-12-23T08:00:00.000Z', grantedAt: '2026-01-02T12:00:00.000Z', department: 'A' }, // 4
      { path: 'existing', submittedAt: '2026-01-05T08:00:00.000Z', grantedAt: '2026-01-07T08:00:00.000Z', department: 'A' }, // Tue 6 Jan is Epiphany → 1
      { path: 'missing', submittedAt: '2026-03-02T08:00:00.000Z', grantedAt: '2026-04-16T08:00:00.000Z', department: 'A' }, // 6.4
    ];
    it('gives path 1 per grant week the count, median and 90th percentile, and the share within target', () => {
      const s = leadTimeSeries(facts, 'existing');
      assert.equal(s.unit, 'workingDays');
      assert.deepEqual(s.target, { max: 3 });
      assert.deepEqual(s.values, [1, 3, 4, 1]);
      assert.deepEqual(leadTimeSeries([...facts].reverse(), 'existing'), s, 'in grant order whatever order the store listed them');
      assert.equal(s.total, 4);
      assert.equal(s.withinTarget, 3);
      // Week of 29 Dec holds 1, 3, 4 (2 Jan is that week's Friday): median 3, p90 at rank 1.8 → 3 + 0.8 = 3.8.
      assert.deepEqual(s.weekly, [{ week: '2025-12-29', count: 3, median: 3, p90: 3.8 }, { week: '2026-01-05', count: 1, median: 1, p90: 1 }]);
    });
    it('gives path 2 in weeks with the 4–6 week target', () => {
      const s = leadTimeSeries(facts, 'missing');
      assert.deepEqual([s.unit, s.target, s.values, s.withinTarget], ['weeks', { min: 4, max: 6 }, [6.4], 0]);
      assert.deepEqual(s.weekly, [{ week: '2026-04-13', count: 1, median: 6.4, p90: 6.4 }]);
    });
  });

  describe('open work', () => {
    it('says whom an order waits for', () => {
      assert.equal(openState(order({ status: 'waitingForInfo' })), 'requester');
      assert.equal(openState(order({ status: 'awaitingApproval' })), 'manager');
      assert.equal(openState(order({ lines: [line({ path: 'missing', stage: 'applicationPrepared' }), line({})] })), 'signatory');
      assert.equal(openState(order({ lines: [line({ path: 'missing', stage: 'sentToDvv' }), line({ stage: 'granted' })] })), 'dvv');
      assert.equal(openState(order({ lines: [line({ path: 'missing', stage: 'review' })] })), 'administrator');
      assert.equal(openState(order({ lines: [line({ stage: 'toGrant' })] })), 'administrator');
    });
    it('puts an order on path 2 while an unfinished line needs DVV', () => {
      assert.equal(orderPath(order({ lines: [line({}), line({ path: 'missing', stage: 'sentToDvv' })] })), 2);
      assert.equal(orderPath(order({ lines: [line({}), line({ path: 'missing', stage: 'granted' })] })), 1);
    });
    it('gives an open order its age in working days, its due date and the days past it', () => {
      // Submitted Mon 2 Mar; today Thu 12 Mar: 3, 4, 5, 6, 9, 10, 11, 12 = 8 working days; due Thu 5 Mar → 7 days late.
      const row = openOrderRow(order({ assigneeName: 'Eija' }), '2026-03-12', 'https://teams.microsoft.com/l/message/c/m');
      assert.deepEqual(row, { orderId: 'o1', number: 'VB-2026-00001', path: 1, state: 'administrator', ageWorkingDays: 8, dueDate: '2026-03-05',
        daysOverdue: 7, holder: 'Eija', cardUrl: 'https://teams.microsoft.com/l/message/c/m' });
      const early = openOrderRow(order({}), '2026-03-04');
      assert.deepEqual([early.ageWorkingDays, early.daysOverdue, 'holder' in early, 'cardUrl' in early], [2, 0, false, false]);
    });
    it('buckets ages 0–3, 4–10, 11–30, 31+', () => {
      assert.deepEqual([0, 3, 4, 10, 11, 30, 31, 400].map(ageBucket), ['0–3', '0–3', '4–10', '4–10', '11–30', '11–30', '31+', '31+']);
    });
    it('counts by age, state and holder, and lists the most overdue first', () => {
      const r = (number: string, path: 1 | 2, age: number, late: number, state: OpenOrderRow['state'], holder?: string): OpenOrderRow =>
        ({ orderId: number, number, path, state, ageWorkingDays: age, dueDate: '2026-03-05', daysOverdue: late, ...(holder ? { holder } : {}) });
      const rows = [r('A', 1, 2, 0, 'administrator'), r('B', 2, 40, 3, 'dvv', 'Eija'), r('C', 1, 12, 9, 'administrator', 'Eija'), r('D', 2, 5, 0, 'manager')];
      const w = openWork(rows);
      assert.deepEqual(w.orders.map((o) => o.number), ['C', 'B', 'D', 'A']);
      assert.deepEqual(w.byAge, [{ bucket: '0–3', path1: 1, path2: 0 }, { bucket: '4–10', path1: 0, path2: 1 },
        { bucket: '11–30', path1: 1, path2: 0 }, { bucket: '31+', path1: 0, path2: 1 }]);
      assert.deepEqual(w.byState, [{ state: 'requester', count: 0 }, { state: 'manager', count: 1 }, { state: 'signatory', count: 0 },
        { state: 'dvv', count: 1 }, { state: 'administrator', count: 2 }]);
      assert.deepEqual(w.byHolder, [{ holder: '', count: 2 }, { holder: 'Eija', count: 2 }]);
    });
  });

  describe('the register', () => {
    const p = (subjectId: string, themeId: string, validFrom: string, validUntil: string, revokedAt?: string): RegisterPeriod =>
      ({ subjectId, themeId, validFrom, validUntil, ...(revokedAt ? { revokedAt } : {}) });
    // Today Wed 4 Mar 2026: the weeks start Mon 2 Mar; the 13th week is 25–31 May.
    const today = '2026-03-04';
    const periods = [
      p('s1', 't1', '2025-03-01', '2026-03-03'), // ended yesterday: not counted
      p('s1', 't2', '2025-01-01', '2026-03-04'), // ends today (week 0), renewed by the next one
      p('s1', 't2', '2026-03-04', '2027-03-04'),
      p('s2', 't1', '2025-03-16', '2026-03-16'), // Mon 16 Mar: week 2, renewal ordered
      p('s3', 't1', '2025-05-31', '2026-05-31'), // Sun 31 May: week 12
      p('s4', 't1', '2025-06-01', '2026-06-01'), // after the 13 weeks
      p('s5', 't1', '2025-03-20', '2026-03-20', '2026-02-01T10:00:00Z'), // revoked: does not lapse
      p('s6', 't1', '2025-03-10', '2026-03-10'), // week 1; its later entry was revoked, so not renewed
      p('s6', 't1', '2026-03-10', '2027-03-10', '2026-03-01T10:00:00Z'),
    ];
    it('counts entries ending per week for 13 weeks, renewed and with a renewal ordered', () => {
      const weeks = expiringWeeks(periods, [{ subjectId: 's2', themeId: 't1', validFrom: '2025-03-16', validUntil: '2026-03-16' }], today);
      const expected = ['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06', '2026-04-13', '2026-04-20', '2026-04-27',
        '2026-05-04', '2026-05-11', '2026-05-18', '2026-05-25'].map((week) => ({ week, ending: 0, renewalOrdered: 0, renewed: 0 }));
      Object.assign(expected[0], { ending: 1, renewed: 1 });
      Object.assign(expected[1], { ending: 1 });
      Object.assign(expected[2], { ending: 1, renewalOrdered: 1 });
      Object.assign(expected[12], { ending: 1 });
      assert.deepEqual(weeks, expected);
    });
    it('counts holders in force today per department and theme', () => {
      const dept: Record<string, string> = { s1: 'Sivistys', s2: 'Konserni', s3: 'Konserni', s4: 'Konserni', s6: 'Sivistys' };
      const cells = coverageCells(periods, (id) => dept[id] ?? '', today);
      // In force on 4 Mar: s1 t2 (both periods, one holder), s2 t1, s3 t1, s4 t1, s6 t1 (the first); s5 revoked, s1 t1 ended.
      assert.deepEqual(cells, [
        { department: 'Konserni', themeId: 't1', holders: 3 },
        { department: 'Sivistys', themeId: 't1', holders: 1 },
        { department: 'Sivistys', themeId: 't2', holders: 1 },
      ]);
    });
  });

  describe('tables', () => {
    it('carry the same numbers as the views, with localized column names and numbers as numbers', () => {
      const tr = (key: MessageKey) => `<${key}>`;
      const series = leadTimeSeries([{ path: 'existing', submittedAt: '2026-03-02T08:00:00.000Z', grantedAt: '2026-03-04T08:00:00.000Z', department: '' }], 'existing');
      const empty = leadTimeSeries([], 'missing');
      const tables = reportTables({
        generatedAt: '', local: true, filters: { from: '2026-01-01', to: '2026-03-31' }, departments: [], labels: {},
        leadTimes: { path1: series, path2: empty },
        openWork: openWork([openOrderRow(order({}), '2026-03-12')]),
        expiring: { weeks: [{ week: '2026-03-02', ending: 2, renewalOrdered: 1, renewed: 0 }] },
        coverage: { themes: [{ id: 't1', name: 'Verot' }], departments: ['K'], cells: [{ department: 'K', themeId: 't1', holders: 4 }], reviews: [] },
      }, tr);
      assert.deepEqual(tables.leadTimes.rows, [['<reports.path.1>', '2026-03-02', 1, 2, 2, '<reports.unit.workingDays>']]);
      assert.equal(tables.leadTimes.columns[0], '<reports.col.path>');
      assert.deepEqual(tables.openWork.rows, [['VB-2026-00001', '<reports.path.1>', '<reports.state.administrator>', 8, '2026-03-05', 7, '']]);
      assert.deepEqual(tables.expiring.rows, [['2026-03-02', 2, 1, 0]]);
      assert.deepEqual(tables.coverage.rows, [['K', 'Verot', 4]]);
      assert.equal(tables.coverage.columns.length, tables.coverage.rows[0].length);
    });
  });
});
