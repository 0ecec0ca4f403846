import type { TransactionAction } from '@azure/data-tables';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import { newOutboxRow } from './outboxRows';
import { auditRowKey } from './entities';

/** A transaction holds at most 100 entities, so a batch's row keys fit in a block of 100 numbers. */
const BLOCK = 100;
const BLOCKS = 10_000_000;
/**
 * The next batch's block: a random place at start, then the next block for each batch. Two batches written into
 * one partition in the same millisecond (a fixed clock in tests, two writers at once) would otherwise draw keys
 * that may meet, and the second transaction fails as a whole (409): in one process they never meet; between
 * instances, only if both started at the same place ± the batches since (1 in 10 million).
 */
let nextBlock = Math.floor(Math.random() * BLOCKS);

/**
 * The audit and outbox rows a change appends to its subject's partition of `orders` (an order's or a register
 * task's), in the same transaction as the change itself.
 */
export function appendActions(partition: string, audit: readonly AuditEvent[], outbox: readonly OutboxMessage[], now: Date): TransactionAction[] {
  const at = now.toISOString();
  const base = nextBlock * BLOCK;
  nextBlock = (nextBlock + 1) % BLOCKS;
  return [
    ...audit.map((a, i): TransactionAction => ['create', {
      partitionKey: partition, rowKey: auditRowKey(a.at, base + i), kind: 'audit', at: a.at, actorId: a.actorId,
      action: a.action, data: JSON.stringify(a),
    }]),
    ...outbox.map((m, i): TransactionAction => ['create', newOutboxRow(partition, m, at, base + i)]),
  ];
}
