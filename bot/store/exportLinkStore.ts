/**
 * The administrators' CSV download links (issue #12): one row per link in `registerIndex` (PartitionKey `export`,
 * RowKey = the SHA-256 of the token (the service's key), so whoever reads the table cannot use a link), with who asked, what to export
 * and until when. Consumed once: the first download marks it used under the row's ETag, so two instances serving
 * the same link at the same moment cannot both answer it.
 */
import type { TableClient } from '@azure/data-tables';
import { isStatus, type Tables } from './tables';

const PARTITION = 'export';

export interface ExportLink {
  /** The administrator who asked for it (their object id). */
  adminId: string;
  /** What to export, as the service encoded it. */
  query: string;
  /** ISO instant after which the link is refused. */
  expiresAt: string;
}

export type ConsumeResult = { kind: 'ok'; link: ExportLink } | { kind: 'missing' } | { kind: 'used' };

export interface ExportLinkStore {
  create(key: string, link: ExportLink): Promise<void>;
  /** The link of a key, marked used by this call; 'used' when it was used before (or at the same moment elsewhere). */
  consume(key: string, at: Date): Promise<ConsumeResult>;
}

export class TableExportLinkStore implements ExportLinkStore {
  private readonly table: TableClient;
  constructor(tables: Tables) { this.table = tables.client('registerIndex'); }

  async create(key: string, link: ExportLink): Promise<void> {
    await this.table.createEntity({ partitionKey: PARTITION, rowKey: key, ...link });
  }

  async consume(key: string, at: Date): Promise<ConsumeResult> {
    let row: ExportLink & { usedAt?: string; etag: string };
    try {
      row = await this.table.getEntity<ExportLink & { usedAt?: string }>(PARTITION, key);
    } catch (err) {
      if (isStatus(err, 404)) return { kind: 'missing' };
      throw err;
    }
    if (row.usedAt) return { kind: 'used' };
    try {
      await this.table.updateEntity({ partitionKey: PARTITION, rowKey: key, usedAt: at.toISOString() }, 'Merge', { etag: row.etag });
    } catch (err) {
      if (isStatus(err, 412)) return { kind: 'used' };
      throw err;
    }
    return { kind: 'ok', link: { adminId: row.adminId, query: row.query, expiresAt: row.expiresAt } };
  }
}
