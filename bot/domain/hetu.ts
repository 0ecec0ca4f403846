import { helsinkiDate } from './workdays';

/** Henkilötunnus (HETU): the Finnish personal identity code DDMMYYCZZZQ. */

export type HetuError =
  | 'required'
  | 'format'
  | 'centurySign'
  | 'date'
  | 'individualNumber'
  | 'checksum'
  | 'temporary'
  | 'underage';

export interface BirthDate {
  year: number;
  month: number;
  day: number;
}

export type HetuResult =
  | { ok: true; /** Normalised code. */ value: string; birthDate: BirthDate; /** Individual number 900–999. */ temporary: boolean }
  | { ok: false; error: HetuError };

export interface HetuOptions {
  /** "Now"; its calendar date in Finland decides future birth dates and age. */
  today: Date;
  /** Local mode only: DVV's test codes use the temporary range 900–999, which production must refuse. */
  acceptTestCodes: boolean;
  /** Suomi.fi grants mandates to adults only; default 18. */
  minAgeYears?: number;
}

const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** Century signs, including the extra ones DVV introduced in 2023 (Y X W V U and B C D E F). */
const CENTURY_BY_SIGN: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900,
  A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000,
};

const SHAPE = /^(\d{2})(\d{2})(\d{2})(.)(\d{3})([0-9A-Z])$/;

/**
 * For redaction, a century sign is any of the known ones and the check character any of the alphabet.
 * Digit lookarounds keep longer numbers (e.g. order ids "20260403-0001") from being mistaken for codes,
 * while a code glued to letters ("hetu:010594Y9032x") is still caught: over-redacting a log is harmless.
 */
const HETU_LIKE_SOURCE = String.raw`(?<!\d)\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?!\d)`;

export function normalizeHetu(input: string): string {
  return input.trim().toUpperCase();
}

/** The check character for DDMMYY + the three-digit individual number (nine digits, remainder mod 31). */
export function hetuCheckChar(nineDigits: string): string {
  if (!/^\d{9}$/.test(nineDigits)) throw new RangeError('hetuCheckChar expects exactly nine digits');
  return CHECK_CHARS[Number(nineDigits) % 31];
}

function isCalendarDate({ year, month, day }: BirthDate): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function compareDates(a: BirthDate, b: BirthDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function parseIsoDate(iso: string): BirthDate {
  const [year, month, day] = iso.split('-').map(Number);
  return { year, month, day };
}

/**
 * Age in completed years on `today`; the birthday itself counts. Someone born on 29 February has their
 * birthday on 28 February in common years (the Finnish rule for periods ending on a missing day).
 */
export function ageOn(birth: BirthDate, today: BirthDate): number {
  const lastDayOfMonth = new Date(Date.UTC(today.year, birth.month, 0)).getUTCDate();
  const birthdayThisYear = { year: today.year, month: birth.month, day: Math.min(birth.day, lastDayOfMonth) };
  const hadBirthday = compareDates(today, birthdayThisYear) >= 0;
  return today.year - birth.year - (hadBirthday ? 0 : 1);
}

export function validateHetu(input: string, opts: HetuOptions): HetuResult {
  const value = normalizeHetu(input);
  if (value === '') return { ok: false, error: 'required' };
  const m = SHAPE.exec(value);
  if (!m) return { ok: false, error: 'format' };
  const [, dd, mm, yy, sign, individual, check] = m;

  const century = CENTURY_BY_SIGN[sign];
  if (century === undefined) return { ok: false, error: 'centurySign' };

  const birthDate = { year: century + Number(yy), month: Number(mm), day: Number(dd) };
  const today = parseIsoDate(helsinkiDate(opts.today));
  if (!isCalendarDate(birthDate) || compareDates(birthDate, today) > 0) return { ok: false, error: 'date' };

  const individualNumber = Number(individual);
  if (individualNumber < 2) return { ok: false, error: 'individualNumber' };
  if (hetuCheckChar(`${dd}${mm}${yy}${individual}`) !== check) return { ok: false, error: 'checksum' };

  const temporary = individualNumber >= 900;
  if (temporary && !opts.acceptTestCodes) return { ok: false, error: 'temporary' };
  if (ageOn(birthDate, today) < (opts.minAgeYears ?? 18)) return { ok: false, error: 'underage' };

  return { ok: true, value, birthDate, temporary };
}

/** Birth date and century sign only ("010594Y****"); anything not shaped like a code is masked entirely. */
export function maskHetu(hetu: string): string {
  const value = normalizeHetu(hetu);
  return SHAPE.test(value) ? `${value.slice(0, 7)}****` : '***********';
}

/** Whether free text contains something shaped like a henkilötunnus (any case). */
export function isHetuLike(text: string): boolean {
  return new RegExp(HETU_LIKE_SOURCE, 'i').test(text);
}

/** Replaces everything shaped like a henkilötunnus with "[HETU]" (for logs and error reports). */
export function redactHetus(text: string): string {
  return text.replace(new RegExp(HETU_LIKE_SOURCE, 'gi'), '[HETU]');
}
