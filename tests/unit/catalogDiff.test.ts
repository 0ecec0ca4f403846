import assert from 'node:assert/strict';
import { diffCatalog, isEmptyDiff } from '../../bot/catalog/diff';
import { loadSeedCatalog } from '../../bot/catalog/seed';
import type { CatalogSnapshot, Theme } from '../../bot/domain/catalog';

describe('diffCatalog (import --dry-run)', () => {
  const current = loadSeedCatalog();

  function edited(change: (s: CatalogSnapshot) => void): CatalogSnapshot {
    const next = structuredClone(current);
    change(next);
    return next;
  }

  it('finds nothing between a catalog and its copy', () => {
    assert.equal(isEmptyDiff(diffCatalog(current, structuredClone(current))), true);
  });

  it('lists added, changed (with field names) and removed themes', () => {
    const added: Theme = { ...structuredClone(current.themes[0]), id: 'uusi-teema' };
    const next = edited((s) => {
      s.themes[1].name.sv = 'Ny';
      s.themes[1].heldByOrganisation = !s.themes[1].heldByOrganisation;
      s.themes.splice(2, 1);
      s.themes.push(added);
      s.map = s.map.filter((r) => r.themeId !== current.themes[2].id);
    });
    const diff = diffCatalog(current, next);
    assert.deepEqual(diff.themes.added.map((t) => t.id), ['uusi-teema']);
    assert.deepEqual(diff.themes.removed.map((t) => t.id), [current.themes[2].id]);
    assert.deepEqual(diff.themes.changed.map((c) => [c.after.id, c.fields]), [[current.themes[1].id, ['name.sv', 'heldByOrganisation']]]);
    assert.equal(isEmptyDiff(diff), false);
  });

  it('matches map rows by scope type, normalised scope and theme, reporting reason and spelling changes', () => {
    const next = edited((s) => {
      s.map[0].why.en = 'Changed';
      s.map[1].scope = s.map[1].scope.toUpperCase();
      s.map[2].scopeType = 'serviceArea';
    });
    const diff = diffCatalog(current, next);
    assert.deepEqual(diff.map.changed.map((c) => c.fields), [['why.en'], ['scope']]);
    assert.deepEqual(diff.map.added.map((r) => [r.scopeType, r.themeId]), [['serviceArea', current.map[2].themeId]]);
    assert.deepEqual(diff.map.removed.map((r) => [r.scopeType, r.themeId]), [['jobTitle', current.map[2].themeId]]);
    assert.equal(diff.themes.changed.length, 0);
  });
});
