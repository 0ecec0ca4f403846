/**
 * `npm run audit-export -- --from 2026-01-01 --to 2026-12-31 [--out file.csv]`: every audit event in the range
 * as CSV for records management (order number, time, actor, action, from → to, reason). Never a henkilötunnus:
 * free-text reasons pass through redactHetus as a last line of defence.
 */
import fs from 'node:fs';
import path from 'node:path';
import { odata } from '@azure/data-tables';
import { loadDotEnv, projectRoot } from '../config';
import type { Tables } from '../store/tables';
import { openTables } from './openTables';
import { redactHetus } from '../domain/hetu';
import type { AuditEvent } from '../domain/audit';

export interface AuditRow { orderNumber: string; event: AuditEvent }

/** Reads audit events between two dates (inclusive, UTC) across all orders: an offline export, not a hot path. */
export async function readAudit(tables: Tables, from: string, to: string): Promise<AuditRow[]> {
  const orders = tables.client('orders');
  const numbers = new Map<string, string>();
  const filterOrders = odata`RowKey eq ${'order'}`;
  for await (const e of orders.listEntities<{ number: string }>({ queryOptions: { filter: filterOrders, select: ['PartitionKey', 'number'] } })) {
    numbers.set(e.partitionKey as string, e.number);
  }
  const rows: AuditRow[] = [];
  const filter = odata`RowKey ge ${`audit|${from}`} and RowKey lt ${`audit|${to}T99`}`;
  for await (const e of orders.listEntities<{ data: string }>({ queryOptions: { filter } })) {
    rows.push({ orderNumber: numbers.get(e.partitionKey as string) ?? '', event: JSON.parse(e.data) as AuditEvent });
  }
  return rows.sort((a, b) => a.event.at.localeCompare(b.event.at));
}

const csvCell = (v: string): string => {
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v; // spreadsheet formula injection
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(rows: AuditRow[]): string {
  const header = ['order_number', 'at', 'actor_id', 'action', 'from', 'to', 'reason', 'detail'];
  const lines = rows.map(({ orderNumber, event: e }) => [orderNumber, e.at, e.actorId, e.action, e.from, e.to,
    redactHetus(e.reason ?? ''), redactHetus(e.detail ?? '')].map(csvCell).join(','));
  return `\ufeff${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const from = arg(argv, 'from');
  const to = arg(argv, 'to');
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  if (!from || !to || !iso.test(from) || !iso.test(to) || from > to) {
    process.stderr.write('Usage: npm run audit-export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out audit.csv]\n');
    return 2;
  }
  const { tables, stop } = await openTables(process.env, projectRoot(), (line) => process.stderr.write(`${line}\n`));
  let rows: AuditRow[];
  try {
    await tables.ensure(['orders']);
    rows = await readAudit(tables, from, to);
  } finally {
    await stop();
  }
  const csv = toCsv(rows);
  const out = arg(argv, 'out');
  if (out) {
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), out);
    fs.writeFileSync(file, csv);
    process.stdout.write(`Wrote ${rows.length} audit events to ${file}\n`);
  } else {
    process.stdout.write(csv);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`audit-export failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
