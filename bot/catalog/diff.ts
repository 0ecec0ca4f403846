import { mandateTypeOf, type CatalogSnapshot, type MapRow, type Theme } from '../domain/catalog';
import { normalizeText } from '../domain/textMatch';

/** A field of a theme as the diff names it ("name.sv", "heldByOrganisation"). */
export type ThemeField =
  | 'name.fi' | 'name.sv' | 'name.en' | 'eservice' | 'description.fi' | 'description.sv' | 'description.en'
  | 'suomiFiCode' | 'heldByOrganisation' | 'active'
  | 'eserviceSv' | 'eserviceEn' | 'mandateType' | 'specifier' | 'instructionsUrl';
/** A field of a map row; "scope" changes when only its spelling does (case, spacing). */
export type MapRowField = 'scope' | 'why.fi' | 'why.sv' | 'why.en';

export interface Change<T, F> {
  before: T;
  after: T;
  fields: F[];
}

export interface CatalogDiff {
  themes: { added: Theme[]; changed: Array<Change<Theme, ThemeField>>; removed: Theme[] };
  map: { added: MapRow[]; changed: Array<Change<MapRow, MapRowField>>; removed: MapRow[] };
}

const THEME_FIELDS: ReadonlyArray<[ThemeField, (t: Theme) => string | boolean]> = [
  ['name.fi', (t) => t.name.fi], ['name.sv', (t) => t.name.sv], ['name.en', (t) => t.name.en],
  ['eservice', (t) => t.eservice],
  ['description.fi', (t) => t.description.fi], ['description.sv', (t) => t.description.sv],
  ['description.en', (t) => t.description.en],
  ['suomiFiCode', (t) => t.suomiFiCode], ['heldByOrganisation', (t) => t.heldByOrganisation], ['active', (t) => t.active],
  // Absent (older versions) and empty are the same value, so an old version diffs cleanly against a new file.
  ['eserviceSv', (t) => t.eserviceSv ?? ''], ['eserviceEn', (t) => t.eserviceEn ?? ''], ['mandateType', (t) => mandateTypeOf(t)],
  ['specifier', (t) => t.specifier ?? ''], ['instructionsUrl', (t) => t.instructionsUrl ?? ''],
];
const MAP_FIELDS: ReadonlyArray<[MapRowField, (r: MapRow) => string]> = [
  ['scope', (r) => r.scope], ['why.fi', (r) => r.why.fi], ['why.sv', (r) => r.why.sv], ['why.en', (r) => r.why.en],
];

/**
 * What importing `next` over `current` would do, for --dry-run and the import summary. Themes are matched
 * by id, map rows by scope type + normalised scope + theme id (the same identity the import's duplicate
 * check uses). Lists keep the order of the snapshot they come from.
 */
export function diffCatalog(current: CatalogSnapshot, next: CatalogSnapshot): CatalogDiff {
  return {
    themes: diffBy(current.themes, next.themes, (t) => t.id, THEME_FIELDS),
    map: diffBy(current.map, next.map, mapRowKey, MAP_FIELDS),
  };
}

/** True when the import would change nothing. */
export function isEmptyDiff(diff: CatalogDiff): boolean {
  return [diff.themes, diff.map].every((d) => d.added.length + d.changed.length + d.removed.length === 0);
}

export function mapRowKey(row: MapRow): string {
  return `${row.scopeType}\u0000${normalizeText(row.scope)}\u0000${row.themeId}`;
}

function diffBy<T, F>(
  current: readonly T[], next: readonly T[], key: (item: T) => string,
  fields: ReadonlyArray<[F, (item: T) => string | boolean]>,
): { added: T[]; changed: Array<Change<T, F>>; removed: T[] } {
  const before = new Map(current.map((item) => [key(item), item]));
  const nextKeys = new Set(next.map(key));
  const added: T[] = [];
  const changed: Array<Change<T, F>> = [];
  for (const after of next) {
    const old = before.get(key(after));
    if (!old) {
      added.push(after);
      continue;
    }
    const differing = fields.filter(([, get]) => get(old) !== get(after)).map(([name]) => name);
    if (differing.length > 0) changed.push({ before: old, after, fields: differing });
  }
  const removed = current.filter((item) => !nextKeys.has(key(item)));
  return { added, changed, removed };
}
