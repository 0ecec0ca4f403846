import assert from 'node:assert/strict';
import { ConcurrencyError, TableOrderStore } from '../../bot/store/orderStore';
import { OutboxStore } from '../../bot/store/outboxStore';
import { freshStorage } from '../helpers/azurite';
import { sampleOrder } from '../helpers/cardCheck';
import { PEOPLE, startTestBot, submitAs, validOrder } from '../helpers/botHarness';

describe('order numbers (Azurite)', () => {
  it('are unique across concurrent submits and several instances, reserved in blocks', async () => {
    const { tables } = await freshStorage('num');
    const a = new TableOrderStore(tables, { numberBlock: 5 });
    const b = new TableOrderStore(tables, { numberBlock: 5 });
    const taken = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).nextSequence(2026)));
    assert.equal(new Set(taken).size, 40, `duplicates in ${taken.join(',')}`);
    assert.ok(Math.max(...taken) <= 50, 'at most one partly used block and one reserved ahead per instance');
    assert.equal(await new TableOrderStore(tables, { numberBlock: 1 }).nextSequence(2027), 1, 'each year starts from 1');
  });

  it('reserve the next block once half the last one is used, so a submit seldom waits for the counter', async () => {
    const { tables } = await freshStorage('ahead');
    const store = new TableOrderStore(tables, { numberBlock: 4 });
    const counter = async () => Number((await tables.client('counters').getEntity<{ value: number }>('orderNumber', '2026')).value);
    assert.deepEqual([await store.nextSequence(2026), await store.nextSequence(2026)], [1, 2]);
    assert.equal(await counter(), 4, 'half of the first block used: nothing reserved ahead yet');
    assert.equal(await store.nextSequence(2026), 3);
    for (let i = 0; i < 50 && await counter() < 8; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await counter(), 8, 'past half: the next block reserved in the background');
    const reads: string[] = [];
    const client = tables.client('counters');
    const getEntity = client.getEntity.bind(client);
    client.getEntity = ((...args: Parameters<typeof getEntity>) => { reads.push(String(args[1])); return getEntity(...args); }) as typeof client.getEntity;
    assert.deepEqual([await store.nextSequence(2026), await store.nextSequence(2026)], [4, 5], 'the first block ends, the reserved one goes on');
    assert.deepEqual(reads, [], 'neither waited for the counter');
    assert.equal(await new TableOrderStore(tables, { numberBlock: 4 }).nextSequence(2026), 9, 'another instance starts after both blocks');
  });
});

describe('the stores run on the clock they are given (Azurite)', () => {
  it('listOpen reads the years of the injected clock, and a new outbox row is due at its time', async () => {
    const { tables } = await freshStorage('clock');
    const moved = new Date('2031-05-04T10:00:00.000Z');
    const store = new TableOrderStore(tables, { now: () => moved });
    const order = sampleOrder({ id: 'ord-clock-2031', number: 'VB-2031-00001', createdAt: moved.toISOString(), updatedAt: moved.toISOString() });
    assert.equal(await store.create(order, [], [{ kind: 'adminCard', orderId: order.id }]), 'created');

    assert.deepEqual((await store.listOpen()).map((o) => o.id), [order.id], 'the years around 2031 are read');
    assert.deepEqual(await new TableOrderStore(tables).listOpen(), [], 'the real clock reads other years');
    const [row] = await new OutboxStore(tables).pendingMessages(order.id);
    assert.equal(row?.notBefore, moved.toISOString(), 'the outbox row is due at the injected time');

    const later = new Date('2031-05-04T11:00:00.000Z');
    await store.claimDailyMarker('clock-test');
    const marker = await tables.client('counters').getEntity<{ at: string }>('marker', 'clock-test');
    assert.equal(marker.at, moved.toISOString(), 'the marker carries the injected time');
    await new TableOrderStore(tables, { now: () => later }).update({ ...order, updatedAt: later.toISOString() },
      (await store.get(order.id))?.etag ?? '', [], [{ kind: 'adminCard', orderId: order.id }], order);
    const rows = await new OutboxStore(tables).pendingMessages(order.id);
    assert.deepEqual(rows.map((r) => r.notBefore), [moved.toISOString(), later.toISOString()]);
  });

  it('an app started with a moved clock hands it to its stores and its outbox', async () => {
    const moved = new Date('2031-05-04T10:00:00.000Z');
    const bot = await startTestBot({}, { now: () => moved });
    try {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ validUntil: '2032-01-31' }));
      assert.match(order.number, /^VB-2031-/);
      assert.ok((await bot.app.deps.orders.listOpen()).some((o) => o.id === order.id), 'the open orders of 2031 are listed');
      // Its notifications were written at 2031 and are delivered: the dispatcher runs on the same clock.
      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
    } finally {
      await bot.stop();
    }
  });
});

describe('a write that loses its commit (Azurite)', () => {
  it('leaves the index rows as the stored order says, not as the lost attempt wrote them before its transaction', async () => {
    const { tables } = await freshStorage('lost');
    const store = new TableOrderStore(tables);
    const order = sampleOrder({ id: 'ord-lost-update', number: 'VB-2026-00077' });
    assert.equal(await store.create(order, [], []), 'created');
    const first = await store.get(order.id);
    assert.ok(first);
    // The winner: an administrator claims it (nothing the index shows changes).
    const claimed = { ...order, assigneeId: 'aad-admin', assigneeName: 'Eija' };
    await store.update(claimed, first.etag, [], [], order);
    // The loser, on the ETag it read before: both lines done and the order completed.
    const completed = { ...order, status: 'completed' as const, lines: order.lines.map((l) => ({ ...l, stage: 'granted' as const })) };
    await assert.rejects(store.update(completed, first.etag, [], [], order), ConcurrencyError);

    assert.deepEqual((await store.listOpen()).map((o) => o.id), [order.id], 'the number row still says open');
    const view = await store.personView(order.subject.id);
    assert.deepEqual(view.orders.map((o) => [o.status, o.openThemeIds.join(',')]), [['open', 'palkkatietojen-ilmoittaminen,tulliasioiden-hoito']],
      'the person row still lists the open themes');
    const stored = await store.get(order.id);
    assert.equal(stored?.order.assigneeName, 'Eija', 'the winner\'s change stands');
  });

  it('a create whose twin committed first (a replay in flight) leaves the twin\'s rows, not rows for the number it drew', async () => {
    const { tables } = await freshStorage('twin');
    const store = new TableOrderStore(tables);
    const order = sampleOrder({ id: 'ord-twin', number: 'VB-2026-00081' });
    assert.equal(await store.create(order, [], [{ kind: 'adminCard', orderId: order.id }]), 'created');
    const replay = { ...order, number: 'VB-2026-00082', createdAt: '2026-03-16T08:15:01.000Z' };
    assert.equal(await store.create(replay, [], [{ kind: 'adminCard', orderId: order.id }]), 'exists');

    assert.equal(await store.findByNumber('VB-2026-00082'), undefined, 'no number row for the replay\'s number');
    assert.deepEqual((await store.listOpen()).map((o) => o.number), ['VB-2026-00081'], 'listed once, under its own number');
    const view = await store.personView(order.subject.id);
    assert.deepEqual(view.orders.map((o) => o.number), ['VB-2026-00081'], 'the person row carries the twin\'s number');
  });
});
