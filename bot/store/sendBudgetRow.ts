/**
 * The shared sending budget's one row (counters / sendBudget / slots): the time of the next free send slot and
 * the app-wide pause after a 429. Read, and written only if nobody changed it since (ETag); the rules of the
 * budget itself live in bot/notify/sendBudget.ts.
 */
import type { TableClient } from '@azure/data-tables';
import { isStatus, type Tables } from './tables';

export interface BudgetRow { next: number; pausedUntil: number; etag?: string }

export class SendBudgetRow {
  static readonly PARTITION = 'sendBudget';
  /** Not the old 'app' row (a list of grants): an instance of the old design ignores this row and vice versa. */
  static readonly ROW = 'slots';
  private readonly table: TableClient;

  constructor(tables: Tables) {
    this.table = tables.client('counters');
  }

  async read(): Promise<BudgetRow> {
    try {
      const e = await this.table.getEntity<{ next?: number; pausedUntil?: number }>(SendBudgetRow.PARTITION, SendBudgetRow.ROW);
      return { next: Number(e.next ?? 0), pausedUntil: Number(e.pausedUntil ?? 0), etag: String(e.etag) };
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      return { next: 0, pausedUntil: 0 };
    }
  }

  /** Writes the row if nobody changed it since it was read: the row as written, or undefined when someone did. */
  async write(row: BudgetRow): Promise<BudgetRow | undefined> {
    const entity = { partitionKey: SendBudgetRow.PARTITION, rowKey: SendBudgetRow.ROW, next: row.next, pausedUntil: row.pausedUntil };
    try {
      const r = row.etag
        ? await this.table.updateEntity(entity, 'Replace', { etag: row.etag })
        : await this.table.createEntity(entity);
      return { ...row, etag: String(r.etag) };
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409) || isStatus(err, 404)) return undefined;
      throw err;
    }
  }
}
