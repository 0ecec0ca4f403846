/**
 * The administrators' register search as the rules see it: what can be searched by, a query's bounds, the rows
 * and counts of a result. Pure; the search itself is bot/services/registerSearch.ts.
 */
import type { RegisterState } from './register';
import type { IsoDate } from './workdays';
import type { Theme } from './catalog';

export type SearchBy = 'person' | 'theme' | 'department';
export const SEARCH_BY: readonly SearchBy[] = ['person', 'theme', 'department'];

export interface RegisterSearchQuery { by: SearchBy; text: string }

/** Every state, in the order the answer lists them. */
export const SEARCH_STATES: readonly RegisterState[] = ['active', 'expiring', 'upcoming', 'expired', 'revoked'];

/** One entry of a result, with its state on the day of the search. */
export interface SearchRow {
  subjectId: string;
  themeId: string;
  validFrom: IsoDate;
  validUntil: IsoDate;
  revokedAt?: string;
  state: RegisterState;
}

/** A person of a result as the directory knows them (what the answer and the CSV show). */
export interface SearchPerson { id: string; displayName: string; mail: string; department: string }

export interface SearchFound {
  kind: 'found';
  query: RegisterSearchQuery;
  /** What was searched, as matched: the theme, or the department's name (a person search has neither). */
  theme?: Theme;
  department?: string;
  /** People with at least one entry in the result, and the entries. */
  people: number;
  entries: number;
  byState: Record<RegisterState, number>;
  /** Every matching entry: what needs attention first (as the views), then by end date and person. */
  rows: SearchRow[];
  /** The people of `rows` known so far (a theme search looks up the names of what it shows or exports). */
  persons: Map<string, SearchPerson>;
  /** Set when the directory returned as many people as a search reads: the counts cover only those. */
  partialAt?: number;
}

export type SearchResult =
  | { kind: 'noMatch' }
  /** Several themes match the text: the administrator picks one. */
  | { kind: 'ambiguous'; themes: Theme[] }
  | SearchFound;

/** The rows an answer card shows at most (the CSV has all). */
export const MAX_SEARCH_ROWS = 40;

/** Longest search text: a name, an address or a theme's name. */
export const MAX_SEARCH_TEXT = 200;

/** A query from card data or a link's row: a known `by` and a bounded, non-empty text, or nothing. */
export function parseSearchQuery(by: unknown, text: unknown): RegisterSearchQuery | undefined {
  if (typeof by !== 'string' || !(SEARCH_BY as readonly string[]).includes(by) || typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > MAX_SEARCH_TEXT) return undefined;
  return { by: by as SearchBy, text: trimmed };
}
