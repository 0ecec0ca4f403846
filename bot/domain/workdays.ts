import Holidays from 'date-holidays';

/** A calendar date in Finland, "YYYY-MM-DD". Dates are strings so no time zone can shift them. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * date-holidays marks Midsummer Eve (juhannusaatto) and Christmas Eve (jouluaatto) as 'bank' days, not
 * 'public' holidays: by law they are ordinary days, but municipal offices are closed on both (collective
 * agreements), so nothing gets granted. New Year's Eve is also 'bank' and IS a working day, which is why we
 * pick these two by their rule instead of taking every 'bank' day. The rule texts are date-holidays' own
 * (data/countries/FI); the unit tests fail if a library update renames them.
 */
const NON_WORKING_BANK_RULES: ReadonlySet<string> = new Set(['friday after 06-19', '12-24']);

const helsinkiFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Since 1 May 1921 Helsinki is a whole number of hours off UTC and its clocks change on the hour: every UTC hour
 * falls on one Helsinki date. The last hour asked is remembered (a turn asks several times; Intl is slow).
 */
const WHOLE_HOURS_SINCE = Date.UTC(1921, 4, 1);
const HOUR_MS = 3_600_000;
let lastHour = { hour: NaN, date: '' };

/** The calendar date in Finland at the given instant (what "today" means to the people we serve). */
export function helsinkiDate(instant: Date): IsoDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('helsinkiDate: invalid Date');
  const hour = Math.floor(ms / HOUR_MS);
  if (hour === lastHour.hour) return lastHour.date;
  const parts = helsinkiFormat.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string => {
    const found = parts.find((p) => p.type === type);
    if (!found) throw new Error(`helsinkiDate: Intl gave no ${type}`);
    return found.value;
  };
  const date = `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
  if (ms >= WHOLE_HOURS_SINCE) lastHour = { hour, date };
  return date;
}

/** Days since 1970-01-01 for a valid IsoDate; a malformed or impossible date is a bug, so it throws. */
function toDayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`Not an ISO date (YYYY-MM-DD): '${date}'`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new RangeError(`Not a calendar date: '${date}'`);
  }
  return ms / DAY_MS;
}

function fromDayNumber(dayNumber: number): IsoDate {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function requireInteger(days: number, fn: string): void {
  if (!Number.isSafeInteger(days)) throw new RangeError(`${fn}: days must be an integer, got ${days}`);
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  requireInteger(days, 'addCalendarDays');
  return fromDayNumber(toDayNumber(date) + days);
}

let calendar: Holidays | undefined;
/** Non-working holiday dates per year: date-holidays evaluates its rules on every call, so we keep them. */
const nonWorkingByYear = new Map<number, ReadonlySet<IsoDate>>();

function nonWorkingHolidays(year: number): ReadonlySet<IsoDate> {
  const cached = nonWorkingByYear.get(year);
  if (cached) return cached;
  calendar ??= new Holidays('FI');
  const dates = new Set<IsoDate>();
  for (const holiday of calendar.getHolidays(year)) {
    // holiday.date is "YYYY-MM-DD hh:mm:ss" in Finnish local time; the first 10 characters are the date.
    if (holiday.type === 'public' || (holiday.type === 'bank' && NON_WORKING_BANK_RULES.has(holiday.rule))) {
      dates.add(holiday.date.slice(0, 10));
    }
  }
  nonWorkingByYear.set(year, dates);
  return dates;
}

function isWorkingDayNumber(dayNumber: number): boolean {
  const date = fromDayNumber(dayNumber);
  const weekday = new Date(dayNumber * DAY_MS).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !nonWorkingHolidays(Number(date.slice(0, 4))).has(date);
}

/** False on weekends, Finnish public holidays, Midsummer Eve and Christmas Eve. */
export function isWorkingDay(date: IsoDate): boolean {
  return isWorkingDayNumber(toDayNumber(date));
}

/** The given day if it is a working day, else the first working day after it. */
export function nextWorkingDay(date: IsoDate): IsoDate {
  let day = toDayNumber(date);
  while (!isWorkingDayNumber(day)) day += 1;
  return fromDayNumber(day);
}

/**
 * The date `days` working days after `start` (start itself is not counted, so +1 from a Thursday is the
 * Friday). Negative `days` counts backwards the same way; 0 returns start unchanged.
 */
export function addWorkingDays(start: IsoDate, days: number): IsoDate {
  requireInteger(days, 'addWorkingDays');
  const step = days < 0 ? -1 : 1;
  let day = toDayNumber(start);
  for (let left = Math.abs(days); left > 0; ) {
    day += step;
    if (isWorkingDayNumber(day)) left -= 1;
  }
  return fromDayNumber(day);
}

/** Working days after `from` up to and including `to`; negative (the same count) when `to` is before `from`. */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  const a = toDayNumber(from);
  const b = toDayNumber(to);
  const [low, high, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let day = low + 1; day <= high; day += 1) {
    if (isWorkingDayNumber(day)) count += 1;
  }
  return sign * count;
}

/**
 * The instant of a Helsinki wall-clock time ("2026-12-01", "10:00"), across EET/EEST: start from the UTC
 * reading, then correct by the zone's offset at that moment (twice, for times near a DST change).
 */
export function helsinkiInstant(date: IsoDate, time: string): Date {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const shown = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(guess));
    const part = (t: string) => Number(shown.find((p) => p.type === t)?.value);
    const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
    guess += wanted - asUtc;
  }
  return new Date(guess);
}
