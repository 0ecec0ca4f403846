import assert from 'node:assert/strict';
import { GRANT_SUMMARY_KEY, personGrantKey, registerIndexKeys } from '../../bot/store/entities';
import { TableGrantStore, grantRow, type Grant } from '../../bot/store/grantStore';
import { Tables } from '../../bot/store/tables';
import { freshStorage } from '../helpers/azurite';
import { runRegisterCli } from '../../bot/cli/register';
import { projectRoot } from '../../bot/catalog/seed';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

async function freshTables(label: string): Promise<Tables> {
  return (await freshStorage(label)).tables;
}


function entry(subjectId: string, themeId: string, validFrom: string, validUntil: string, extra: Partial<Grant> = {}): Grant {
  return { subjectId, themeId, themeName: themeId.toUpperCase(), validFrom, validUntil, grantedBy: 'admin-1', orderId: '',
    grantedAt: '2026-01-01T10:00:00.000Z', source: { kind: 'import', file: 'r.csv', row: 2 }, ...extra };
}

/** The holder's entry rows read straight from the partition (independent of the summary the store reads). */
async function rowsOf(tables: Tables, subjectId: string): Promise<Array<[string, string, string, string]>> {
  const out: Array<[string, string, string, string]> = [];
  for await (const e of tables.client('people').listEntities<Record<string, string>>({ queryOptions: { filter: `PartitionKey eq '${subjectId}'` } })) {
    if (e.rowKey!.startsWith('grant|')) out.push([e.themeId, e.validFrom, e.validUntil, e.revokedAt ?? '']);
  }
  return out.sort((x, y) => x.join().localeCompare(y.join()));
}
const facts = (grants: readonly Grant[]): Array<[string, string, string, string]> =>
  grants.map((g): [string, string, string, string] => [g.themeId, g.validFrom, g.validUntil, g.revokedAt ?? '']).sort((x, y) => x.join().localeCompare(y.join()));

const key = (g: Grant): string => `${g.subjectId}|${g.themeId}|${g.validFrom}|${g.validUntil}`;

describe('register storage for scale: summary row, end-date index, theme rosters (Azurite)', function () {
  this.timeout(60_000);

  it('the summary always agrees with the entry rows after put, putMany and a revocation, and listFor reads it alone', async () => {
    const tables = await freshTables('regsum');
    const store = new TableGrantStore(tables);
    await store.put(entry(A, 'vero', '2026-01-01', '2026-12-31'));
    assert.deepEqual(facts(await store.listFor(A)), await rowsOf(tables, A));
    const many = Array.from({ length: 60 }, (_, i) => entry(A, `t${String(i).padStart(2, '0')}`, '2026-02-01', '2027-01-31'));
    await store.putMany([...many, entry(B, 'vero', '2026-03-01', '2027-02-28')]);
    assert.equal((await store.listFor(A)).length, 61, 'two transactions for 61 entries, the summary after both');
    assert.deepEqual(facts(await store.listFor(A)), await rowsOf(tables, A));
    assert.deepEqual(facts(await store.listFor(B)), await rowsOf(tables, B));
    await store.put(entry(A, 'vero', '2026-01-01', '2026-12-31', { revokedAt: '2026-06-01T09:00:00.000Z', revokedBy: 'admin-2' }));
    const revoked = (await store.listFor(A)).find((g) => g.themeId === 'vero');
    assert.equal(revoked?.revokedAt, '2026-06-01T09:00:00.000Z');
    assert.deepEqual(facts(await store.listFor(A)), await rowsOf(tables, A));
    // listFor answers from the summary: the summary row is what it reads (a row added behind the store's back is not).
    const summary = await tables.client('people').getEntity<Record<string, unknown>>(A, GRANT_SUMMARY_KEY);
    assert.equal(summary.count, 61);
  });

  it('two writers of one holder at once lose nothing (the summary is guarded by its ETag)', async () => {
    const tables = await freshTables('regrace');
    const one = new TableGrantStore(tables);
    const two = new TableGrantStore(tables);
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).put(entry(A, `t${i}`, '2026-01-01', '2026-12-31'))));
    assert.equal((await one.listFor(A)).length, 8);
    assert.deepEqual(facts(await one.listFor(A)), await rowsOf(tables, A));
  });

  it('rows written before the summary existed keep loading, get a summary, and a later write keeps them', async () => {
    const tables = await freshTables('regold');
    const people = tables.client('people');
    await people.createEntity({ partitionKey: A, rowKey: personGrantKey('vero'), themeId: 'vero', themeName: 'Vero', validFrom: '2026-01-01',
      validUntil: '2026-12-31', grantedBy: 'admin-1', orderId: 'ord-1', grantedAt: '2026-01-01T10:00:00.000Z' });
    await people.createEntity(grantRow(entry(A, 'tulli', '2025-01-01', '2025-12-31')));
    const store = new TableGrantStore(tables);
    assert.deepEqual((await store.listFor(A)).map((g) => g.themeId), ['tulli', 'vero']);
    await people.getEntity(A, GRANT_SUMMARY_KEY);
    await store.put(entry(A, 'palkka', '2026-05-01', '2027-04-30'));
    assert.deepEqual((await store.listFor(A)).map((g) => g.themeId), ['palkka', 'tulli', 'vero']);
    // The old-format row is moved when the same entry is written again, in the same transaction as the summary.
    await store.put(entry(A, 'vero', '2026-01-01', '2027-01-31'));
    assert.deepEqual(facts(await store.listFor(A)), await rowsOf(tables, A));
    assert.deepEqual((await store.listFor(A)).filter((g) => g.themeId === 'vero').map((g) => g.validUntil), ['2027-01-31']);
  });

  it('listEndingBetween returns exactly the window (both ends included) across months, after moves and a crash before confirming', async () => {
    const tables = await freshTables('regend');
    let crash = false;
    const store = new TableGrantStore(tables, { afterCommit: async () => { if (crash) throw new Error('crash after commit'); } });
    const all = [
      entry(A, 'vero', '2026-01-01', '2026-11-30'), // the day before the window
      entry(A, 'tulli', '2026-01-01', '2026-12-01'), // first day
      entry(B, 'vero', '2026-01-01', '2026-12-31'),
      entry(B, 'palkka', '2026-01-01', '2027-01-15'), // last day
      entry(C, 'vero', '2026-01-01', '2027-01-16'), // the day after
      entry(C, 'tulli', '2025-01-01', '2025-12-01'),
    ];
    await store.putMany(all);
    const window = (from: string, to: string): string[] => all.filter((g) => g.validUntil >= from && g.validUntil <= to).map(key).sort();
    assert.deepEqual((await store.listEndingBetween('2026-12-01', '2027-01-15')).map(key).sort(), window('2026-12-01', '2027-01-15'));
    // Moving an end date out of the window: the old row goes, the new one answers its own window.
    await store.put(entry(B, 'vero', '2026-01-01', '2027-03-31'));
    all[2] = entry(B, 'vero', '2026-01-01', '2027-03-31');
    assert.deepEqual((await store.listEndingBetween('2026-12-01', '2027-01-15')).map(key).sort(), window('2026-12-01', '2027-01-15'));
    assert.deepEqual((await store.listEndingBetween('2027-03-01', '2027-03-31')).map(key), [key(all[2])]);
    // A crash after the commit leaves the rows pending (old end and new end): both are checked against the summary.
    crash = true;
    await assert.rejects(store.put(entry(A, 'tulli', '2026-01-01', '2027-02-10', { revokedAt: '2026-11-01T00:00:00.000Z' })), /crash after commit/);
    crash = false;
    all[1] = entry(A, 'tulli', '2026-01-01', '2027-02-10');
    const reader = new TableGrantStore(tables);
    assert.deepEqual((await reader.listEndingBetween('2026-12-01', '2027-01-15')).map(key).sort(), window('2026-12-01', '2027-01-15'));
    const [moved] = await reader.listEndingBetween('2027-02-01', '2027-02-28');
    assert.equal(key(moved), key(all[1]));
    assert.equal(moved.revokedAt, '2026-11-01T00:00:00.000Z', 'the pending row answered with the committed entry');
    // A stale index row (its entry never committed, or says otherwise) is not an entry.
    const index = tables.client('registerIndex');
    await index.upsertEntity({ partitionKey: registerIndexKeys.end('2026-12-24'), rowKey: registerIndexKeys.endRow(C, 'ghost', '2026-01-01'),
      ...entry(C, 'ghost', '2026-01-01', '2026-12-24'), source: '', subjectId: C, pending: true });
    await index.upsertEntity({ partitionKey: registerIndexKeys.end('2026-12-20'), rowKey: registerIndexKeys.endRow(C, 'vero', '2026-01-01'),
      ...entry(C, 'vero', '2026-01-01', '2026-12-20'), source: '', subjectId: C, pending: true });
    assert.deepEqual((await reader.listEndingBetween('2026-12-01', '2027-01-15')).map(key).sort(), window('2026-12-01', '2027-01-15'));
    assert.deepEqual(await reader.listEndingBetween('2027-01-16', '2027-01-15'), []);
    // A window of years is answered by a scan, with the same entries.
    assert.deepEqual((await reader.listEndingBetween('2000-01-01', '2027-01-15')).map(key).sort(), window('2000-01-01', '2027-01-15'));
  });

  it('a register written before the index existed is backfilled on first use: the window and the rosters are complete', async () => {
    const tables = await freshTables('regfill');
    const people = tables.client('people');
    const old = [entry(A, 'vero', '2026-01-01', '2026-12-10'), entry(B, 'vero', '2026-02-01', '2027-06-30', { revokedAt: '2026-03-01T00:00:00.000Z' }),
      entry(C, 'tulli', '2026-01-01', '2026-12-20')];
    for (const g of old) await people.createEntity(grantRow(g));
    const store = new TableGrantStore(tables);
    assert.deepEqual((await store.listEndingBetween('2026-12-01', '2026-12-31')).map(key).sort(), [key(old[0]), key(old[2])].sort());
    assert.deepEqual(await store.themeHolders('vero'), [
      { subjectId: A, periods: [{ validFrom: '2026-01-01', validUntil: '2026-12-10' }] },
      { subjectId: B, periods: [{ validFrom: '2026-02-01', validUntil: '2027-06-30', revokedAt: '2026-03-01T00:00:00.000Z' }] },
    ]);
  });

  it('npm run register -- reindex rebuilds the summaries and indexes of rows written behind the store\'s back', async () => {
    const { tables, prefix, connectionString } = await freshStorage('regreidx');
    const old = [entry(A, 'vero', '2026-01-01', '2026-12-10'), entry(B, 'vero', '2026-02-01', '2027-06-30')];
    for (const g of old) await tables.client('people').createEntity(grantRow(g));
    const out: string[] = [];
    const code = await runRegisterCli(['reindex'], { out: (l) => out.push(l), err: (l) => out.push(l), cwd: process.cwd(), root: projectRoot(),
      env: { AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX: prefix } });
    assert.equal(code, 0, out.join('\n'));
    assert.match(out.join('\n'), /Haltijoita: 2\./);
    assert.equal((await tables.client('people').getEntity<Record<string, unknown>>(A, GRANT_SUMMARY_KEY)).count, 1);
    await tables.client('registerIndex').getEntity(registerIndexKeys.META, registerIndexKeys.INDEXED);
    assert.deepEqual((await new TableGrantStore(tables).themeHolders('vero')).map((h) => h.subjectId), [A, B]);
  });

  it('a theme roster follows every write of its holders (renewal, revocation), whichever instance wrote', async () => {
    const tables = await freshTables('regroster');
    const one = new TableGrantStore(tables);
    const two = new TableGrantStore(tables);
    await one.putMany([entry(A, 'vero', '2025-01-01', '2025-12-31'), entry(B, 'vero', '2026-01-01', '2026-12-31'), entry(C, 'tulli', '2026-01-01', '2026-12-31')]);
    await two.put(entry(A, 'vero', '2025-12-31', '2026-12-30'));
    await one.put(entry(B, 'vero', '2026-01-01', '2026-12-31', { revokedAt: '2026-04-01T00:00:00.000Z' }));
    const expected = async (themeId: string) => {
      const holders = new Map<string, Array<{ validFrom: string; validUntil: string; revokedAt?: string }>>();
      for (const id of [A, B, C]) {
        for (const g of (await one.listFor(id)).filter((x) => x.themeId === themeId)) {
          holders.set(id, [...(holders.get(id) ?? []), g.revokedAt ? { validFrom: g.validFrom, validUntil: g.validUntil, revokedAt: g.revokedAt } : { validFrom: g.validFrom, validUntil: g.validUntil }]);
        }
      }
      return [...holders].map(([subjectId, periods]) => ({ subjectId, periods })).sort((x, y) => x.subjectId.localeCompare(y.subjectId));
    };
    assert.deepEqual(await two.themeHolders('vero'), await expected('vero'));
    assert.deepEqual(await one.themeHolders('tulli'), await expected('tulli'));
    assert.deepEqual(await one.themeHolders('none'), []);
    // Every holder with every theme's periods (the review step's read): the rosters put together, as each holder's register has it.
    const all = await two.allHolders();
    assert.deepEqual([...all.keys()].sort(), [A, B, C].sort());
    for (const id of [A, B, C]) {
      const periods = (all.get(id) ?? []).map((p) => `${p.themeId}|${p.validFrom}|${p.validUntil}|${p.revokedAt ?? ''}`).sort();
      assert.deepEqual(periods, (await one.listFor(id)).map((g) => `${g.themeId}|${g.validFrom}|${g.validUntil}|${g.revokedAt ?? ''}`).sort(), id);
    }
  });

  it('two writers of the same holders at once (a grant confirmed and its outbox message): every write succeeds, one entry each', async () => {
    const tables = await freshTables('regtwice');
    const one = new TableGrantStore(tables);
    const two = new TableGrantStore(tables);
    const holders = Array.from({ length: 24 }, (_, i) => `twice-${i}`);
    // The same entry by two instances at the same moment, for many holders of one theme: the holder's row of the
    // written-since list and the theme's view row are first written by two upserts at once.
    await Promise.all(holders.flatMap((id) => [one.put(entry(id, 'vero', '2026-01-01', '2026-12-31')), two.put(entry(id, 'vero', '2026-01-01', '2026-12-31'))]));
    for (const id of holders) assert.deepEqual((await one.listFor(id)).map((g) => g.validFrom), ['2026-01-01'], id);
    assert.equal((await one.themeHolders('vero')).length, holders.length);
    assert.equal((await one.writtenHolders()).length, holders.length);
  });
});
