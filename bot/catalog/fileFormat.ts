import fs from 'node:fs/promises';
import path from 'node:path';
import type { CellValue, Workbook, Worksheet } from 'exceljs';
import type { CatalogSnapshot } from '../domain/catalog';
import { CsvSyntaxError, formatCsv, parseCsv, type CsvRecord } from './csv';
import {
  MAP_COLUMNS, THEME_COLUMNS, catalogTables, parseCatalogTables,
  type CatalogFileError, type CatalogTable, type ParseResult,
} from './catalogTable';

export type { CatalogFileError, CatalogFileErrorKind, ParseResult } from './catalogTable';

/**
 * The catalog as administrators edit it today: Excel or CSV.
 *
 * - .xlsx: one workbook, sheet "Valtuusasiat" (themes) and sheet "Valtuuskartta" (map).
 * - .csv: CSV has one table per file, so the catalog is two files next to each other, named from the
 *   path given: "catalog.csv" means `catalog.themes.csv` + `catalog.map.csv` (giving either of those two
 *   names directly means the same pair). Written as UTF-8 with BOM, comma-separated, CRLF; read with
 *   "," or ";" (Excel's choice in a Finnish locale).
 *
 * Every cell is written as text, so codes such as "0123" and texts starting with "=" come back unchanged.
 */

export const THEME_SHEET = 'Valtuusasiat';
export const MAP_SHEET = 'Valtuuskartta';

/** Sheet names accepted on import besides the Finnish ones (a Swedish or English workbook). */
const THEME_SHEET_NAMES = [THEME_SHEET, 'Fullmaktsärenden', 'Themes'];
const MAP_SHEET_NAMES = [MAP_SHEET, 'Fullmaktskarta', 'Map'];

export type CatalogFileKind = 'xlsx' | 'csv';

/** The format a path names by its extension, or undefined for anything else. */
export function catalogFileKind(file: string): CatalogFileKind | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === '.xlsx' ? 'xlsx' : ext === '.csv' ? 'csv' : undefined;
}

/** The two files of a CSV catalog for a path such as "catalog.csv" or "catalog.themes.csv". */
export function csvPaths(file: string): { themes: string; map: string } {
  const base = file.replace(/(\.themes|\.map)?\.csv$/i, '');
  return { themes: `${base}.themes.csv`, map: `${base}.map.csv` };
}

/**
 * Reads and validates a catalog file. Problems a person can fix (missing file, sheet or column, bad rows)
 * come back as errors with the row number a spreadsheet shows (header = row 1), never as exceptions.
 */
export async function readCatalogFile(file: string): Promise<ParseResult> {
  const kind = catalogFileKind(file);
  if (!kind) {
    return failure({ kind: 'unreadable', source: path.basename(file), message: 'use a .xlsx or .csv file' });
  }
  const tables = kind === 'xlsx' ? await readXlsx(file) : await readCsvPair(file);
  return 'errors' in tables ? failure(...tables.errors) : parseCatalogTables(tables.themes, tables.map);
}

/** Writes the catalog; returns the files written (one workbook, or the two CSV files). */
export async function writeCatalogFile(snapshot: CatalogSnapshot, file: string): Promise<string[]> {
  const kind = catalogFileKind(file);
  if (!kind) throw new Error(`${file}: use a .xlsx or .csv file name`);
  const { themes, map } = catalogTables(snapshot);
  if (kind === 'csv') {
    const paths = csvPaths(file);
    await fs.writeFile(paths.themes, formatCsv([[...THEME_COLUMNS], ...themes]), 'utf8');
    await fs.writeFile(paths.map, formatCsv([[...MAP_COLUMNS], ...map]), 'utf8');
    return [paths.themes, paths.map];
  }
  const workbook = newWorkbook();
  workbook.creator = 'Valtuusbotti';
  addSheet(workbook, THEME_SHEET, THEME_COLUMNS, themes);
  addSheet(workbook, MAP_SHEET, MAP_COLUMNS, map);
  await workbook.xlsx.writeFile(file);
  return [file];
}

type Tables = { themes: CatalogTable; map: CatalogTable } | { errors: CatalogFileError[] };

async function readCsvPair(file: string): Promise<Tables> {
  const paths = csvPaths(file);
  const errors: CatalogFileError[] = [];
  const read = async (p: string): Promise<CatalogTable | undefined> => {
    const source = path.basename(p);
    try {
      return { source, records: parseCsv(await fs.readFile(p, 'utf8')) };
    } catch (err) {
      errors.push(fileError(err, source));
      return undefined;
    }
  };
  const themes = await read(paths.themes);
  const map = await read(paths.map);
  return themes && map ? { themes, map } : { errors };
}

async function readXlsx(file: string): Promise<Tables> {
  const workbook = newWorkbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (err) {
    return { errors: [fileError(err, path.basename(file))] };
  }
  const errors: CatalogFileError[] = [];
  const sheet = (names: readonly string[]): CatalogTable | undefined => {
    const found = workbook.worksheets.find((ws) => names.some((n) => n.toLowerCase() === ws.name.trim().toLowerCase()));
    if (!found) {
      errors.push({ kind: 'missingSheet', source: path.basename(file), message: `the workbook has no sheet "${names[0]}"` });
      return undefined;
    }
    return { source: found.name, records: sheetRecords(found) };
  };
  const themes = sheet(THEME_SHEET_NAMES);
  const map = sheet(MAP_SHEET_NAMES);
  return themes && map ? { themes, map } : { errors };
}

/** A sheet's non-empty rows as text cells, numbered as the spreadsheet shows them (also read by the register file). */
export function sheetRecords(sheet: Worksheet): CsvRecord[] {
  const records: CsvRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(cellText(row.getCell(i).value));
    if (cells.some((c) => c.trim() !== '')) records.push({ rowNumber, cells });
  });
  return records;
}

/** The text a person sees in a cell, whatever type Excel gave it. */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) {
    // exceljs types the text as a string, but a styled link carries rich text there.
    const text: unknown = value.text;
    return typeof text === 'string' ? text : isRichText(text) ? cellText(text) : value.hyperlink;
  }
  if ('formula' in value || 'sharedFormula' in value) return value.result === undefined ? '' : cellText(value.result);
  if ('error' in value) return value.error;
  return '';
}

function isRichText(value: unknown): value is { richText: Array<{ text: string }> } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { richText?: unknown }).richText);
}

export function addSheet(workbook: Workbook, name: string, columns: readonly string[], rows: readonly string[][]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c, key: c, width: columnWidth(c) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

function columnWidth(column: string): number {
  if (/^(description|why)_/.test(column)) return 60;
  if (/^(name|scope$|eservice|theme_id|id$)/.test(column)) return 40;
  return 18;
}

function fileError(err: unknown, source: string): CatalogFileError {
  if (err instanceof CsvSyntaxError) {
    return { kind: 'unreadable', source, row: err.rowNumber, message: err.message };
  }
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    return { kind: 'missingFile', source, message: 'the file does not exist' };
  }
  return { kind: 'unreadable', source, message: `the file cannot be read (${(err as Error).message})` };
}

function failure(...errors: CatalogFileError[]): ParseResult {
  return { ok: false, errors };
}

/**
 * exceljs (and its ~150 packages) is loaded here, on the first .xlsx read or write, never by the bot itself:
 * only the catalog and register commands touch Excel files.
 */
export function newWorkbook(): Workbook {
  const { Workbook: ExcelWorkbook } = require('exceljs') as typeof import('exceljs');
  return new ExcelWorkbook();
}
