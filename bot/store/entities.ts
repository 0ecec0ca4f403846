/** Table/key design, in one place. Every hot query names a PartitionKey. */
export const TABLES = ['orders', 'orderIndex', 'grants', 'users', 'counters', 'outboxIndex', 'catalog'] as const;

/** orders: PartitionKey = order id; the order, its audit events and its outbox messages share the partition,
 * so a state change, its audit event and its notifications commit in one transaction. */
export const ORDER_ROW = 'order';
export const auditRowKey = (at: string, seq: number): string => `audit|${at}|${String(seq).padStart(3, '0')}`;
export const OUTBOX_PREFIX = 'outbox|';
export const outboxRowKey = (at: string, seq: number): string => `${OUTBOX_PREFIX}${at}|${String(seq).padStart(3, '0')}`;

/** orderIndex partitions: small pointer entities (RowKey = order id) to find orders other ways than by id. */
export const indexPartition = {
  requester: (userId: string): string => `req|${userId}`,
  subject: (userId: string): string => `subj|${userId}`,
  open: 'open',
  theme: (themeId: string): string => `theme|${themeId}`,
  number: 'num',
};

/** Characters Table Storage forbids in keys. */
export function safeKey(value: string): string {
  return value.replace(/[\\/#?\u0000-\u001f\u007f]/g, '_');
}

/** Upper bound of a RowKey prefix range (for ge/lt queries). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
