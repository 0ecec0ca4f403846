/**
 * RFC 4180 CSV, read and written as text only. Our own instead of exceljs's CSV reader because that one
 * turns cells that look like numbers or dates into numbers and dates (a code "0123" would come back as
 * 123), and because the seed loader must read synchronously.
 */

/** One record with its 1-based number as a spreadsheet shows it (the header is record 1). */
export interface CsvRecord {
  rowNumber: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly rowNumber: number, message: string) {
    super(`row ${rowNumber}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Parses CSV text into records. Accepts a UTF-8 BOM, CRLF/LF/CR line ends, quoted fields with embedded
 * delimiters, quotes ("") and line breaks. The delimiter is "," unless the header line has more ";"
 * than "," outside quotes, which is what Excel writes in a Finnish or Swedish locale.
 * Records whose cells are all empty are dropped but still counted, so row numbers match the spreadsheet.
 */
export function parseCsv(text: string, delimiter = detectDelimiter(text)): CsvRecord[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let rowNumber = 1;
  const endRecord = (): void => {
    cells.push(field);
    if (cells.some((c) => c !== '')) records.push({ rowNumber, cells });
    cells = [];
    field = '';
    fieldStarted = false;
    rowNumber += 1;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (src[i + 1] === '"') { field += '"'; i++; }
      else quoted = false;
      continue;
    }
    if (ch === '"' && !fieldStarted) { quoted = true; fieldStarted = true; }
    else if (ch === delimiter) { cells.push(field); field = ''; fieldStarted = false; }
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
    } else if (ch === '"') {
      throw new CsvSyntaxError(rowNumber, 'a quote (") inside an unquoted field; quote the whole field and double the quote');
    } else { field += ch; fieldStarted = true; }
  }
  if (quoted) throw new CsvSyntaxError(rowNumber, 'a quoted field is not closed');
  if (fieldStarted || cells.length > 0) endRecord();
  return records;
}

/** Writes records as RFC 4180 CSV with CRLF line ends and a UTF-8 BOM so Excel reads å/ä/ö right. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return '\uFEFF' + rows.map((row) => row.map(quoteField).join(',')).join('\r\n') + '\r\n';
}

function quoteField(value: string): string {
  return /[",\r\n]|^\s|\s$/u.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}
