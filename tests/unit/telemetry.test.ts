import assert from 'node:assert/strict';
import { instrumentOrderStore, newlyGranted, pathsOf, scrubUrl, type TelemetrySink } from '../../bot/telemetry';
import type { OrderStore } from '../../bot/store/orderStore';
import type { Order, OrderLine } from '../../bot/domain/order';
import { sampleOrder } from '../helpers/cardCheck';

const line = (path: OrderLine['path'], stage: OrderLine['stage']): OrderLine =>
  ({ themeId: 't', themeName: 'T', eservice: 'e', path, stage, due: '2026-03-20', earliest: '2026-03-19' });

function recordingSink() {
  const calls: string[] = [];
  const sink: TelemetrySink = {
    orderSubmitted: (paths) => calls.push(`submitted ${paths}`),
    leadTime: (path, days) => calls.push(`lead ${path} ${days.toFixed(2)}`),
    deadLettered: (kind, status) => calls.push(`dead ${kind} ${status}`),
    observeOutbox: () => undefined,
    untraced: (fn) => fn(),
    shutdown: async () => undefined,
  };
  return { sink, calls };
}

describe('telemetry (business metrics and what may leave the process)', () => {
  it('names the paths an order takes', () => {
    assert.equal(pathsOf(sampleOrder({ lines: [line('existing', 'toGrant')] })), '1');
    assert.equal(pathsOf(sampleOrder({ lines: [line('missing', 'review'), line('existing', 'toGrant')] })), '1+2');
  });

  it('measures lead time per path from the order\'s creation to each line granted, once', () => {
    const created = Date.parse('2026-03-16T08:00:00Z');
    const before = sampleOrder({ createdAt: new Date(created).toISOString(), lines: [line('existing', 'toGrant'), line('missing', 'sentToDvv')] });
    const after: Order = { ...before, lines: [line('existing', 'granted'), line('missing', 'sentToDvv')] };
    assert.deepEqual(newlyGranted(before, after, created + 2.5 * 86_400_000), [{ path: '1', days: 2.5 }]);
    assert.deepEqual(newlyGranted(after, after, created + 3 * 86_400_000), [], 'an already granted line is not measured again');
  });

  it('counts a created order, not a replay, and lead times as the store commits', async () => {
    const { sink, calls } = recordingSink();
    const outcomes: Array<'created' | 'exists'> = ['created', 'exists'];
    const inner = { create: async () => outcomes.shift() ?? 'exists', update: async () => 'etag-2', get: async () => undefined } as unknown as OrderStore;
    const store = instrumentOrderStore(inner, sink, () => Date.parse('2026-03-17T08:00:00Z'));
    const order = sampleOrder({ createdAt: '2026-03-16T08:00:00Z', lines: [line('existing', 'toGrant')] });
    await store.create(order, [], []);
    await store.create(order, [], []);
    assert.equal(await store.update({ ...order, lines: [line('existing', 'granted')] }, 'etag-1', [], [], order), 'etag-2');
    assert.equal(await store.get('x'), undefined, 'other methods pass through');
    assert.deepEqual(calls, ['submitted 1', 'lead 1 1.00']);
  });

  it('keeps ids, addresses and queries out of dependency URLs', () => {
    const oid = '7b5e2561-7863-55ae-a8d6-36e54dc47c0c';
    assert.equal(scrubUrl(`https://acct.table.core.windows.net/vbusers(PartitionKey='user',RowKey='${oid}')`), 'https://acct.table.core.windows.net/vbusers(…)');
    assert.equal(scrubUrl(`https://acct.table.core.windows.net/vbpeople()?$filter=PartitionKey%20eq%20'${oid}'`), 'https://acct.table.core.windows.net/vbpeople()');
    assert.equal(scrubUrl(`https://graph.microsoft.com/v1.0/users/${oid}/transitiveMemberOf?$select=id`), 'https://graph.microsoft.com/v1.0/users/{id}/transitiveMemberOf');
    assert.equal(scrubUrl('https://graph.microsoft.com/v1.0/users/mikko.virtanen%40porvoo.fi'), 'https://graph.microsoft.com/v1.0/users/{id}');
    assert.equal(scrubUrl('https://smba.trafficmanager.net/emea/v3/conversations/a%3A1xYz/activities/1%3Aabc'), 'https://smba.trafficmanager.net/emea/v3/conversations/{id}/activities/{id}');
    assert.equal(scrubUrl('https://smba.trafficmanager.net/teams/v3/conversations'), 'https://smba.trafficmanager.net/teams/v3/conversations');
  });
});
