import type { TransactionAction } from '@azure/data-tables';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import { newOutboxRow } from './outboxRows';
import { auditRowKey } from './entities';

/**
 * The audit and outbox rows a change appends to its subject's partition of `orders` (an order's or a register
 * task's), in the same transaction as the change itself.
 */
export function appendActions(partition: string, audit: readonly AuditEvent[], outbox: readonly OutboxMessage[], now: Date): TransactionAction[] {
  const at = now.toISOString();
  const rand = Math.floor(Math.random() * 1000);
  return [
    ...audit.map((a, i): TransactionAction => ['create', {
      partitionKey: partition, rowKey: auditRowKey(a.at, rand + i), kind: 'audit', at: a.at, actorId: a.actorId,
      action: a.action, data: JSON.stringify(a),
    }]),
    ...outbox.map((m, i): TransactionAction => ['create', newOutboxRow(partition, m, at, rand + i)]),
  ];
}
