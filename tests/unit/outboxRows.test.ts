import assert from 'node:assert/strict';
import { decodeOutboxRow, newOutboxRow, outboxPatch, outboxRowWrittenAt, pendingPointer, type OutboxRow } from '../../bot/store/outboxRows';
import type { OutboxMessage } from '../../bot/domain/outbox';
import type { AuditEvent } from '../../bot/domain/audit';
import { appendActions } from '../../bot/store/partitionRows';

/** The outbox row format, written by the order store and read by the outbox store: one module, round-tripped here. */
describe('outbox rows', () => {
  const message: OutboxMessage = { kind: 'personal', orderId: 'o1', recipientId: 'u1', event: 'claimed' };
  const at = '2026-11-30T09:00:00.000Z';

  it('a new row decodes to a pending record due at its write time, ordered by that time', () => {
    const row = newOutboxRow('o1', message, at, 7);
    assert.equal(row.partitionKey, 'o1');
    assert.equal(row.rowKey, `outbox|${at}|007`);
    assert.ok(newOutboxRow('o1', message, '2026-11-30T09:00:01.000Z', 0).rowKey > row.rowKey, 'later rows sort after');
    assert.equal(outboxRowWrittenAt(row.rowKey), Date.parse(at));
    assert.ok(Number.isNaN(outboxRowWrittenAt('audit|x|001')));
    assert.deepEqual(decodeOutboxRow('o1', row as OutboxRow),
      { rowKey: row.rowKey, orderId: 'o1', message, attempts: 0, notBefore: at, status: 'pending', lastError: undefined, postingSince: undefined, posted: undefined });
  });

  it('each delivery step\'s patch, merged into the row, decodes to that step', () => {
    const row = newOutboxRow('o1', message, at, 0) as OutboxRow;
    const record = decodeOutboxRow('o1', row);
    const merge = (patch: object): OutboxRow => ({ ...row, ...patch });
    const posting = decodeOutboxRow('o1', merge(outboxPatch.posting(record, new Date(at))));
    assert.equal(posting.postingSince, at);
    const posted = decodeOutboxRow('o1', merge(outboxPatch.posted(record, { conversationId: 'c', activityId: 'a' })));
    assert.deepEqual(posted.posted, { conversationId: 'c', activityId: 'a' });
    const later = new Date('2026-11-30T09:05:00.000Z');
    const rescheduled = decodeOutboxRow('o1', merge(outboxPatch.reschedule(record, later, '429 busy')));
    assert.deepEqual([rescheduled.attempts, rescheduled.notBefore, rescheduled.lastError, rescheduled.status], [1, later.toISOString(), '429 busy', 'pending']);
    const failed = decodeOutboxRow('o1', merge(outboxPatch.failed(record, '403 gone')));
    assert.deepEqual([failed.attempts, failed.status, failed.lastError], [1, 'failed', '403 gone']);
    for (const patch of [outboxPatch.posting(record, new Date(at)), outboxPatch.failed(record, 'x')]) {
      assert.deepEqual([patch.partitionKey, patch.rowKey], ['o1', row.rowKey], 'a patch names its row');
    }
  });

  it('the pending pointer names the order\'s partition with the time it was touched', () => {
    assert.deepEqual(pendingPointer('o1', new Date(at)), { partitionKey: 'pending', rowKey: 'o1', touchedAt: at });
  });
});

describe('the rows a change appends to its partition', () => {
  it('never share a key with another change\'s rows written in the same millisecond, and keep each change\'s messages in order', () => {
    const at = new Date('2026-12-10T00:00:00.000Z');
    const audit = (n: number): AuditEvent[] => Array.from({ length: n }, (_, i) => ({ at: at.toISOString(), actorId: 'u1', action: `a${i}`, from: 'open', to: 'open' }));
    const outbox = (n: number): OutboxMessage[] => Array.from({ length: n }, (_, i) => ({ kind: 'personal', orderId: 'o1', recipientId: `u${i}`, event: 'claimed' }));
    const keys = new Set<string>();
    let rows = 0;
    // A thousand changes at one instant (a test's fixed clock), up to a full transaction's 99 rows each.
    for (let change = 0; change < 1000; change++) {
      const actions = appendActions('o1', audit(1 + (change % 3)), outbox(change % 50 === 0 ? 98 : 6), at);
      const messageKeys = actions.map(([, entity]) => String(entity.rowKey)).filter((k) => k.startsWith('outbox|'));
      assert.deepEqual([...messageKeys].sort(), messageKeys, 'a change\'s messages sort in the order they were given');
      for (const [, entity] of actions) { keys.add(String(entity.rowKey)); rows++; }
    }
    assert.equal(keys.size, rows, 'every row key unique');
  });
});
