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

/** Every dash people (and their keyboards, phones and word processors) put where the century sign "-" goes. */
const DASHES = '\u002D\u00AD\u2010-\u2015\u2212\uFE63\uFF0D';
/** Spaces that may be typed between the birth date, the sign and the individual number ("071065 X4318"). */
const GAP = '[ \\t\u00A0\u2000-\u200B\u202F\u205F\u3000]{0,2}';
/**
 * A henkilötunnus written loosely: DDMMYY, maybe a gap, a century sign (any case, any dash) or none, maybe a
 * gap, the individual number and the check character. Digit lookarounds keep longer numbers (order ids
 * "20260403-0001", phone numbers) out; letters around are fine ("hetu:010594Y9032x" is still caught).
 * Linear: each start position is tried over at most 15 characters.
 */
const LOOSE_SOURCE = String.raw`(?<!\d)(\d{2})(\d{2})(\d{2})(${GAP})([${DASHES}+A-FU-Ya-fu-y]?)(${GAP})(\d{3})([0-9A-Za-z])(?!\d)`;
const DASH = new RegExp(`[${DASHES}]`, 'gu');
const STRICT_SIGN = /^[-+A-FU-Y]$/;
const STRICT_CHECK = /^[0-9A-FHJ-NPR-Y]$/;

/**
 * The code as typed, made canonical: full-width digits and letters folded (NFKC), upper case, any dash as "-",
 * spaces inside removed ("010594 y 9032" → "010594Y9032"). A code without its century sign stays invalid: the
 * sign cannot be guessed ("-" and "A" give different people).
 */
export function normalizeHetu(input: string): string {
  return input.normalize('NFKC').trim().toUpperCase().replace(DASH, '-').replace(/[\s\u200B]+/gu, '');
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

/**
 * Where free text holds a henkilötunnus, however it was written. A compact code with a century sign
 * ("010594Y9032", "010594y9032", "200798‐743T") counts by its shape alone, as before: over-redacting is
 * harmless (unless glued to a letter before it, as in hex ids). A looser form (a space inside, or no sign: "071065 X4318", "0105949032") counts only when it is a
 * real calendar date and its check character is right, so phone numbers and other digit runs stay readable.
 */
export function findHetus(text: string): Array<{ index: number; length: number }> {
  const found: Array<{ index: number; length: number }> = [];
  const re = new RegExp(LOOSE_SOURCE, 'gu');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (isHetuMatch(m, /[A-Za-z]/.test(text[m.index - 1] ?? ''))) found.push({ index: m.index, length: m[0].length });
  }
  return found;
}

/** `glued`: a letter right before it (hex ids such as UUIDs: "3f150385-2451-…"), so only a real code counts. */
function isHetuMatch(m: RegExpExecArray, glued: boolean): boolean {
  const [, dd, mm, yy, gap1, rawSign, gap2, individual, rawCheck] = m;
  const sign = rawSign.replace(DASH, '-').toUpperCase();
  const check = rawCheck.toUpperCase();
  if (sign && !gap1 && !gap2 && !glued) return STRICT_SIGN.test(sign) && STRICT_CHECK.test(check);
  if (sign && !STRICT_SIGN.test(sign)) return false;
  if (hetuCheckChar(`${dd}${mm}${yy}${individual}`) !== check) return false;
  const centuries = sign ? [CENTURY_BY_SIGN[sign]] : [1800, 1900, 2000];
  return centuries.some((c) => c !== undefined && isCalendarDate({ year: c + Number(yy), month: Number(mm), day: Number(dd) }));
}

/**
 * The text to search: as typed, and when it differs, its NFKC form too (full-width digits "０１０５９４…" fold
 * to ASCII), so a code cannot hide behind look-alike characters.
 */
function searchForms(text: string): string[] {
  const folded = text.normalize('NFKC');
  return folded === text ? [text] : [text, folded];
}

/** Whether free text contains a henkilötunnus in any of the ways people write one (see findHetus). */
export function isHetuLike(text: string): boolean {
  return searchForms(text).some((t) => findHetus(t).length > 0);
}

/** Replaces every henkilötunnus, however written, with "[HETU]" (free text shown to people, logs, exports). */
export function redactHetus(text: string): string {
  const forms = searchForms(text);
  // A code only visible after folding: show the folded text, redacted (the look-alike forms are not worth keeping).
  const source = forms.length > 1 && findHetus(forms[1]).length > findHetus(forms[0]).length ? forms[1] : forms[0];
  const hits = findHetus(source);
  if (!hits.length) return source;
  let out = '';
  let at = 0;
  for (const h of hits) { out += source.slice(at, h.index) + '[HETU]'; at = h.index + h.length; }
  return out + source.slice(at);
}
