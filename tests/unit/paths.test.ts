import assert from 'node:assert/strict';
import { PATH1_WORKING_DAYS, PATH2_WEEKS, decidePath, estimate, isOverdue } from '../../bot/domain/paths';
import { workingDaysBetween } from '../../bot/domain/workdays';

describe('paths', () => {
  describe('decidePath', () => {
    it("is 'existing' when the organisation holds the theme", () => {
      assert.equal(decidePath({ heldByOrganisation: true }), 'existing');
    });

    it("is 'missing' when the organisation does not hold the theme", () => {
      assert.equal(decidePath({ heldByOrganisation: false }), 'missing');
    });

    it("is 'missing' for an unknown theme", () => {
      assert.equal(decidePath(undefined), 'missing');
    });
  });

  describe("estimate('existing')", () => {
    it('gives Monday as earliest and Wednesday as due for a Friday afternoon order', () => {
      const fridayAfternoon = new Date('2026-03-13T12:00:00Z'); // 14:00 in Helsinki
      assert.deepEqual(estimate('existing', fridayAfternoon), { earliest: '2026-03-16', due: '2026-03-18' });
    });

    it('skips the Christmas holidays: Monday 22 Dec 2025 is due Tuesday 30 Dec', () => {
      const monday = new Date('2025-12-22T08:00:00Z');
      const result = estimate('existing', monday);
      assert.deepEqual(result, { earliest: '2025-12-23', due: '2025-12-30' });
      assert.equal(workingDaysBetween('2025-12-22', result.due), PATH1_WORKING_DAYS);
    });

    it('counts from the Helsinki date: 00:30 Friday in Finland is still Thursday in UTC', () => {
      const thursdayLateEvening = new Date('2026-03-12T21:30:00Z'); // 23:30 Thursday in Helsinki
      const fridayJustAfterMidnight = new Date('2026-03-12T22:30:00Z'); // 00:30 Friday in Helsinki
      assert.equal(estimate('existing', thursdayLateEvening).due, '2026-03-17');
      assert.equal(estimate('existing', fridayJustAfterMidnight).due, '2026-03-18');
    });
  });

  describe("estimate('missing')", () => {
    it('is 4 to 6 weeks when both ends fall on working days', () => {
      const friday = new Date('2026-03-13T12:00:00Z');
      assert.deepEqual(estimate('missing', friday), { earliest: '2026-04-10', due: '2026-04-24' });
      assert.deepEqual(PATH2_WEEKS, { min: 4, max: 6 });
    });

    it("moves an end that falls on St Stephen's Day to the next working day (Friday order before Christmas)", () => {
      const friday = new Date('2025-11-28T10:00:00Z');
      // +4 weeks = Fri 26 Dec 2025 (St Stephen's) → Mon 29 Dec; +6 weeks = Fri 9 Jan 2026.
      assert.deepEqual(estimate('missing', friday), { earliest: '2025-12-29', due: '2026-01-09' });
    });

    it('moves an end that falls on Good Friday past Easter', () => {
      const friday = new Date('2026-03-06T10:00:00Z');
      // +4 weeks = Good Friday 3 Apr 2026 → Tue 7 Apr; +6 weeks = Fri 17 Apr.
      assert.deepEqual(estimate('missing', friday), { earliest: '2026-04-07', due: '2026-04-17' });
    });
  });

  describe('isOverdue', () => {
    it('is false up to and including the due date and true from the day after', () => {
      assert.equal(isOverdue('2026-03-18', '2026-03-17'), false);
      assert.equal(isOverdue('2026-03-18', '2026-03-18'), false);
      assert.equal(isOverdue('2026-03-18', '2026-03-19'), true);
      assert.equal(isOverdue('2025-12-30', '2026-01-02'), true);
    });

    it('throws on a malformed date rather than comparing text', () => {
      assert.throws(() => isOverdue('2026-3-18', '2026-03-19'), RangeError);
    });
  });
});
