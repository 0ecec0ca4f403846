import assert from 'node:assert/strict';
import { proposedRenewalUntil, dueReminder, expiredNoticeDue, hasSuccessor, leadDaysFor, longestLead, renewalOpensOn, renewalStatus, daysBetween, sweepLook } from '../../bot/domain/renewal';
import { periodsOverlap } from '../../bot/domain/register';

const LEADS = { renewalLeadDays: [30, 7], renewalLeadDaysMissing: [60, 30] };
const entry = { themeId: 'vero', validFrom: '2025-12-31', validUntil: '2026-12-31' };

describe('renewal rules', () => {
  it('a theme the organisation does not hold gets the longer lead times; one gone from the catalog the ordinary ones', () => {
    assert.deepEqual(leadDaysFor({ heldByOrganisation: true }, LEADS), [30, 7]);
    assert.deepEqual(leadDaysFor({ heldByOrganisation: false }, LEADS), [60, 30]);
    assert.deepEqual(leadDaysFor(undefined, LEADS), [30, 7]);
    assert.equal(longestLead(LEADS), 60);
    assert.equal(renewalOpensOn(entry, [30, 7]), '2026-12-01');
  });

  it('the window: 31 days before the end nothing is due, 30 days before the 30-day reminder, 7 days before the 7-day one', () => {
    assert.equal(dueReminder(entry, [30, 7], '2026-11-30'), undefined);
    assert.deepEqual(dueReminder(entry, [30, 7], '2026-12-01'), { lead: 30, passed: [], daysLeft: 30 });
    assert.deepEqual(dueReminder(entry, [30, 7], '2026-12-23'), { lead: 30, passed: [], daysLeft: 8 });
    assert.deepEqual(dueReminder(entry, [30, 7], '2026-12-24'), { lead: 7, passed: [30], daysLeft: 7 });
    assert.deepEqual(dueReminder(entry, [30, 7], '2026-12-31'), { lead: 7, passed: [30], daysLeft: 0 }, 'the last day is still a valid day');
    assert.equal(dueReminder(entry, [30, 7], '2027-01-01'), undefined, 'an ended entry gets the "ended" notice instead');
  });

  it('catch-up: a sweep that missed both lead days sends the nearest and marks the others', () => {
    assert.deepEqual(dueReminder(entry, [60, 30, 7], '2026-12-26'), { lead: 7, passed: [30, 60], daysLeft: 5 });
  });

  it('the "ended" notice is due the day after the last day, for two weeks, never for a revoked entry', () => {
    assert.equal(expiredNoticeDue(entry, '2026-12-31'), false);
    assert.equal(expiredNoticeDue(entry, '2027-01-01'), true);
    assert.equal(expiredNoticeDue(entry, '2027-01-14'), true);
    assert.equal(expiredNoticeDue(entry, '2027-01-15'), false, 'an entry that ended long ago is history, not news');
    assert.equal(expiredNoticeDue({ ...entry, revokedAt: '2026-06-01T10:00:00Z' }, '2027-01-01'), false);
  });

  it('a later entry of the same theme (not revoked) means the renewal is arranged', () => {
    const next = { themeId: 'vero', validFrom: '2026-12-31', validUntil: '2027-12-31' };
    assert.equal(hasSuccessor(entry, [entry, next]), true);
    assert.equal(hasSuccessor(entry, [entry, { ...next, revokedAt: '2026-12-01T10:00:00Z' }]), false);
    assert.equal(hasSuccessor(entry, [entry, { ...next, themeId: 'kela' }]), false);
  });

  it('an order of a held theme: a continuation from the last day inside the window, held before it (with the day it opens)', () => {
    assert.deepEqual(renewalStatus([entry], 'vero', [30, 7], '2026-11-30'),
      { kind: 'held', current: { validFrom: '2025-12-31', validUntil: '2026-12-31' }, opensOn: '2026-12-01' });
    assert.deepEqual(renewalStatus([entry], 'vero', [30, 7], '2026-12-01'),
      { kind: 'continuation', current: { validFrom: '2025-12-31', validUntil: '2026-12-31' }, start: '2026-12-31' });
    assert.deepEqual(renewalStatus([entry], 'vero', [30, 7], '2027-01-01'), { kind: 'new' }, 'after the end: an ordinary new order');
    assert.deepEqual(renewalStatus([{ ...entry, revokedAt: '2026-05-01T00:00:00Z' }], 'vero', [30, 7], '2026-12-10'), { kind: 'new' });
    assert.deepEqual(renewalStatus([entry], 'kela', [30, 7], '2026-12-10'), { kind: 'new' });
  });

  it('with a renewal already recorded the order is held until the new entry\'s own window', () => {
    const next = { themeId: 'vero', validFrom: '2026-12-31', validUntil: '2027-12-31' };
    assert.deepEqual(renewalStatus([entry, next], 'vero', [30, 7], '2026-12-10'),
      { kind: 'held', current: { validFrom: '2026-12-31', validUntil: '2027-12-31' }, opensOn: '2027-12-01' });
  });

  it('the renewal form proposes as many whole years as the old entry lasted (at least one) from the new start', () => {
    assert.equal(proposedRenewalUntil({ validFrom: '2026-02-03', validUntil: '2026-12-20' }, '2026-12-20'), '2027-12-20', '320 days: a year');
    assert.equal(proposedRenewalUntil({ validFrom: '2024-01-01', validUntil: '2026-12-31' }, '2026-12-31'), '2029-12-31', 'three years');
    assert.equal(proposedRenewalUntil({ validFrom: '2027-02-28', validUntil: '2028-02-29' }, '2028-02-29'), '2029-02-28', 'no 29 February in 2029');
  });

  it('the continuation shares only the boundary day with the old entry: the register accepts it', () => {
    const status = renewalStatus([entry], 'vero', [30, 7], '2026-12-10');
    assert.equal(status.kind, 'continuation');
    if (status.kind !== 'continuation') return;
    assert.equal(periodsOverlap(entry, { validFrom: status.start, validUntil: '2027-12-31' }), false);
    assert.equal(daysBetween('2026-12-10', '2026-12-31'), 21);
  });

  describe('sweepLook: what the renewal step reads on a day', () => {
    const leads = { renewalLeadDays: [30, 7], renewalLeadDaysMissing: [60, 30] };
    const whole = { kind: 'window', from: '2026-11-16', to: '2027-01-29' };
    it('the whole window on the first run, a same-day re-run, a day before the last run, or after a long gap', () => {
      assert.deepEqual(sweepLook(leads, undefined, '2026-11-30'), whole);
      assert.deepEqual(sweepLook(leads, '2026-11-30', '2026-11-30'), whole);
      assert.deepEqual(sweepLook(leads, '2026-12-05', '2026-11-30'), whole);
      assert.deepEqual(sweepLook(leads, '2026-11-10', '2026-11-30'), whole, '20 days × 4 offsets cost more than the 75-day window');
    });
    it('the day after a run: the end dates whose 60-, 30- or 7-day day or "ended" day is today', () => {
      assert.deepEqual(sweepLook(leads, '2026-11-29', '2026-11-30'), { kind: 'days', days: ['2026-11-29', '2026-12-07', '2026-12-30', '2027-01-29'] });
    });
    it('two days missed: those of each day since the last run', () => {
      const look = sweepLook(leads, '2026-11-27', '2026-11-30');
      assert.equal(look.kind, 'days');
      assert.deepEqual(look.kind === 'days' && look.days, ['2026-11-27', '2026-11-28', '2026-11-29', '2026-12-05', '2026-12-06', '2026-12-07',
        '2026-12-28', '2026-12-29', '2026-12-30', '2027-01-27', '2027-01-28', '2027-01-29']);
    });
  });
});
