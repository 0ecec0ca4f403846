/** The CSV of a reports-tab view: exactly its table (UTF-8 with BOM, `;`, every cell quoted and formula-guarded like the register CSV). */
import type { ReportTable } from '../domain/reportsContract';
import { csvCell } from './registerSearch';

export function reportCsv(table: ReportTable): string {
  const lines = [table.columns, ...table.rows].map((cells) => cells.map((c) => csvCell(String(c))).join(';'));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
