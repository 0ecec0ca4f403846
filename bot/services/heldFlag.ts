/**
 * The organisation's "held" flag of a theme: set by an administrator's toggle and by the bot itself when DVV grants
 * a theme. One function for both, so both tell a lost race from an outage the same way.
 */
import type { Theme } from '../domain/catalog';
import { CatalogConflictError, type CatalogStore } from '../store/catalogStore';

type HeldCatalog = Pick<CatalogStore, 'load' | 'setHeldByOrganisation' | 'invalidate'>;

/**
 * Sets the flag on the catalog version the caller saw (default: the current one). 'stale' when the catalog moved
 * meanwhile (someone else changed it); any other error (storage down, a theme the catalog does not have) is thrown,
 * so the caller answers it as what it is and never as "someone was faster".
 */
export async function setHeldFlag(catalog: HeldCatalog, themeId: string, held: boolean, expectedVersion?: number): Promise<'changed' | 'stale'> {
  const version = expectedVersion ?? (await catalog.load()).version;
  try {
    await catalog.setHeldByOrganisation(themeId, held, version);
  } catch (err) {
    if (err instanceof CatalogConflictError) return 'stale';
    throw err;
  }
  catalog.invalidate();
  return 'changed';
}

/**
 * The bot's own change (DVV granted a theme, so the organisation now holds it): made on the current version and
 * tried again when another change landed first — DVV's decision must not be lost to a concurrent catalog edit.
 */
export async function recordHeldFlag(catalog: HeldCatalog, themeId: string, held: boolean, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if ((await setHeldFlag(catalog, themeId, held)) === 'changed') return;
    // The cached snapshot is what was stale: read the current version before the next try.
    catalog.invalidate();
    if (attempt >= attempts) throw new CatalogConflictError(undefined, undefined);
  }
}

export type ToggleHeldResult =
  | { kind: 'noTheme' }
  | { kind: 'stale' }
  | { kind: 'changed'; theme: Theme; held: boolean };

/** An administrator's toggle, on the catalog version their card showed. */
export async function toggleHeld(deps: { catalogStore: HeldCatalog }, themeId: unknown, shownVersion: number): Promise<ToggleHeldResult> {
  const snapshot = await deps.catalogStore.load();
  const theme = snapshot.themes.find((t) => t.id === themeId);
  if (!theme) return { kind: 'noTheme' };
  const held = !theme.heldByOrganisation;
  if ((await setHeldFlag(deps.catalogStore, theme.id, held, shownVersion)) === 'stale') return { kind: 'stale' };
  return { kind: 'changed', theme, held };
}

/** The themes an administrator's held view lists: those matching the query (name in any language or e-service). */
export async function findThemesForHeldView(deps: { catalogStore: Pick<CatalogStore, 'load'> }, query: string, limit: number):
  Promise<{ themes: Theme[]; total: number; version: number }> {
  const snapshot = await deps.catalogStore.load();
  const all = snapshot.themes.filter((t) => !query || `${t.name.fi} ${t.name.sv} ${t.name.en} ${t.eservice}`.toLowerCase().includes(query));
  return { themes: all.slice(0, limit), total: all.length, version: snapshot.version };
}
