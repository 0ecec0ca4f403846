import assert from 'node:assert/strict';
import {
  addCalendarDays,
  helsinkiInstant,
  addWorkingDays,
  helsinkiDate,
  isWorkingDay,
  nextWorkingDay,
  workingDaysBetween,
} from '../../bot/domain/workdays';

describe('workdays', () => {
  describe('isWorkingDay', () => {
    const daysOff: Array<[string, string]> = [
      ['2026-01-01', "New Year's Day (Thu)"],
      ['2026-01-06', 'Epiphany (Tue)'],
      ['2026-04-03', 'Good Friday'],
      ['2026-04-06', 'Easter Monday'],
      ['2026-05-01', 'May Day (Fri)'],
      ['2026-05-14', 'Ascension Day (Thu)'],
      ['2026-06-19', 'Midsummer Eve (Fri), a bank day in date-holidays'],
      ['2026-06-20', 'Midsummer Day (Sat)'],
      ['2025-06-20', 'Midsummer Eve 2025 (Fri)'],
      ['2026-10-31', "All Saints' Day (Sat between 31 Oct and 6 Nov)"],
      ['2027-12-06', 'Independence Day 2027 (Mon)'],
      ['2024-12-06', 'Independence Day 2024 (Fri)'],
      ['2025-12-24', 'Christmas Eve (Wed), a bank day in date-holidays'],
      ['2025-12-25', 'Christmas Day (Thu)'],
      ['2025-12-26', "St Stephen's Day (Fri)"],
      ['2026-03-14', 'an ordinary Saturday'],
      ['2026-03-15', 'an ordinary Sunday'],
    ];
    for (const [date, name] of daysOff) {
      it(`is false on ${date}, ${name}`, () => assert.equal(isWorkingDay(date), false));
    }

    const workingDays: Array<[string, string]> = [
      ['2026-04-02', 'Maundy Thursday'],
      ['2026-04-07', 'the Tuesday after Easter'],
      ['2026-05-13', 'the day before Ascension'],
      ['2026-06-18', 'the Thursday before Midsummer'],
      ['2026-10-30', "the Friday before All Saints' Day"],
      ['2025-12-23', 'the day before Christmas Eve'],
      ['2025-12-31', "New Year's Eve (a bank day that offices work)"],
      ['2026-01-02', 'the Friday after New Year'],
      ['2026-03-16', 'an ordinary Monday'],
    ];
    for (const [date, name] of workingDays) {
      it(`is true on ${date}, ${name}`, () => assert.equal(isWorkingDay(date), true));
    }

    it('throws on a date that is not YYYY-MM-DD or does not exist', () => {
      assert.throws(() => isWorkingDay('2026-4-7'), RangeError);
      assert.throws(() => isWorkingDay('2026-02-30'), RangeError);
    });
  });

  describe('addWorkingDays', () => {
    it('skips Easter: Thursday 2 Apr 2026 + 1 is Tuesday 7 Apr', () => {
      assert.equal(addWorkingDays('2026-04-02', 1), '2026-04-07');
    });

    it('skips Christmas: Tuesday 23 Dec 2025 + 1 is Monday 29 Dec, + 3 is Wednesday 31 Dec', () => {
      assert.equal(addWorkingDays('2025-12-23', 1), '2025-12-29');
      assert.equal(addWorkingDays('2025-12-23', 3), '2025-12-31');
    });

    it('skips New Year and Epiphany: 31 Dec 2025 + 3 is Wednesday 7 Jan 2026', () => {
      // 2 Jan (Fri), 5 Jan (Mon), then 6 Jan is Epiphany, so the third is 7 Jan.
      assert.equal(addWorkingDays('2025-12-31', 3), '2026-01-07');
    });

    it('skips Midsummer: Thursday 18 Jun 2026 + 1 is Monday 22 Jun', () => {
      assert.equal(addWorkingDays('2026-06-18', 1), '2026-06-22');
    });

    it('skips May Day and Ascension Day', () => {
      assert.equal(addWorkingDays('2026-04-30', 1), '2026-05-04');
      assert.equal(addWorkingDays('2026-05-13', 1), '2026-05-15');
    });

    it('does not count a start that is a holiday', () => {
      assert.equal(addWorkingDays('2026-04-03', 1), '2026-04-07');
    });

    it('returns the start for 0 and counts backwards for negative days', () => {
      assert.equal(addWorkingDays('2026-04-05', 0), '2026-04-05');
      assert.equal(addWorkingDays('2026-04-07', -1), '2026-04-02');
    });

    it('refuses a fractional number of days', () => {
      assert.throws(() => addWorkingDays('2026-04-02', 1.5), RangeError);
    });
  });

  describe('workingDaysBetween', () => {
    it('counts days after from up to and including to, skipping Easter', () => {
      // 2 Apr, then 7–10 Apr: Good Friday, the weekend and Easter Monday fall out.
      assert.equal(workingDaysBetween('2026-04-01', '2026-04-10'), 5);
      assert.equal(workingDaysBetween('2026-04-02', '2026-04-07'), 1);
    });

    it('is 0 for the same day and negative when to is before from', () => {
      assert.equal(workingDaysBetween('2026-04-07', '2026-04-07'), 0);
      assert.equal(workingDaysBetween('2026-04-10', '2026-04-01'), -5);
    });

    it('agrees with addWorkingDays across the Christmas week', () => {
      const start = '2025-12-19';
      for (const days of [1, 2, 3, 5, 8]) {
        assert.equal(workingDaysBetween(start, addWorkingDays(start, days)), days);
      }
    });
  });

  describe('calendar helpers', () => {
    it('addCalendarDays crosses month ends, leap days and years', () => {
      assert.equal(addCalendarDays('2028-02-28', 1), '2028-02-29');
      assert.equal(addCalendarDays('2026-02-28', 1), '2026-03-01');
      assert.equal(addCalendarDays('2026-12-31', 1), '2027-01-01');
      assert.equal(addCalendarDays('2026-03-01', -1), '2026-02-28');
    });

    it('nextWorkingDay keeps a working day and moves a day off forward', () => {
      assert.equal(nextWorkingDay('2026-03-16'), '2026-03-16');
      assert.equal(nextWorkingDay('2026-06-19'), '2026-06-22');
      assert.equal(nextWorkingDay('2025-12-24'), '2025-12-29');
    });
  });

  describe('helsinkiDate', () => {
    it('is already the next day when UTC is still before midnight (winter, UTC+2)', () => {
      assert.equal(helsinkiDate(new Date('2026-03-14T21:59:59Z')), '2026-03-14');
      assert.equal(helsinkiDate(new Date('2026-03-14T22:00:00Z')), '2026-03-15');
    });

    it('follows summer time (UTC+3)', () => {
      assert.equal(helsinkiDate(new Date('2026-06-30T20:59:59Z')), '2026-06-30');
      assert.equal(helsinkiDate(new Date('2026-06-30T21:00:00Z')), '2026-07-01');
    });

    it('turns the year in Helsinki two hours before UTC', () => {
      assert.equal(helsinkiDate(new Date('2025-12-31T22:30:00Z')), '2026-01-01');
    });

    it('gives Intl\'s date for every ten minutes of a year with both clock changes, asked in order and out of it', () => {
      const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });
      const start = Date.UTC(2026, 0, 1);
      const instants: number[] = [];
      for (let ms = start; ms < Date.UTC(2027, 0, 1); ms += 600_000) instants.push(ms);
      // Out of order too: each from a different hour than the one before (what the last hour remembers).
      const shuffled = instants.map((_, i) => instants[(i * 7919) % instants.length]);
      let checked = 0;
      for (const ms of [...instants, ...shuffled]) {
        assert.equal(helsinkiDate(new Date(ms)), intl.format(new Date(ms)), new Date(ms).toISOString());
        checked++;
      }
      assert.equal(checked, 2 * 365 * 144);
    });

    it('gives Intl\'s date before 1921 too, when Helsinki was 1:39:49 ahead of UTC', () => {
      assert.equal(helsinkiDate(new Date('1920-06-01T22:20:00Z')), '1920-06-01');
      assert.equal(helsinkiDate(new Date('1920-06-01T22:21:00Z')), '1920-06-02');
      assert.equal(helsinkiDate(new Date('1920-06-01T22:19:00Z')), '1920-06-01', 'the hour before is not remembered for it');
    });
  });
});

describe('helsinkiInstant', () => {
  it('turns Helsinki wall-clock time into the instant, in winter (UTC+2) and summer (UTC+3)', () => {
    assert.equal(helsinkiInstant('2026-12-01', '10:00').toISOString(), '2026-12-01T08:00:00.000Z');
    assert.equal(helsinkiInstant('2026-06-15', '10:00').toISOString(), '2026-06-15T07:00:00.000Z');
    assert.equal(helsinkiInstant('2026-03-29', '05:00').toISOString(), '2026-03-29T02:00:00.000Z', 'the morning the clocks go forward');
  });
});
