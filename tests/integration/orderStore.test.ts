import assert from 'node:assert/strict';
import { Tables } from '../../bot/store/tables';
import { TABLES } from '../../bot/store/entities';
import { TableOrderStore } from '../../bot/store/orderStore';
import { testAzurite, uniquePrefix } from '../helpers/azurite';

describe('order numbers (Azurite)', () => {
  it('are unique across concurrent submits and several instances, reserved in blocks', async () => {
    const { connectionString } = await testAzurite();
    const tables = new Tables({ kind: 'connectionString', connectionString }, uniquePrefix('num'));
    await tables.ensure(TABLES);
    const a = new TableOrderStore(tables, { numberBlock: 5 });
    const b = new TableOrderStore(tables, { numberBlock: 5 });
    const taken = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).nextSequence(2026)));
    assert.equal(new Set(taken).size, 40, `duplicates in ${taken.join(',')}`);
    assert.ok(Math.max(...taken) <= 50, 'at most one partly used block per instance');
    assert.equal(await new TableOrderStore(tables, { numberBlock: 1 }).nextSequence(2027), 1, 'each year starts from 1');
  });
});
