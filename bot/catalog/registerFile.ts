/**
 * The register's spreadsheet on disk: one table, as .xlsx (the first sheet) or .csv (read with "," or ";",
 * written UTF-8 with BOM), every cell read and written as text — the same conventions as the catalog file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RawRecord, RegisterFileError } from '../domain/registerFile';
import { CsvSyntaxError, formatCsv, parseCsv } from './csv';
import { addSheet, catalogFileKind, newWorkbook, sheetRecords } from './fileFormat';

/** The sheet name an export writes (any first sheet is read). */
export const REGISTER_SHEET = 'Valtuusrekisteri';

/** The file's records (header first), or why it cannot be read. */
export async function readRegisterRecords(file: string): Promise<{ records: RawRecord[] } | { errors: RegisterFileError[] }> {
  const kind = catalogFileKind(file);
  if (!kind) return { errors: [{ kind: 'unreadable', detail: 'use a .xlsx or .csv file' }] };
  try {
    if (kind === 'csv') return { records: parseCsv(await fs.readFile(file, 'utf8')) };
    const workbook = newWorkbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0];
    return { records: sheet ? sheetRecords(sheet) : [] };
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { errors: [{ kind: 'unreadable', row: err.rowNumber, detail: err.message }] };
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { errors: [{ kind: 'unreadable', detail: `${path.basename(file)} does not exist` }] };
    return { errors: [{ kind: 'unreadable', detail: (err as Error).message }] };
  }
}

/** Writes the header and rows (all text) as the file's extension says. */
export async function writeRegisterTable(file: string, header: readonly string[], rows: readonly string[][]): Promise<void> {
  const kind = catalogFileKind(file);
  if (!kind) throw new Error(`${file}: use a .xlsx or .csv file name`);
  if (kind === 'csv') {
    await fs.writeFile(file, formatCsv([header, ...rows]), 'utf8');
    return;
  }
  const workbook = newWorkbook();
  workbook.creator = 'Valtuusbotti';
  addSheet(workbook, REGISTER_SHEET, header, rows);
  await workbook.xlsx.writeFile(file);
}
