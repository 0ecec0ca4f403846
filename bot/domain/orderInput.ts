/**
 * Validation of an order form submit. Pure: the caller passes the catalog, the allowed subjects, today and the
 * limits. Every field is checked every time (the card is never trusted); errors are message keys per field.
 */
import type { Theme } from './catalog';
import { validateHetu, isHetuLike, type HetuError } from './hetu';
import { normalizeInput } from './safeText';
import { addCalendarDays, helsinkiDate, type IsoDate } from './workdays';

export type FieldError = { key: string; params?: Record<string, string | number> };
export type OrderInputField = 'subjectId' | 'givenName' | 'surname' | 'hetu' | 'department' | 'themes' | 'customThemeName'
  | 'customThemeEservice' | 'justification' | 'validUntil' | 'requesterMail';

export interface RawOrderInput { [field: string]: unknown }

export interface ValidOrderInput {
  subjectId: string;
  givenName: string;
  surname: string;
  hetu: string;
  department: string;
  themeIds: string[];
  customTheme: { name: string; eservice: string } | null;
  justification: string;
  validUntil: IsoDate;
  requesterMail: string;
}

export interface OrderInputContext {
  themes: ReadonlyMap<string, Theme>;
  /** Who this requester may order for: themselves and, for a manager, their direct reports. */
  allowedSubjectIds: ReadonlySet<string>;
  defaultSubjectId: string;
  now: Date;
  maxValidityYears: number;
  acceptTestHetus: boolean;
}

export const JUSTIFICATION = { min: 20, max: 2000 } as const;
const NAME_MAX = 100;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;
// Control characters other than tab/newline never belong in a form field.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

// Boundary form (also applied to the whole activity on arrival; repeated here so the rule holds for any caller).
const str = (value: unknown): string => (typeof value === 'string' ? normalizeInput(value).trim() : '');

export function validateOrderInput(raw: RawOrderInput, ctx: OrderInputContext):
  { ok: true; value: ValidOrderInput } | { ok: false; errors: Partial<Record<OrderInputField, FieldError>> } {
  const errors: Partial<Record<OrderInputField, FieldError>> = {};
  const text = (field: OrderInputField, max: number, required = true, min = 0, singleLine = false): string => {
    // A name is one line: a line break pasted into it (even U+2028) becomes a space.
    const value = singleLine ? str(raw[field]).replace(/\s+/g, ' ') : str(raw[field]);
    if (!value) { if (required) errors[field] = { key: 'err.required' }; return ''; }
    if (CONTROL.test(value)) errors[field] = { key: 'err.textControl' };
    // Data minimisation: the code belongs only in its own (encrypted) field, never in text others will read.
    else if (isHetuLike(value)) errors[field] = { key: 'err.noHetuHere' };
    else if (value.length > max) errors[field] = { key: 'err.tooLong', params: { max } };
    else if (value.length < min) errors[field] = { key: 'err.tooShort', params: { min } };
    return value;
  };

  const subjectId = str(raw.subjectId) || ctx.defaultSubjectId;
  if (!ctx.allowedSubjectIds.has(subjectId)) errors.subjectId = { key: 'err.subject' };
  const givenName = text('givenName', NAME_MAX, true, 0, true);
  const surname = text('surname', NAME_MAX, true, 0, true);
  const department = text('department', 200, true, 0, true);
  const justification = text('justification', JUSTIFICATION.max, true, JUSTIFICATION.min);

  const hetuResult = validateHetu(str(raw.hetu), { today: ctx.now, acceptTestCodes: ctx.acceptTestHetus });
  if (!hetuResult.ok) errors.hetu = { key: hetuErrorKey(hetuResult.error) };

  const themeIds = [...new Set(str(raw.themes).split(',').map((s) => s.trim()).filter(Boolean))];
  for (const id of themeIds) {
    const theme = ctx.themes.get(id);
    if (!theme) { errors.themes = { key: 'err.themes.unknown' }; break; }
    if (!theme.active) { errors.themes = { key: 'err.themes.inactive', params: { name: theme.name.fi } }; break; }
  }
  const customName = text('customThemeName', 200, false, 0, true);
  const customEservice = text('customThemeEservice', 200, false, 0, true);
  let customTheme: ValidOrderInput['customTheme'] = null;
  if (customName || customEservice) {
    if (!customName) errors.customThemeName = { key: 'err.themes.customIncomplete' };
    if (!customEservice) errors.customThemeEservice = { key: 'err.themes.customIncomplete' };
    customTheme = { name: customName, eservice: customEservice };
  }
  if (themeIds.length === 0 && !customTheme && !errors.themes) errors.themes = { key: 'err.themes.none' };
  if (themeIds.length > 20) errors.themes = { key: 'err.tooLong', params: { max: 20 } };

  const today = helsinkiDate(ctx.now);
  const minDate = addCalendarDays(today, 1);
  const maxDate = addCalendarDays(today, Math.round(ctx.maxValidityYears * 365.25));
  const validUntil = str(raw.validUntil);
  if (!validUntil) errors.validUntil = { key: 'err.required' };
  else if (!isRealIsoDate(validUntil)) errors.validUntil = { key: 'err.date' };
  else if (validUntil < minDate || validUntil > maxDate) errors.validUntil = { key: 'err.dateRange', params: { min: minDate, max: maxDate } };

  const requesterMail = str(raw.requesterMail);
  if (!requesterMail) errors.requesterMail = { key: 'err.required' };
  else if (requesterMail.length > 254 || !EMAIL.test(requesterMail)) errors.requesterMail = { key: 'err.email' };

  if (Object.keys(errors).length || !hetuResult.ok) return { ok: false, errors };
  return { ok: true, value: { subjectId, givenName, surname, hetu: hetuResult.value, department, themeIds, customTheme,
    justification, validUntil, requesterMail } };
}

/** The range of dates the form's date picker offers. */
export function validityRange(now: Date, maxValidityYears: number): { min: IsoDate; max: IsoDate } {
  const today = helsinkiDate(now);
  return { min: addCalendarDays(today, 1), max: addCalendarDays(today, Math.round(maxValidityYears * 365.25)) };
}

export function hetuErrorKey(error: HetuError): string {
  return `err.hetu.${error}`;
}

function isRealIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
