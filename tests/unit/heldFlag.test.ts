import assert from 'node:assert/strict';
import pino from 'pino';
import { recordHeldFlag, setHeldFlag } from '../../bot/services/heldFlag';
import { CatalogConflictError, type VersionedCatalog } from '../../bot/store/catalogStore';
import { VERB_ROUTES } from '../../bot/handlers/verbs';
import { isOutage, type HandlerDeps, type Turn } from '../../bot/handlers/turn';
import { translator } from '../../bot/i18n';
import { loadSeedCatalog } from '../../bot/catalog/seed';
import { cardTexts } from '../helpers/cardCheck';

/** A storage outage as the Azure SDK reports it. */
const outage = (): Error => Object.assign(new Error('Service Unavailable'), { name: 'RestError', statusCode: 503 });

function fakeCatalog(fail?: () => Error) {
  const seed = loadSeedCatalog();
  const snapshot: VersionedCatalog = { ...seed, version: 7 };
  const calls = { set: 0, invalidate: 0 };
  return {
    calls,
    store: {
      load: async () => snapshot,
      setHeldByOrganisation: async (_themeId: string, _held: boolean, expected: number) => {
        calls.set++;
        if (fail) throw fail();
        if (expected !== snapshot.version) throw new CatalogConflictError(expected, snapshot.version);
        return snapshot.version + 1;
      },
      invalidate: () => { calls.invalidate++; },
    },
    themeId: snapshot.themes[0].id,
  };
}

describe('held flag (services/heldFlag)', () => {
  it('a lost race is "stale"; the catalog cache is kept', async () => {
    const c = fakeCatalog();
    assert.equal(await setHeldFlag(c.store, c.themeId, true, 6), 'stale');
    assert.equal(c.calls.invalidate, 0);
  });

  it('a change on the version shown is made and the cache dropped; without a version the current one is used', async () => {
    const c = fakeCatalog();
    assert.equal(await setHeldFlag(c.store, c.themeId, true, 7), 'changed');
    assert.equal(await setHeldFlag(c.store, c.themeId, false), 'changed');
    assert.equal(c.calls.invalidate, 2);
  });

  it('the bot\'s own change (DVV granted the theme) survives a concurrent catalog edit: read again, tried again', async () => {
    const c = fakeCatalog();
    let snapshotVersion = 6; // the cached snapshot is one version behind the stored catalog (7)
    const store = { ...c.store, load: async () => ({ ...(await c.store.load()), version: snapshotVersion }),
      invalidate: () => { c.calls.invalidate++; snapshotVersion = 7; } };
    await recordHeldFlag(store, c.themeId, true);
    assert.equal(c.calls.set, 2, 'one lost try, one made');
    // A catalog that keeps moving ends in the conflict error after the tries, never in silence.
    const moving = { ...c.store, load: async () => ({ ...(await c.store.load()), version: 1 }) };
    await assert.rejects(recordHeldFlag(moving, c.themeId, true, 3), (err: unknown) => err instanceof CatalogConflictError);
    assert.equal(c.calls.set, 5);
  });

  it('an outage is thrown as it is, never reported as stale', async () => {
    const c = fakeCatalog(outage);
    await assert.rejects(setHeldFlag(c.store, c.themeId, true, 7), (err: unknown) => isOutage(err));
  });

  it('an outage during an administrator\'s toggle reaches the route\'s error handling ("try again shortly"), not "someone was faster"', async () => {
    const c = fakeCatalog(outage);
    const tr = translator('fi');
    const deps = {
      catalogStore: c.store,
      directory: { isMember: async () => true, listMembers: async () => [{ id: 'a' }, { id: 'b' }] },
      config: { allowSelfProcessing: false },
    } as unknown as HandlerDeps;
    const turn = { userId: 'admin', lang: 'fi', tr, log: pino({ level: 'silent' }) } as unknown as Turn;
    const toggle = VERB_ROUTES['catalog.toggleHeld'].handle(deps, turn, { themeId: c.themeId, version: '7' });
    await assert.rejects(toggle, (err: unknown) => isOutage(err));
    assert.equal(c.calls.set, 1);

    // The same toggle on an outdated card answers "stale" on the view (the contrast the outage must not fall into).
    const stale = await VERB_ROUTES['catalog.toggleHeld'].handle({ ...deps, catalogStore: fakeCatalog().store } as HandlerDeps, turn, { themeId: c.themeId, version: '6' });
    assert.ok(cardTexts(stale).some((t) => t.includes(tr('common.stale'))));
  });
});
