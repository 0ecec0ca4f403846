/**
 * The outbox's entities, in one place: the message rows in their order's partition of `orders` (written in the
 * order's transaction by the order store, read and marked by the outbox store) and the `outboxIndex/pending`
 * pointers. Both stores go through these functions, so the field names live here only.
 */
import { odata, type TableEntity } from '@azure/data-tables';
import type { OutboxMessage, OutboxRecord } from '../domain/outbox';
import { prefixEnd } from './entities';

const OUTBOX_PREFIX = 'outbox|';
/** The index partition listing the order partitions that may hold undelivered rows. */
export const PENDING_PARTITION = 'pending';

/** RowKey `outbox|<time>|<seq>`: a partition's messages sort in the order they were written. */
const outboxRowKey = (at: string, seq: number): string => `${OUTBOX_PREFIX}${at}|${String(seq).padStart(3, '0')}`;

/** The fields of a message row as stored (a type, not an interface: entities are records to the SDK). */
type OutboxEntity = {
  kind: 'outbox';
  message: string;
  attempts: number;
  notBefore: string;
  status: OutboxRecord['status'];
  lastError?: string;
  postingSince?: string;
  postedConversationId?: string;
  postedActivityId?: string;
};

type Keys = { partitionKey: string; rowKey: string };
/** A message row as a query returns it. */
export type OutboxRow = Keys & Omit<OutboxEntity, 'kind'>;

/** A new message row, due at once (`at`, an ISO time, is also its place in the partition's order). */
export function newOutboxRow(orderId: string, message: OutboxMessage, at: string, seq: number): TableEntity<OutboxEntity> {
  return { partitionKey: orderId, rowKey: outboxRowKey(at, seq), kind: 'outbox', status: 'pending', attempts: 0,
    notBefore: at, message: JSON.stringify(message) };
}

/** When a message row was written (its key carries the time), in ms; NaN for a key of another shape. */
export function outboxRowWrittenAt(rowKey: string): number {
  return rowKey.startsWith(OUTBOX_PREFIX) ? Date.parse(rowKey.split('|')[1] ?? '') : NaN;
}

/** The OData filter for the message rows of one order's partition that still wait for delivery. */
export function pendingOutboxRows(orderId: string): string {
  return odata`PartitionKey eq ${orderId} and RowKey ge ${OUTBOX_PREFIX} and RowKey lt ${prefixEnd(OUTBOX_PREFIX)} and status eq ${'pending'}`;
}

export function decodeOutboxRow(orderId: string, e: OutboxRow): OutboxRecord {
  return { rowKey: e.rowKey, orderId, message: JSON.parse(e.message) as OutboxMessage, attempts: Number(e.attempts),
    notBefore: e.notBefore, status: e.status, lastError: e.lastError, postingSince: e.postingSince,
    posted: e.postedConversationId ? { conversationId: e.postedConversationId, activityId: e.postedActivityId ?? '' } : undefined };
}

const keysOf = (record: OutboxRecord): Keys => ({ partitionKey: record.orderId, rowKey: record.rowKey });

/** Merge patches of a message row, one per step of its delivery. */
export const outboxPatch = {
  /** A non-idempotent channel post is starting. */
  posting: (record: OutboxRecord, at: Date): TableEntity<Partial<OutboxEntity>> => ({ ...keysOf(record), postingSince: at.toISOString() }),
  /** Where the channel post landed. */
  posted: (record: OutboxRecord, post: { conversationId: string; activityId: string }): TableEntity<Partial<OutboxEntity>> =>
    ({ ...keysOf(record), postedConversationId: post.conversationId, postedActivityId: post.activityId }),
  reschedule: (record: OutboxRecord, notBefore: Date, lastError: string): TableEntity<Partial<OutboxEntity>> =>
    ({ ...keysOf(record), attempts: record.attempts + 1, notBefore: notBefore.toISOString(), lastError }),
  /** Dead letter: kept with status failed, never retried. */
  failed: (record: OutboxRecord, lastError: string): TableEntity<Partial<OutboxEntity>> =>
    ({ ...keysOf(record), attempts: record.attempts + 1, status: 'failed', lastError }),
};

/** The `outboxIndex/pending` pointer: the order's partition may hold rows to deliver (merged, keeps a lease). */
export function pendingPointer(orderId: string, at: Date): TableEntity<{ touchedAt: string }> {
  return { partitionKey: PENDING_PARTITION, rowKey: orderId, touchedAt: at.toISOString() };
}
