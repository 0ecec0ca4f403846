import { SCOPE_TYPES, MANDATE_TYPES, mandateTypeOf, themeExtras, type CatalogSnapshot, type MandateType, type MapRow, type ScopeType, type Theme } from '../domain/catalog';
import { normalizeText } from '../domain/textMatch';
import type { CsvRecord } from './csv';

/**
 * The catalog as two tables of text (themes, map), whatever file they came from: validation with
 * row-numbered errors on the way in, plain text cells on the way out.
 */

export const THEME_COLUMNS = [
  'id', 'name_fi', 'name_sv', 'name_en', 'eservice', 'description_fi', 'description_sv', 'description_en',
  'suomifi_code', 'held_by_organisation', 'active',
  // Added later: optional on import, so workbooks exported before them still import unchanged.
  'eservice_sv', 'eservice_en', 'mandate_type', 'specifier', 'instructions_url',
] as const;
export const MAP_COLUMNS = ['scope_type', 'scope', 'theme_id', 'why_fi', 'why_sv', 'why_en'] as const;
type ThemeColumn = (typeof THEME_COLUMNS)[number];
type MapColumn = (typeof MAP_COLUMNS)[number];

/** Columns an import cannot do without; the others default to "" (active: yes). */
const REQUIRED_THEME_COLUMNS: readonly ThemeColumn[] = ['id', 'name_fi', 'name_sv', 'eservice', 'held_by_organisation'];
const REQUIRED_MAP_COLUMNS: readonly MapColumn[] = ['scope_type', 'scope', 'theme_id', 'why_fi', 'why_sv'];
/** Free text that may span lines (Alt+Enter in Excel); every other cell is one line. */
const MULTILINE = /^(description|why)_/;

export const MAX_TEXT_LENGTH = 500;

export type CatalogFileErrorKind =
  | 'missingFile' | 'missingSheet' | 'unreadable' | 'missingColumn' | 'duplicate' | 'unknownTheme'
  | 'badText' | 'badId' | 'badBoolean' | 'unknownScopeType' | 'unknownMandateType' | 'badUrl';

export interface CatalogFileError {
  kind: CatalogFileErrorKind;
  /** The sheet (xlsx) or file (csv) the problem is in. */
  source: string;
  /** 1-based row as a spreadsheet shows it (header = 1); absent for a whole-file problem. */
  row?: number;
  column?: string;
  /** English, for the CLI and logs; callers may localise from kind/column instead. */
  message: string;
}

export type ParseResult = { ok: true; snapshot: CatalogSnapshot } | { ok: false; errors: CatalogFileError[] };

/** One sheet or CSV file: its name for messages and its non-empty records, header first. */
export interface CatalogTable {
  source: string;
  records: CsvRecord[];
}

const BOOLEANS = new Map<string, boolean>([
  ['yes', true], ['no', false], ['kyllä', true], ['kylla', true], ['ei', false],
  ['true', true], ['false', false], ['ja', true], ['nej', false],
]);

/** Scope types as the map may write them: the code name, or the Finnish/Swedish word. */
const SCOPE_TYPE_NAMES = new Map<string, ScopeType>([
  ['department', 'department'], ['toimiala', 'department'], ['sektor', 'department'],
  ['servicearea', 'serviceArea'], ['service_area', 'serviceArea'], ['palvelualue', 'serviceArea'], ['serviceområde', 'serviceArea'],
  ['jobtitle', 'jobTitle'], ['job_title', 'jobTitle'], ['nimike', 'jobTitle'], ['tehtävänimike', 'jobTitle'], ['befattning', 'jobTitle'],
]);

/** Theme ids are keys in storage and URLs: letters, digits, ".", "_" and "-". */
const THEME_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/i;

export function parseCatalogTables(themesTable: CatalogTable, mapTable: CatalogTable): ParseResult {
  const errors: CatalogFileError[] = [];
  const themes = parseThemes(themesTable, errors);
  const map = parseMap(mapTable, themes, errors);
  if (errors.length > 0 || !themes || !map) return { ok: false, errors };
  return { ok: true, snapshot: { themes, map } };
}

/** The snapshot as text rows in THEME_COLUMNS / MAP_COLUMNS order (without headers). */
export function catalogTables(snapshot: CatalogSnapshot): { themes: string[][]; map: string[][] } {
  return {
    themes: snapshot.themes.map((t) => [
      t.id, t.name.fi, t.name.sv, t.name.en, t.eservice, t.description.fi, t.description.sv, t.description.en,
      t.suomiFiCode, t.heldByOrganisation ? 'yes' : 'no', t.active ? 'yes' : 'no',
      t.eserviceSv ?? '', t.eserviceEn ?? '', mandateTypeOf(t), t.specifier ?? '', t.instructionsUrl ?? '',
    ]),
    map: snapshot.map.map((r) => [r.scopeType, r.scope, r.themeId, r.why.fi, r.why.sv, r.why.en]),
  };
}

function parseThemes(table: CatalogTable, errors: CatalogFileError[]): Theme[] | undefined {
  const rows = readRows(table, THEME_COLUMNS, REQUIRED_THEME_COLUMNS, errors);
  if (!rows) return undefined;
  const firstRowOf = new Map<string, number>();
  const themes: Theme[] = [];
  for (const { row, cell } of rows) {
    const problem = (kind: CatalogFileErrorKind, column: string, message: string): void => {
      errors.push({ kind, source: table.source, row, column, message });
    };
    const before = errors.length;
    const id = cell('id');
    if (!THEME_ID.test(id)) {
      problem('badId', 'id', id === '' ? 'the theme id is empty' : `theme id "${id}" may hold only letters a–z, digits, ".", "_" and "-" (at most 100)`);
    } else {
      const first = firstRowOf.get(id.toLowerCase());
      if (first !== undefined) problem('duplicate', 'id', `theme id "${id}" is already on row ${first}`);
      else firstRowOf.set(id.toLowerCase(), row);
    }
    const text = (column: ThemeColumn, required = false): string => checkedText(cell(column), column, required, problem);
    const theme: Theme = {
      id,
      name: { fi: text('name_fi', true), sv: text('name_sv', true), en: text('name_en') },
      eservice: text('eservice'),
      description: { fi: text('description_fi'), sv: text('description_sv'), en: text('description_en') },
      suomiFiCode: text('suomifi_code'),
      heldByOrganisation: booleanCell(cell('held_by_organisation'), 'held_by_organisation', undefined, problem),
      active: booleanCell(cell('active'), 'active', true, problem),
      ...themeExtras({
        eserviceSv: text('eservice_sv'),
        eserviceEn: text('eservice_en'),
        mandateType: mandateTypeCell(cell('mandate_type'), problem),
        specifier: text('specifier'),
        instructionsUrl: urlCell(text('instructions_url'), problem),
      }),
    };
    if (errors.length === before) themes.push(theme);
  }
  return themes;
}

function parseMap(table: CatalogTable, themes: Theme[] | undefined, errors: CatalogFileError[]): MapRow[] | undefined {
  const rows = readRows(table, MAP_COLUMNS, REQUIRED_MAP_COLUMNS, errors);
  if (!rows) return undefined;
  // Theme ids match case-insensitively; the row then carries the theme's own spelling.
  const themeIds = themes ? new Map(themes.map((t) => [t.id.toLowerCase(), t.id])) : undefined;
  const firstRowOf = new Map<string, number>();
  const map: MapRow[] = [];
  for (const { row, cell } of rows) {
    const problem = (kind: CatalogFileErrorKind, column: string, message: string): void => {
      errors.push({ kind, source: table.source, row, column, message });
    };
    const before = errors.length;
    const rawType = cell('scope_type');
    const scopeType = SCOPE_TYPE_NAMES.get(normalizeText(rawType).replace(/\s+/g, '_'));
    if (!scopeType) {
      problem('unknownScopeType', 'scope_type', `scope_type "${rawType}" is not one of ${SCOPE_TYPES.join(', ')}`);
    }
    const text = (column: MapColumn, required = false): string => checkedText(cell(column), column, required, problem);
    const scope = text('scope', true);
    const rawThemeId = cell('theme_id');
    const themeId = themeIds?.get(rawThemeId.toLowerCase());
    if (themeIds && !themeId) {
      problem('unknownTheme', 'theme_id', rawThemeId === '' ? 'theme_id is empty' : `theme "${rawThemeId}" is not in the themes`);
    }
    const why = { fi: text('why_fi', true), sv: text('why_sv', true), en: text('why_en') };
    if (scopeType && themeId && scope !== '') {
      const key = `${scopeType}\u0000${normalizeText(scope)}\u0000${themeId.toLowerCase()}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) problem('duplicate', 'scope', `${scopeType} "${scope}" → ${themeId} is already on row ${first}`);
      else firstRowOf.set(key, row);
    }
    if (errors.length === before && scopeType && themeId) map.push({ scopeType, scope, themeId, why });
  }
  return themes ? map : undefined;
}

type Problem = (kind: CatalogFileErrorKind, column: string, message: string) => void;

interface TableRow<C extends string> {
  row: number;
  /** The trimmed text of a column, line breaks as LF; "" when the column is absent or the cell empty. */
  cell: (column: C) => string;
}

/** Maps the header to column positions; a missing required column is an error on row 1 naming it. */
function readRows<C extends string>(
  table: CatalogTable, columns: readonly C[], required: readonly C[], errors: CatalogFileError[],
): Array<TableRow<C>> | undefined {
  const [header, ...records] = table.records;
  const names = (header?.cells ?? []).map((h) => normalizeText(h).replace(/[\s-]+/g, '_'));
  const position = new Map<C, number>();
  for (const column of columns) {
    const index = names.indexOf(column);
    if (index >= 0) position.set(column, index);
  }
  const missing = required.filter((c) => !position.has(c));
  for (const column of missing) {
    errors.push({ kind: 'missingColumn', source: table.source, row: header?.rowNumber ?? 1, column, message: `column "${column}" is missing` });
  }
  if (missing.length > 0) return undefined;
  return records.map(({ rowNumber, cells }) => ({
    row: rowNumber,
    cell: (column: C) => {
      const index = position.get(column);
      // XML (xlsx) turns CRLF into LF, so LF is the one line break kept, whatever the file wrote.
      return index === undefined ? '' : (cells[index] ?? '').replace(/\r\n?/g, '\n').trim();
    },
  }));
}

function checkedText(value: string, column: string, required: boolean, problem: Problem): string {
  if (required && value === '') problem('badText', column, `${column} is empty`);
  else if (value.length > MAX_TEXT_LENGTH) problem('badText', column, `${column} is longer than ${MAX_TEXT_LENGTH} characters (${value.length})`);
  else if (hasControlCharacters(value, MULTILINE.test(column))) problem('badText', column, `${column} contains control characters`);
  return value;
}

function hasControlCharacters(value: string, multiline: boolean): boolean {
  // Line breaks and tabs are fine in free text; everything else in C0/C1 is a copy-paste accident.
  const pattern = multiline ? /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u : /[\u0000-\u001F\u007F-\u009F]/u;
  return pattern.test(value);
}

/** Valtuustyyppi names as a sheet may write them: the code name or the words in fi/sv/en; empty = asiointivaltuus. */
const MANDATE_TYPE_NAMES = new Map<string, MandateType>([
  ...MANDATE_TYPES.map((t): [string, MandateType] => [normalizeText(t), t]),
  ['edustajan valtuutusoikeus', 'edustajanValtuutusoikeus'],
  ['ärendefullmakt', 'asiointivaltuus'], ['fullmaktsrätt', 'valtuutusoikeus'], ['representationsfullmakt', 'edustamisvaltuus'],
  ['representantens fullmaktsrätt', 'edustajanValtuutusoikeus'],
  ['mandate for transactions', 'asiointivaltuus'], ['right to grant a mandate', 'valtuutusoikeus'],
  ['mandate to represent', 'edustamisvaltuus'], ["representative's right to grant a mandate", 'edustajanValtuutusoikeus'],
]);

function mandateTypeCell(value: string, problem: Problem): MandateType {
  if (value === '') return 'asiointivaltuus';
  const found = MANDATE_TYPE_NAMES.get(normalizeText(value).replace(/\s+/g, ' '));
  if (!found) problem('unknownMandateType', 'mandate_type', `mandate_type "${value}" is not one of ${MANDATE_TYPES.join(', ')}`);
  return found ?? 'asiointivaltuus';
}

/** Only https links: the guide shows them as a link an administrator clicks. */
function urlCell(value: string, problem: Problem): string {
  if (value !== '' && !/^https:\/\/[^\s<>"]+$/i.test(value)) problem('badUrl', 'instructions_url', `instructions_url "${value}" is not an https:// link`);
  return value;
}

function booleanCell(value: string, column: string, fallback: boolean | undefined, problem: Problem): boolean {
  if (value === '' && fallback !== undefined) return fallback;
  const parsed = BOOLEANS.get(normalizeText(value));
  if (parsed === undefined) {
    problem('badBoolean', column, value === '' ? `${column} is empty (write yes or no)` : `${column} "${value}" is not yes/no (kyllä/ei, true/false)`);
    return false;
  }
  return parsed;
}
