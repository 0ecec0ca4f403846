import { odata, type TableClient } from '@azure/data-tables';
import type { Tables } from '../store/tables';
import { isStatus } from '../store/tables';
import { OUTBOX_PREFIX, prefixEnd } from '../store/entities';
import type { OutboxMessage, OutboxRecord } from '../domain/outbox';

export interface PendingPartition { orderId: string; etag: string; leaseUntil: number; leaseOwner: string }

/**
 * Outbox rows live in their order's partition (written in the order's transaction); outboxIndex/pending lists
 * the partitions that may hold undelivered rows, so the dispatcher never scans the orders table.
 */
export class OutboxStore {
  private readonly orders: TableClient;
  private readonly index: TableClient;

  constructor(tables: Tables) {
    this.orders = tables.client('orders');
    this.index = tables.client('outboxIndex');
  }

  async pendingPartitions(): Promise<PendingPartition[]> {
    const out: PendingPartition[] = [];
    for await (const e of this.index.listEntities<{ leaseUntil?: number; leaseOwner?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${'pending'}` } })) {
      out.push({ orderId: e.rowKey as string, etag: String(e.etag), leaseUntil: Number(e.leaseUntil ?? 0), leaseOwner: String(e.leaseOwner ?? '') });
    }
    return out;
  }

  /** Takes the partition for `ms` unless another instance holds a live lease; ETag makes it exclusive. */
  async tryLease(p: PendingPartition, owner: string, ms: number, now: number): Promise<PendingPartition | undefined> {
    if (p.leaseUntil > now && p.leaseOwner !== owner) return undefined;
    try {
      const leaseUntil = now + ms;
      const r = await this.index.updateEntity({ partitionKey: 'pending', rowKey: p.orderId, leaseUntil, leaseOwner: owner }, 'Merge', { etag: p.etag });
      return { ...p, etag: String(r.etag), leaseUntil, leaseOwner: owner };
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async pendingMessages(orderId: string): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    const filter = odata`PartitionKey eq ${orderId} and RowKey ge ${OUTBOX_PREFIX} and RowKey lt ${prefixEnd(OUTBOX_PREFIX)}`;
    for await (const e of this.orders.listEntities<{ message: string; attempts: number; notBefore: string; status: OutboxRecord['status']; lastError?: string;
      postingSince?: string; postedConversationId?: string; postedActivityId?: string }>({ queryOptions: { filter } })) {
      if (e.status !== 'pending') continue;
      out.push({ rowKey: e.rowKey as string, orderId, message: JSON.parse(e.message) as OutboxMessage, attempts: Number(e.attempts),
        notBefore: e.notBefore, status: e.status, lastError: e.lastError, postingSince: e.postingSince,
        posted: e.postedConversationId ? { conversationId: e.postedConversationId, activityId: e.postedActivityId ?? '' } : undefined });
    }
    return out.sort((a, b) => a.rowKey.localeCompare(b.rowKey));
  }

  async delivered(record: OutboxRecord): Promise<void> {
    await this.orders.deleteEntity(record.orderId, record.rowKey).catch((err) => { if (!isStatus(err, 404)) throw err; });
  }

  /** Marks a non-idempotent channel post as started (written before the post). */
  async markPosting(record: OutboxRecord, at: Date): Promise<void> {
    await this.orders.updateEntity({ partitionKey: record.orderId, rowKey: record.rowKey, postingSince: at.toISOString() }, 'Merge');
  }

  /** Saves where a channel post landed: one write, no read, the first thing after the post. */
  async recordPost(record: OutboxRecord, post: { conversationId: string; activityId: string }): Promise<void> {
    await this.orders.updateEntity({ partitionKey: record.orderId, rowKey: record.rowKey,
      postedConversationId: post.conversationId, postedActivityId: post.activityId }, 'Merge');
  }

  async reschedule(record: OutboxRecord, notBefore: Date, lastError: string): Promise<void> {
    await this.orders.updateEntity({ partitionKey: record.orderId, rowKey: record.rowKey, attempts: record.attempts + 1,
      notBefore: notBefore.toISOString(), lastError }, 'Merge');
  }

  /** Dead-letter: kept in the partition with status failed, for operators; never retried. */
  async failed(record: OutboxRecord, lastError: string): Promise<void> {
    await this.orders.updateEntity({ partitionKey: record.orderId, rowKey: record.rowKey, attempts: record.attempts + 1,
      status: 'failed', lastError }, 'Merge');
  }

  /**
   * Ends the lease. When nothing is pending the index row goes (ETag-guarded: a writer that touched it since
   * keeps it); then the partition is read once more so a message committed meanwhile is not stranded.
   */
  async release(p: PendingPartition, remaining: number, nextAttempt: number): Promise<void> {
    if (remaining > 0) {
      await this.index.updateEntity({ partitionKey: 'pending', rowKey: p.orderId, leaseUntil: nextAttempt, leaseOwner: '' }, 'Merge', { etag: p.etag })
        .catch((err) => { if (!isStatus(err, 412) && !isStatus(err, 404)) throw err; });
      return;
    }
    try {
      await this.index.deleteEntity('pending', p.orderId, { etag: p.etag });
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) return;
      throw err;
    }
    if ((await this.pendingMessages(p.orderId)).length > 0) {
      await this.index.upsertEntity({ partitionKey: 'pending', rowKey: p.orderId, touchedAt: new Date().toISOString() }, 'Merge');
    }
  }
}
