import { odata, type TableClient } from '@azure/data-tables';
import type { Tables } from './tables';
import { isStatus } from './tables';
import { PENDING_PARTITION, decodeOutboxRow, outboxPatch, pendingOutboxRows, pendingPointer, type OutboxRow } from './outboxRows';
import type { OutboxRecord } from '../domain/outbox';

export interface PendingPartition {
  orderId: string; etag: string; leaseUntil: number; leaseOwner: string;
  /** When a commit last said the partition has new messages (ISO): a pass takes the oldest first. */
  touchedAt?: string;
}

/**
 * Outbox rows live in their order's partition (written in the order's transaction); outboxIndex/pending lists
 * the partitions that may hold undelivered rows, so the dispatcher never scans the orders table.
 */
export class OutboxStore {
  private readonly orders: TableClient;
  private readonly index: TableClient;
  private readonly now: () => Date;

  constructor(tables: Tables, options: { now?: () => Date } = {}) {
    this.orders = tables.client('orders');
    this.index = tables.client('outboxIndex');
    this.now = options.now ?? (() => new Date());
  }

  async pendingPartitions(): Promise<PendingPartition[]> {
    const out: PendingPartition[] = [];
    for await (const e of this.index.listEntities<{ leaseUntil?: number; leaseOwner?: string; touchedAt?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${PENDING_PARTITION}` } })) {
      out.push({ orderId: e.rowKey as string, etag: String(e.etag), leaseUntil: Number(e.leaseUntil ?? 0), leaseOwner: String(e.leaseOwner ?? ''),
        touchedAt: typeof e.touchedAt === 'string' ? e.touchedAt : undefined });
    }
    return out;
  }

  /** Takes the partition for `ms` unless another instance holds a live lease; ETag makes it exclusive. */
  async tryLease(p: PendingPartition, owner: string, ms: number, now: number): Promise<PendingPartition | undefined> {
    if (p.leaseUntil > now && p.leaseOwner !== owner) return undefined;
    try {
      const leaseUntil = now + ms;
      const r = await this.index.updateEntity({ partitionKey: PENDING_PARTITION, rowKey: p.orderId, leaseUntil, leaseOwner: owner }, 'Merge', { etag: p.etag });
      return { ...p, etag: String(r.etag), leaseUntil, leaseOwner: owner };
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async pendingMessages(orderId: string): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    for await (const e of this.orders.listEntities<OutboxRow>({ queryOptions: { filter: pendingOutboxRows(orderId) } })) {
      out.push(decodeOutboxRow(orderId, e));
    }
    return out.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
  }

  async delivered(record: OutboxRecord): Promise<void> {
    await this.orders.deleteEntity(record.orderId, record.rowKey).catch((err) => { if (!isStatus(err, 404)) throw err; });
  }

  /** Marks a non-idempotent channel post as started (written before the post). */
  async markPosting(record: OutboxRecord, at: Date): Promise<void> {
    await this.orders.updateEntity(outboxPatch.posting(record, at), 'Merge');
  }

  /** Saves where a channel post landed: one write, no read, the first thing after the post. */
  async recordPost(record: OutboxRecord, post: { conversationId: string; activityId: string }): Promise<void> {
    await this.orders.updateEntity(outboxPatch.posted(record, post), 'Merge');
  }

  async reschedule(record: OutboxRecord, notBefore: Date, lastError: string): Promise<void> {
    await this.orders.updateEntity(outboxPatch.reschedule(record, notBefore, lastError), 'Merge');
  }

  /** Dead-letter: kept in the partition with status failed, for operators; never retried. */
  async failed(record: OutboxRecord, lastError: string): Promise<void> {
    await this.orders.updateEntity(outboxPatch.failed(record, lastError), 'Merge');
  }

  /**
   * Ends the lease. When nothing is pending the index row goes (ETag-guarded: a writer that touched it since
   * keeps it); then the partition is read once more so a message committed meanwhile is not stranded.
   */
  async release(p: PendingPartition, remaining: number, nextAttempt: number): Promise<void> {
    if (remaining > 0) {
      await this.index.updateEntity({ partitionKey: PENDING_PARTITION, rowKey: p.orderId, leaseUntil: nextAttempt, leaseOwner: '' }, 'Merge', { etag: p.etag })
        .catch((err) => { if (!isStatus(err, 412) && !isStatus(err, 404)) throw err; });
      return;
    }
    try {
      await this.index.deleteEntity(PENDING_PARTITION, p.orderId, { etag: p.etag });
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) return;
      throw err;
    }
    if ((await this.pendingMessages(p.orderId)).length > 0) {
      await this.index.upsertEntity(pendingPointer(p.orderId, this.now()), 'Merge');
    }
  }
}
