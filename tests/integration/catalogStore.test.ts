import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { loadSeedCatalog } from '../../bot/catalog/seed';
import type { CatalogSnapshot, MapRow, Theme } from '../../bot/domain/catalog';
import { CATALOG_TABLE, CatalogConflictError, CatalogStore } from '../../bot/store/catalogStore';
import { Tables } from '../../bot/store/tables';
import { testAzurite, uniquePrefix } from '../helpers/azurite';

/** A catalog of `themes` themes and one map row per theme: more than one 100-entity transaction. */
function bigCatalog(themes: number, label: string): CatalogSnapshot {
  const list: Theme[] = Array.from({ length: themes }, (_, i) => ({
    id: `${label}-${i}`,
    name: { fi: `Teema ${label} ${i}`, sv: `Ärende ${label} ${i}`, en: `Theme ${label} ${i}` },
    eservice: 'Kela',
    description: { fi: `Kuvaus ${i}, "lainaus"`, sv: '', en: 'Line 1\nLine 2' },
    suomiFiCode: i % 2 === 0 ? `00${i}` : '',
    heldByOrganisation: i % 3 !== 0,
    active: i % 7 !== 0,
  }));
  const map: MapRow[] = list.map((t, i) => ({
    scopeType: i % 2 === 0 ? 'jobTitle' : 'serviceArea',
    scope: `Scope ${i % 40}`,
    themeId: t.id,
    why: { fi: `Syy ${i}`, sv: `Skäl ${i}`, en: `Reason ${i}` },
  }));
  return { themes: list, map };
}

/** Table-level view: which version partitions exist (found by their manifest entity). */
async function storedVersions(client: TableClient): Promise<string[]> {
  const partitions: string[] = [];
  for await (const e of client.listEntities({ queryOptions: { filter: odata`RowKey eq 'manifest'` } })) {
    partitions.push(e.partitionKey ?? '');
  }
  return partitions.sort();
}

/** Tables whose catalog client fails the n-th transaction, to break an import halfway. */
class FailingTables extends Tables {
  transactions = 0;
  constructor(base: { connectionString: string; prefix: string }, private readonly failAt: number) {
    super({ kind: 'connectionString', connectionString: base.connectionString }, base.prefix);
  }

  override client(logicalName: string): TableClient {
    const real = super.client(logicalName);
    return new Proxy(real, {
      get: (target, prop, receiver) => {
        if (prop === 'submitTransaction') {
          return (...args: Parameters<TableClient['submitTransaction']>) => {
            this.transactions += 1;
            if (this.transactions === this.failAt) return Promise.reject(new Error('injected storage failure'));
            return target.submitTransaction(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

describe('CatalogStore (Azurite)', function () {
  this.timeout(60_000);
  let connectionString: string;
  let prefix: string;
  let tables: Tables;

  before(async () => {
    ({ connectionString } = await testAzurite());
  });

  beforeEach(async () => {
    prefix = uniquePrefix('cat');
    tables = new Tables({ kind: 'connectionString', connectionString }, prefix);
    await tables.ensure([CATALOG_TABLE]);
  });

  const fresh = (): CatalogStore => new CatalogStore(tables, { cacheMs: 0 });

  it('is empty at version 0, seeds once, and a second seed changes nothing', async () => {
    const store = fresh();
    assert.deepEqual(await store.load(), { themes: [], map: [], version: 0 });
    const seed = loadSeedCatalog();
    assert.equal(await store.seedIfEmpty(seed), true);
    assert.equal(await store.seedIfEmpty(bigCatalog(3, 'other')), false);
    const loaded = await fresh().load();
    assert.equal(loaded.version, 1);
    assert.equal(loaded.themes.length, 44);
    assert.deepEqual({ themes: loaded.themes, map: loaded.map }, seed);
  });

  it('replaces the whole catalog with more than 100 themes in one step, keeping order and every field', async () => {
    const store = fresh();
    await store.seedIfEmpty(loadSeedCatalog());
    const big = bigCatalog(260, 'big');
    const version = await store.replace(big, 1);
    assert.equal(version, 2);
    const loaded = await fresh().load();
    assert.equal(loaded.version, 2);
    assert.deepEqual({ themes: loaded.themes, map: loaded.map }, big);
  });

  it('leaves the current version intact when an import fails halfway, and cleans up the partial one', async () => {
    await fresh().seedIfEmpty(loadSeedCatalog());
    const before = await fresh().load();
    const failing = new FailingTables({ connectionString, prefix }, 3);
    await assert.rejects(new CatalogStore(failing, { cacheMs: 0 }).replace(bigCatalog(300, 'half'), before.version), /injected/);
    assert.ok(failing.transactions >= 3, 'the import got past its first batches before failing');
    const after = await fresh().load();
    assert.deepEqual(after, before);
    assert.deepEqual(await storedVersions(tables.client(CATALOG_TABLE)), ['v000000001']);
  });

  it('lets only one of two concurrent imports win; the other fails cleanly and the winner is stored', async () => {
    await fresh().seedIfEmpty(loadSeedCatalog());
    const a = bigCatalog(150, 'a');
    const b = bigCatalog(120, 'b');
    const results = await Promise.allSettled([fresh().replace(a, 1), fresh().replace(b, 1)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(lost[0].reason instanceof CatalogConflictError, String(lost[0].reason));
    const winner = results[0].status === 'fulfilled' ? a : b;
    const loaded = await fresh().load();
    assert.deepEqual({ themes: loaded.themes, map: loaded.map }, winner);
  });

  it('lets only one of two overlapping imports without expected versions win, by the pointer ETag', async () => {
    await fresh().seedIfEmpty(loadSeedCatalog());
    // Both read the pointer before either flips it, so the second flip must fail on the ETag.
    const results = await Promise.allSettled([fresh().replace(bigCatalog(130, 'p')), fresh().replace(bigCatalog(130, 'q'))]);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(lost.length, 1);
    assert.ok(lost[0].reason instanceof CatalogConflictError, String(lost[0].reason));
    const winner = results[0].status === 'fulfilled' ? 'p' : 'q';
    const loaded = await fresh().load();
    assert.ok(loaded.themes.every((t) => t.id.startsWith(`${winner}-`)));
    const versions = await storedVersions(tables.client(CATALOG_TABLE));
    assert.deepEqual(versions, ['v000000001', `v${String(loaded.version).padStart(9, '0')}`], 'the loser cleaned up');
  });

  it('refuses a replace based on an old version', async () => {
    const store = fresh();
    await store.seedIfEmpty(loadSeedCatalog());
    await store.replace(bigCatalog(5, 'x'), 1);
    await assert.rejects(store.replace(bigCatalog(5, 'y'), 1), (err: unknown) =>
      err instanceof CatalogConflictError && err.expectedVersion === 1 && err.actualVersion === 2);
  });

  it('keeps only the current and the previous version after several imports', async () => {
    const store = fresh();
    await store.seedIfEmpty(loadSeedCatalog());
    for (let i = 0; i < 3; i++) await store.replace(bigCatalog(4, `r${i}`));
    assert.deepEqual(await storedVersions(tables.client(CATALOG_TABLE)), ['v000000003', 'v000000004']);
  });

  it('sets whether the organisation holds a theme as a new version, guarded by the expected version', async () => {
    const store = fresh();
    await store.seedIfEmpty(loadSeedCatalog());
    const missing = (await store.load()).themes.find((t) => !t.heldByOrganisation);
    assert.ok(missing, 'the seed has a theme the organisation lacks');
    const version = await store.setHeldByOrganisation(missing.id, true, 1);
    assert.equal(version, 2);
    const loaded = await fresh().load();
    assert.equal(loaded.themes.find((t) => t.id === missing.id)?.heldByOrganisation, true);
    assert.equal(loaded.themes.filter((t) => t.heldByOrganisation).length, loadSeedCatalog().themes.filter((t) => t.heldByOrganisation).length + 1);
    await assert.rejects(store.setHeldByOrganisation(missing.id, false, 1), CatalogConflictError);
    assert.equal(await store.setHeldByOrganisation(missing.id, true, 2), 2, 'no new version when nothing changes');
  });

  it('answers from memory within cacheMs, reads storage after invalidate(), and after expiry serves the cached copy while it revalidates', async () => {
    let now = 1_000;
    const cached = new CatalogStore(tables, { cacheMs: 30_000, now: () => now });
    await fresh().seedIfEmpty(loadSeedCatalog());
    assert.equal((await cached.load()).version, 1);
    await fresh().replace(bigCatalog(2, 'z'));
    assert.equal((await cached.load()).version, 1, 'still cached');
    cached.invalidate();
    assert.equal((await cached.load()).version, 2);
    await fresh().replace(bigCatalog(2, 'w'));
    now += 30_001;
    assert.equal((await cached.load()).version, 2, 'expired: the hot path gets the cached copy at once');
    for (let i = 0; i < 100 && (await cached.load()).version !== 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await cached.load()).version, 3, 'the background check found the new version');
  });

  it('hands out a frozen snapshot so a caller cannot change the cached copy', async () => {
    const store = new CatalogStore(tables);
    await store.seedIfEmpty(loadSeedCatalog());
    const loaded = await store.load();
    assert.throws(() => { loaded.themes[0].heldByOrganisation = !loaded.themes[0].heldByOrganisation; }, TypeError);
  });
});
