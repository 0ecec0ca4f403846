/**
 * The register as a spreadsheet: the columns the city can fill from the list it keeps today, read with headers in
 * Finnish, Swedish or English, and the first, file-only checks of an import (columns, henkilötunnus, values,
 * dates). Matching people and themes needs the directory and the catalog: that is the register import service's.
 * Every problem is collected with the row number a spreadsheet shows (header = row 1), never thrown.
 */
import { isHetuLike } from './hetu';
import type { IsoDate } from './workdays';

/** The columns of an import, in file order when written. */
export const REGISTER_COLUMNS = ['employee', 'theme', 'validFrom', 'validUntil', 'grantedBy', 'note'] as const;
export type RegisterColumn = typeof REGISTER_COLUMNS[number];
/** The extra columns an export writes (ignored on import, so an exported file re-imports). */
export const EXPORT_ONLY_COLUMNS = ['state', 'source', 'recordedAt'] as const;
export type ExportColumn = RegisterColumn | typeof EXPORT_ONLY_COLUMNS[number];
const REQUIRED: readonly RegisterColumn[] = ['employee', 'theme', 'validFrom', 'validUntil'];

/** Header spellings accepted per column (compared after normalizeHeader); the first three are what an export writes. */
export const COLUMN_HEADERS: Readonly<Record<ExportColumn, { fi: string; sv: string; en: string; also: readonly string[] }>> = {
  employee: { fi: 'työntekijä', sv: 'anställd', en: 'employee', also: ['henkilö', 'sähköposti', 'person', 'e-post', 'email', 'e-mail', 'upn', 'object id'] },
  theme: { fi: 'valtuusasia', sv: 'fullmaktsärende', en: 'theme', also: ['teema', 'ärende', 'mandate theme'] },
  validFrom: { fi: 'voimassa alkaen', sv: 'giltig från', en: 'valid from', also: ['alkaen', 'alkupäivä', 'från', 'from', 'start'] },
  validUntil: { fi: 'voimassa asti', sv: 'giltig till', en: 'valid until', also: ['asti', 'päättyy', 'loppupäivä', 'till', 'until', 'end'] },
  grantedBy: { fi: 'myöntäjä', sv: 'beviljad av', en: 'granted by', also: ['myöntänyt', 'beviljare'] },
  note: { fi: 'huomautus', sv: 'anteckning', en: 'note', also: ['lisätieto', 'huom', 'kommentar', 'comment'] },
  state: { fi: 'tila', sv: 'status', en: 'state', also: [] },
  source: { fi: 'lähde', sv: 'källa', en: 'source', also: [] },
  recordedAt: { fi: 'kirjattu', sv: 'registrerad', en: 'recorded at', also: [] },
};

/** A header naming a henkilötunnus column in any of the three languages (or the common abbreviations). */
const HETU_HEADER = /henkilötunnus|^hetu$|^hetu\b|personbeteckning|personnummer|personal identity (code|number)|social security|^ssn$/;

export type RegisterFileErrorKind =
  | 'unreadable' | 'empty' | 'missingColumn' | 'hetuColumn' | 'hetuCell' | 'missingValue' | 'badDate' | 'reversedDates'
  | 'unknownPerson' | 'ambiguousPerson' | 'unknownTheme' | 'overlapInFile' | 'overlapWithRegister';

/**
 * One problem. `value` is the cell as written (shown so the person finds it) — never set for a henkilötunnus.
 * `otherRow` names the other row of an overlap within the file; `from`/`until` the register entry overlapped.
 */
export interface RegisterFileError {
  kind: RegisterFileErrorKind;
  row?: number;
  column?: RegisterColumn;
  value?: string;
  otherRow?: number;
  from?: IsoDate;
  until?: IsoDate;
  detail?: string;
}

/** A data row as written, its dates read. */
export interface RegisterFileRow {
  row: number;
  employee: string;
  theme: string;
  validFrom: IsoDate;
  validUntil: IsoDate;
  grantedBy: string;
  note: string;
}

export interface RawRecord {
  rowNumber: number;
  cells: string[];
}

export function normalizeHeader(header: string): string {
  return header.normalize('NFC').trim().toLowerCase().replace(/[_\s-]+/g, ' ').replace(/[()]/g, '').trim();
}

function columnOf(header: string): ExportColumn | undefined {
  const h = normalizeHeader(header);
  for (const [column, names] of Object.entries(COLUMN_HEADERS) as Array<[ExportColumn, typeof COLUMN_HEADERS[ExportColumn]]>) {
    if ([names.fi, names.sv, names.en, ...names.also].some((n) => normalizeHeader(n) === h)) return column;
  }
  // The export's identifier-like spellings too (valid_from, validFrom, recorded_at).
  const compact = h.replace(/\s/g, '');
  return [...REGISTER_COLUMNS, ...EXPORT_ONLY_COLUMNS].find((c) => c.toLowerCase() === compact);
}

/**
 * Reads the records of a register file (the first is the header). A henkilötunnus column or cell refuses the whole
 * file: the register never holds the code, and the errors say where, never what.
 */
/** A row whose values are not all usable, with the cells still worth matching, so every error is found in one run. */
export interface PartialRow {
  row: number;
  employee: string;
  theme: string;
}

export interface ParsedRegisterFile {
  rows: RegisterFileRow[];
  /** Rows with errors already: their person and theme are still matched (to report those errors too), nothing more. */
  partial: PartialRow[];
  errors: RegisterFileError[];
}

export function parseRegisterRecords(records: readonly RawRecord[]): ParsedRegisterFile {
  const [header, ...data] = records;
  if (!header) return { rows: [], partial: [], errors: [{ kind: 'empty' }] };
  const hetu = hetuErrors(header, data);
  if (hetu.length > 0) return { rows: [], partial: [], errors: hetu };
  const index = new Map<RegisterColumn, number>();
  const employeeColumns: number[] = [];
  header.cells.forEach((cell, i) => {
    const column = columnOf(cell);
    if (column === 'employee') employeeColumns.push(i);
    else if (column && (REGISTER_COLUMNS as readonly string[]).includes(column) && !index.has(column as RegisterColumn)) index.set(column as RegisterColumn, i);
  });
  const employeeColumn = pickEmployeeColumn(employeeColumns, data);
  if (employeeColumn !== undefined) index.set('employee', employeeColumn);
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) return { rows: [], partial: [], errors: missing.map((column) => ({ kind: 'missingColumn', row: header.rowNumber, column })) };

  const rows: RegisterFileRow[] = [];
  const partial: PartialRow[] = [];
  const errors: RegisterFileError[] = [];
  for (const record of data) {
    const cell = (c: RegisterColumn): string => {
      const i = index.get(c);
      return i === undefined ? '' : (record.cells[i] ?? '').trim();
    };
    const rowErrors: RegisterFileError[] = [];
    for (const column of REQUIRED) if (cell(column) === '') rowErrors.push({ kind: 'missingValue', row: record.rowNumber, column });
    const date = (column: 'validFrom' | 'validUntil'): IsoDate | undefined => {
      const text = cell(column);
      if (text === '') return undefined;
      const iso = parseRegisterDate(text);
      if (!iso) rowErrors.push({ kind: 'badDate', row: record.rowNumber, column, value: text });
      return iso;
    };
    const validFrom = date('validFrom');
    const validUntil = date('validUntil');
    if (validFrom && validUntil && validUntil < validFrom) {
      rowErrors.push({ kind: 'reversedDates', row: record.rowNumber, column: 'validUntil', from: validFrom, until: validUntil });
    }
    if (rowErrors.length > 0 || !validFrom || !validUntil) {
      errors.push(...rowErrors);
      partial.push({ row: record.rowNumber, employee: cell('employee'), theme: cell('theme') });
      continue;
    }
    rows.push({ row: record.rowNumber, employee: cell('employee'), theme: cell('theme'), validFrom, validUntil,
      grantedBy: cell('grantedBy'), note: cell('note') });
  }
  return { rows, partial, errors };
}

/**
 * A city's list often has both a name column ("Työntekijä") and an address column ("Sähköposti"): of the columns
 * that may name the employee, the one holding the most addresses or object ids is the one to match.
 */
function pickEmployeeColumn(columns: readonly number[], data: readonly RawRecord[]): number | undefined {
  const identifies = (text: string | undefined): boolean => /@|^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test((text ?? '').trim());
  let best: { column: number; score: number } | undefined;
  for (const column of columns) {
    const score = data.filter((r) => identifies(r.cells[column])).length;
    if (!best || score > best.score) best = { column, score };
  }
  return best?.column;
}

function hetuErrors(header: RawRecord, data: readonly RawRecord[]): RegisterFileError[] {
  const errors: RegisterFileError[] = [];
  header.cells.forEach((cell, i) => {
    if (HETU_HEADER.test(normalizeHeader(cell))) errors.push({ kind: 'hetuColumn', row: header.rowNumber, detail: columnLetter(i) });
  });
  for (const record of [header, ...data]) {
    record.cells.forEach((cell, i) => {
      if (isHetuLike(cell)) errors.push({ kind: 'hetuCell', row: record.rowNumber, detail: columnLetter(i) });
    });
  }
  return errors;
}

/** The spreadsheet's letter of a 0-based column index (A, B, …, Z, AA, …). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/**
 * A date as people write it in the register: ISO (2026-03-01), Finnish (1.3.2026, 01.03.2026) or a spreadsheet
 * date cell read at midnight (2026-03-01T00:00:00.000Z). Undefined for anything else or a day that does not exist.
 */
export function parseRegisterDate(text: string): IsoDate | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00(?:\.000)?Z)?$/.exec(t);
  const fin = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : fin ? [fin[3], fin[2], fin[1]] : [];
  if (!y || !m || !d) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}
