import type { Theme } from '../domain/catalog';
import type { MandateMap } from '../domain/mandateMap';

/** Read access to the current catalog (themes and mandate map); the store behind it caches. */
export interface CatalogReader {
  themes(): Promise<ReadonlyMap<string, Theme>>;
  /** Theme ids the valtuuskartta suggests for a person's department, service area and job title. */
  /** The valtuuskartta index (rebuilt when the catalog changes). */
  mandateMap(): Promise<MandateMap>;
  suggestedThemeIds(person: { department: string; serviceArea: string; jobTitle: string }): Promise<string[]>;
}

/** Themes whose name (any language) or e-service contains every word of the query; active ones only. */
export function searchThemes(themes: Iterable<Theme>, query: string, limit = 15): Theme[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hits: Theme[] = [];
  for (const theme of themes) {
    if (!theme.active) continue;
    const hay = `${theme.name.fi} ${theme.name.sv} ${theme.name.en} ${theme.eservice} ${theme.eserviceSv ?? ''} ${theme.eserviceEn ?? ''} ${theme.id}`.toLowerCase();
    if (words.every((w) => hay.includes(w))) hits.push(theme);
  }
  return hits.sort((a, b) => a.name.fi.localeCompare(b.name.fi, 'fi')).slice(0, limit);
}
