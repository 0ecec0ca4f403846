import type { LocalizedText } from '../i18n/lang';
import { SCOPE_TYPES, type MapRow, type ScopeType } from './catalog';
import { normalizeText } from './textMatch';

/** Names that mean the same scope, e.g. the Finnish and Swedish name of a job title or a department. */
export interface ScopeVariants {
  scopeType: ScopeType;
  names: readonly string[];
}

export interface MandateMapOptions {
  /** Explicit equivalences (sample organisation's fi/sv names, a small title list); the map adds its own. */
  variants?: readonly ScopeVariants[];
}

/** The parts of a person the map looks at (a DirectoryUser fits). */
export interface MapPerson {
  department: string;
  serviceArea: string;
  jobTitle: string;
}

export interface SuggestionReason {
  scopeType: ScopeType;
  /** The scope as written in the map row that gave this reason. */
  scope: string;
  why: LocalizedText;
}

export interface ThemeSuggestion {
  themeId: string;
  reasons: SuggestionReason[];
}

/** Most specific first: a job title says more about the work than the department does. */
const SUGGESTION_ORDER: readonly ScopeType[] = ['jobTitle', 'serviceArea', 'department'];

/**
 * The valtuuskartta (mandate map): which themes the work in a department, service area or job title needs.
 * Rows are indexed by normalised scope per scope type, with fi/sv variants of a scope sharing one index
 * entry, so suggesting for a person costs a few hash lookups however large the map is.
 */
export class MandateMap {
  private readonly groups: Record<ScopeType, ScopeGroups>;
  /** canonical scope key → rows of every variant of that scope, in map order. */
  private readonly index: Record<ScopeType, Map<string, MapRow[]>>;
  /** normalised scope → the first spelling seen, for browsing. */
  private readonly spellings: Record<ScopeType, Map<string, string>>;

  constructor(readonly rows: readonly MapRow[], options: MandateMapOptions = {}) {
    this.groups = byScopeType(() => new ScopeGroups());
    this.index = byScopeType(() => new Map<string, MapRow[]>());
    this.spellings = byScopeType(() => new Map<string, string>());

    for (const variant of options.variants ?? []) {
      const keys = variant.names.map(normalizeText).filter((k) => k !== '');
      for (const key of keys.slice(1)) this.groups[variant.scopeType].union(keys[0], key);
    }
    for (const [scopeType, a, b] of translatedScopePairs(rows)) this.groups[scopeType].union(a, b);

    for (const row of rows) {
      const key = normalizeText(row.scope);
      if (key === '') continue;
      if (!this.spellings[row.scopeType].has(key)) this.spellings[row.scopeType].set(key, row.scope);
      const canonical = this.groups[row.scopeType].find(key);
      const list = this.index[row.scopeType].get(canonical);
      if (list) list.push(row);
      else this.index[row.scopeType].set(canonical, [row]);
    }
  }

  /**
   * The themes the map suggests for a person, one entry per theme with every reason (job title, service
   * area, department) that led to it. Ordered by the most specific scope first, then map order.
   */
  suggest(person: MapPerson): ThemeSuggestion[] {
    const byTheme = new Map<string, Map<ScopeType, { row: MapRow; exact: boolean }>>();
    for (const scopeType of SUGGESTION_ORDER) {
      const key = normalizeText(person[scopeType]);
      if (key === '') continue;
      for (const row of this.rowsForKey(scopeType, key)) {
        let reasons = byTheme.get(row.themeId);
        if (!reasons) {
          reasons = new Map();
          byTheme.set(row.themeId, reasons);
        }
        const exact = normalizeText(row.scope) === key;
        const seen = reasons.get(scopeType);
        // One reason per scope type: the row written with the person's own spelling wins over a variant's.
        if (!seen || (exact && !seen.exact)) reasons.set(scopeType, { row, exact });
      }
    }
    return [...byTheme].map(([themeId, reasons]) => ({
      themeId,
      reasons: SUGGESTION_ORDER.flatMap((scopeType) => {
        const reason = reasons.get(scopeType);
        return reason ? [{ scopeType, scope: reason.row.scope, why: reason.row.why }] : [];
      }),
    }));
  }

  /** Distinct scopes of one type as first written in the map, sorted for a Finnish reader. */
  scopes(scopeType: ScopeType): string[] {
    return [...this.spellings[scopeType].values()].sort((a, b) => a.localeCompare(b, 'fi'));
  }

  /**
   * The map rows for a scope, matched like suggest() does (case, spacing and fi/sv variants ignored);
   * a theme that several variants list appears once, preferring the row with the asked spelling.
   */
  rowsFor(scopeType: ScopeType, scope: string): MapRow[] {
    const key = normalizeText(scope);
    if (key === '') return [];
    const chosen = new Map<string, MapRow>();
    for (const row of this.rowsForKey(scopeType, key)) {
      const seen = chosen.get(row.themeId);
      if (!seen || (normalizeText(row.scope) === key && normalizeText(seen.scope) !== key)) chosen.set(row.themeId, row);
    }
    return [...chosen.values()];
  }

  private rowsForKey(scopeType: ScopeType, key: string): readonly MapRow[] {
    return this.index[scopeType].get(this.groups[scopeType].find(key)) ?? [];
  }
}

function byScopeType<T>(make: () => T): Record<ScopeType, T> {
  return Object.fromEntries(SCOPE_TYPES.map((t) => [t, make()])) as Record<ScopeType, T>;
}

/** Union-find over normalised scope names: variants of a scope end up with one canonical key. */
class ScopeGroups {
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    // Path compression keeps later lookups O(1)-ish.
    for (let node = key; node !== root;) {
      const next = this.parent.get(node) ?? root;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/**
 * Scope pairs the map itself shows to be translations of each other: a Finnish and a Swedish title whose
 * rows are copies (same theme, same fi and sv reason) — "Rehtori" / "Rektor". A pair counts only when
 * (1) the shared reasons appear under exactly these two scopes, so one generic reason pasted under many
 * titles does not merge them, and (2) the shared rows are at least half of the larger scope's rows, so
 * two different titles that happen to share one copied row stay apart. Once paired, a theme later added
 * under only one of the two names is suggested for both.
 */
function translatedScopePairs(rows: readonly MapRow[]): Array<[ScopeType, string, string]> {
  const pairs: Array<[ScopeType, string, string]> = [];
  for (const scopeType of SCOPE_TYPES) {
    const themesOf = new Map<string, Set<string>>();
    const ownersOf = new Map<string, Set<string>>();
    for (const row of rows) {
      if (row.scopeType !== scopeType) continue;
      const scope = normalizeText(row.scope);
      const whyFi = normalizeText(row.why.fi);
      const whySv = normalizeText(row.why.sv);
      if (scope === '') continue;
      setOf(themesOf, scope).add(row.themeId);
      if (whyFi === '' || whySv === '') continue;
      setOf(ownersOf, `${row.themeId}\u0000${whyFi}\u0000${whySv}`).add(scope);
    }
    const shared = new Map<string, number>();
    for (const owners of ownersOf.values()) {
      if (owners.size !== 2) continue;
      const [a, b] = [...owners].sort();
      const pairKey = `${a}\u0000${b}`;
      shared.set(pairKey, (shared.get(pairKey) ?? 0) + 1);
    }
    for (const [pairKey, count] of shared) {
      const [a, b] = pairKey.split('\u0000');
      const larger = Math.max(themesOf.get(a)?.size ?? 0, themesOf.get(b)?.size ?? 0);
      if (count * 2 >= larger) pairs.push([scopeType, a, b]);
    }
  }
  return pairs;
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
