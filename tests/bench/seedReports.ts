/**
 * The reports tab's bench data (issue #13): completed orders' index rows (`orderIndex`: the number row `num|<year>`
 * and the grant week's row `lead|<week>`), written straight into Azurite in the order store's own row format
 * (orderIndexEntities) — the tab's lead times read only those rows, and submitting 20,000 orders through the app
 * would take the bench far longer than it measures. `format: 'beforeLeadRows'` writes only the number rows, as a
 * store written before the `lead|` rows existed (the first answer then runs the backfill).
 */
import type { TableTransaction } from '@azure/data-tables';
import { mapLimit } from '../../bot/store/mapLimit';
import { Tables } from '../../bot/store/tables';
import { leadsIndexedMark, numberIndexEntity, orderIndexEntities } from '../../bot/store/orderStore';
import { formatOrderNumber, type Order } from '../../bot/domain/order';
import { addCalendarDays, helsinkiInstant, type IsoDate } from '../../bot/domain/workdays';

const IN_FLIGHT = 16;
/** Sequences start here, clear of what the app itself numbers. */
const FIRST_SEQUENCE = 50_000;

/**
 * Order k of the bench: submitted 50–349 days before today, one line granted — three of four on path 1 (0–5 days
 * later), the rest on path 2 (28–49 days later) — so every grant falls within the last 12 months.
 */
export function syntheticCompletedOrder(k: number, today: IsoDate, departments: readonly string[]): Order {
  const submitted = addCalendarDays(today, -(50 + ((k * 7919) % 300)));
  const path = k % 4 === 0 ? 'missing' : 'existing';
  const granted = addCalendarDays(submitted, path === 'existing' ? k % 6 : 28 + (k % 22));
  const createdAt = helsinkiInstant(submitted, '09:00').toISOString();
  return {
    id: `bench-report-${k}`, number: formatOrderNumber(Number(submitted.slice(0, 4)), FIRST_SEQUENCE + k), requesterId: `bench-person-${k}`,
    requesterMail: '', managerId: null, justification: '', validUntil: addCalendarDays(today, 365), status: 'completed',
    subject: { id: `bench-person-${k}`, givenName: '', surname: '', department: departments[k % departments.length], serviceArea: '', jobTitle: '', mail: '' },
    lines: [{ themeId: 'bench-theme', themeName: 'Bench', eservice: '', path, stage: 'granted', due: granted, earliest: granted,
      grantedAt: helsinkiInstant(granted, '12:00').toISOString() }],
    assigneeId: null, assigneeName: null, question: null, createdAt, updatedAt: createdAt, hetuCipher: null, hetuMasked: '', closedReason: null,
    adminCard: null, unreachable: [],
  };
}

/** Writes orders 0..count-1's number index rows (transactions of up to 100 per partition, several in flight). */
export async function seedCompletedOrders(connectionString: string, tablePrefix: string, count: number, today: IsoDate,
  departments: readonly string[], format: 'current' | 'beforeLeadRows' = 'current'): Promise<{ orders: number; ms: number }> {
  const started = Date.now();
  const index = new Tables({ kind: 'connectionString', connectionString }, tablePrefix).client('orderIndex');
  const byPartition = new Map<string, Array<ReturnType<typeof numberIndexEntity>>>();
  for (let k = 0; k < count; k++) {
    const order = syntheticCompletedOrder(k, today, departments);
    for (const row of format === 'current' ? orderIndexEntities(order) : [numberIndexEntity(order)]) {
      const list = byPartition.get(row.partitionKey) ?? [];
      byPartition.set(row.partitionKey, list);
      list.push(row);
    }
  }
  const batches = [...byPartition.values()].flatMap((rows) => Array.from({ length: Math.ceil(rows.length / 100) }, (_, i) => rows.slice(i * 100, i * 100 + 100)));
  await mapLimit(batches, IN_FLIGHT, (batch) => index.submitTransaction(batch.map((row): TableTransaction['actions'][number] => ['upsert', row, 'Replace'])));
  if (format === 'current') await index.upsertEntity(leadsIndexedMark(), 'Replace');
  return { orders: count, ms: Date.now() - started };
}
