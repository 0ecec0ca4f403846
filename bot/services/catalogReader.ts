import type { CatalogStore, VersionedCatalog } from '../store/catalogStore';
import type { Theme } from '../domain/catalog';
import { MandateMap, type ScopeVariants } from '../domain/mandateMap';
import type { CatalogReader } from './catalog';

/**
 * The catalog as the hot path needs it: a theme map and a MandateMap index, rebuilt only when the stored
 * version changes (the store itself caches the snapshot for a few seconds).
 */
export class StoreCatalogReader implements CatalogReader {
  private built: { version: number; snapshot: VersionedCatalog; themes: Map<string, Theme>; map: MandateMap } | undefined;

  constructor(private readonly store: CatalogStore, private readonly variants: readonly ScopeVariants[]) {}

  async themes(): Promise<ReadonlyMap<string, Theme>> { return (await this.current()).themes; }
  async mandateMap(): Promise<MandateMap> { return (await this.current()).map; }

  async suggestedThemeIds(person: { department: string; serviceArea: string; jobTitle: string }): Promise<string[]> {
    return (await this.current()).map.suggest(person).map((s) => s.themeId);
  }

  private async current() {
    const snapshot = await this.store.load();
    if (!this.built || this.built.snapshot !== snapshot) {
      this.built = { version: snapshot.version, snapshot, themes: new Map(snapshot.themes.map((t) => [t.id, t])),
        map: new MandateMap(snapshot.map, { variants: this.variants }) };
    }
    return this.built;
  }
}
