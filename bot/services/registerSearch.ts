/**
 * The administrators' register search (issue #12, views): who holds what, by person (name or e-mail, from the
 * directory), by theme (id or name, from the catalog) or by department (the directory's people of it), with counts
 * by state and the matching entries; and its CSV export through a one-time download link. Who may search is the
 * policy's answer on the server ('searchRegister'), asked again when a link is downloaded.
 *
 * Speed at scale: a theme's answer is one point read of its saved view of the day (computed from its roster — 16
 * point reads at once — on the day's first search and after a write), its CSV the roster; a person is one point
 * read of their summary; a department reads its people's summaries, CONCURRENT_READS at a time.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Deps } from './deps';
import type { Grant } from '../store/grantStore';
import type { DirectoryUser } from '../../graph/directory';
import type { Theme } from '../domain/catalog';
import { registerState, type RegisterState } from '../domain/register';
import { MAX_SEARCH_ROWS, SEARCH_STATES, parseSearchQuery, type RegisterSearchQuery, type SearchFound, type SearchPerson, type SearchResult, type SearchRow } from '../domain/registerSearch';
import { helsinkiDate, type IsoDate } from '../domain/workdays';
import { may, type Actor } from '../domain/policies';
import { mapLimit } from '../store/mapLimit';

/** People a name search looks at; a department's people are read up to DEPARTMENT_LIMIT. */
const NAME_LIMIT = 50;
const DEPARTMENT_LIMIT = 5_000;
const CONCURRENT_READS = 16;
/** How long a download link is valid (minutes): long enough to click, short enough to be useless if forwarded later. */
export const EXPORT_LINK_MINUTES = 10;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const STATE_RANK: Record<RegisterState, number> = { expiring: 0, active: 1, upcoming: 2, expired: 3, revoked: 4 };

type SearchDeps = Pick<Deps, 'grants' | 'directory' | 'catalog' | 'now'>;

const fold = (v: string): string => v.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The search itself. `rows: 'all'` (the CSV) gives every matching entry; `'shown'` (the answer card) at least the
 * first MAX_SEARCH_ROWS with the complete counts — which a theme search takes from the theme's saved view of the day.
 */
export async function searchRegister(deps: SearchDeps, query: RegisterSearchQuery, rows: 'all' | 'shown' = 'all'): Promise<SearchResult> {
  const text = query.text.trim();
  if (!text) return { kind: 'noMatch' };
  const today = helsinkiDate(deps.now());
  switch (query.by) {
    case 'theme': {
      const matched = matchThemes(await deps.catalog.themes(), text);
      if (!matched.length) return { kind: 'noMatch' };
      if (matched.length > 1) return { kind: 'ambiguous', themes: matched.slice(0, 10) };
      const [theme] = matched;
      return rows === 'all' ? themeSearch(deps, query, theme, today) : themeAnswer(deps, query, theme, today);
    }
    case 'department': {
      const people = await deps.directory.findPeople({ department: text }, DEPARTMENT_LIMIT);
      if (!people.length) return { kind: 'noMatch' };
      return found(query, await rowsOf(deps, people, today), new Map(people.map((p) => [p.id, p])),
        { department: people[0].department, ...(people.length >= DEPARTMENT_LIMIT ? { partialAt: DEPARTMENT_LIMIT } : {}) });
    }
    case 'person': {
      const people = text.includes('@') ? await deps.directory.findByAddress(text) : await deps.directory.findPeople({ name: text }, NAME_LIMIT);
      if (!people.length) return { kind: 'noMatch' };
      return found(query, await rowsOf(deps, people, today), new Map(people.map((p) => [p.id, p])), people.length >= NAME_LIMIT ? { partialAt: NAME_LIMIT } : {});
    }
  }
}

/** Every entry of a theme, from its roster (16 rows of the index: for a theme of 10,000 holders about a megabyte). */
async function themeSearch(deps: SearchDeps, query: RegisterSearchQuery, theme: Theme, today: IsoDate): Promise<SearchFound> {
  const holders = await deps.grants.themeHolders(theme.id);
  const rows = holders.flatMap((h) => h.periods.map((p) => row({ subjectId: h.subjectId, themeId: theme.id, ...p }, today)));
  return found(query, rows, new Map(), { theme });
}

/** A theme's saved view: the counts and the first rows of a day (states and order depend on the day). */
interface ThemeView { people: number; entries: number; byState: Record<RegisterState, number>; rows: SearchRow[] }

/**
 * What an answer card shows of a theme: the view saved for today, one point read; else computed from the roster
 * and saved (not when a holder of the theme was written meanwhile: the writer marks the view stale after its
 * roster write, which also changes the ETag this save is conditional on). The first search of a theme each day,
 * and the first after a write, reads the roster.
 */
async function themeAnswer(deps: SearchDeps, query: RegisterSearchQuery, theme: Theme, today: IsoDate): Promise<SearchFound> {
  const saved = await deps.grants.themeView(theme.id);
  const view = saved && saved.day === today && !saved.stale ? parseView(saved.json) : undefined;
  if (view) return { kind: 'found', query, theme, ...view, persons: new Map() };
  const result = await themeSearch(deps, query, theme, today);
  const fresh: ThemeView = { people: result.people, entries: result.entries, byState: result.byState, rows: result.rows.slice(0, MAX_SEARCH_ROWS) };
  await deps.grants.saveThemeView(theme.id, today, JSON.stringify(fresh), saved?.etag);
  return result;
}

/**
 * Sweep step "searchViews": every catalog theme's answer saved for the day (a fresh one is left as it is), so the
 * administrators' first search of a theme is one read too. The latest step: it sees what the others recorded.
 */
export async function searchViewsSweep(deps: SearchDeps, today: IsoDate): Promise<Record<string, number>> {
  const themes = [...(await deps.catalog.themes()).values()];
  await mapLimit(themes, VIEW_SWEEP_PARALLEL, (theme) => themeAnswer(deps, { by: 'theme', text: theme.id }, theme, today));
  return { themes: themes.length };
}

/** Themes whose views the sweep computes at once (each reads its 16 roster rows at once). */
const VIEW_SWEEP_PARALLEL = 4;

/** A saved view, or undefined when it does not read as one (written by another version: computed again). */
function parseView(json: string): ThemeView | undefined {
  try {
    const v = JSON.parse(json) as Partial<ThemeView>;
    const ok = typeof v.people === 'number' && typeof v.entries === 'number' && Array.isArray(v.rows) && v.byState !== null && typeof v.byState === 'object'
      && SEARCH_STATES.every((s) => typeof v.byState?.[s] === 'number');
    return ok ? v as ThemeView : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The directory's record of each person in `rows` not yet known (a theme search names the rows it shows or exports). */
export async function namePeople(deps: Pick<Deps, 'directory'>, result: SearchFound, rows: readonly SearchRow[]): Promise<void> {
  const missing = [...new Set(rows.map((r) => r.subjectId))].filter((id) => !result.persons.has(id));
  const users = await mapLimit(missing, CONCURRENT_READS, (id) => deps.directory.getUser(id));
  users.forEach((u) => { if (u) result.persons.set(u.id, u); });
}

/** Themes whose id or name (any language) is the text; else those whose name contains it. */
function matchThemes(themes: ReadonlyMap<string, Theme>, text: string): Theme[] {
  const wanted = fold(text);
  const all = foldedNames(themes);
  const exact = all.filter(({ names }) => names.includes(wanted)).map(({ theme }) => theme);
  if (exact.length) return exact;
  return all.filter(({ names }) => names.some((n) => n.includes(wanted))).map(({ theme }) => theme)
    .sort((a, b) => a.name.fi.localeCompare(b.name.fi, 'fi'));
}

/** Each theme with its id and names folded, once per catalog version (the reader keeps one map per version). */
const folded = new WeakMap<ReadonlyMap<string, Theme>, Array<{ theme: Theme; names: string[] }>>();
function foldedNames(themes: ReadonlyMap<string, Theme>): Array<{ theme: Theme; names: string[] }> {
  let out = folded.get(themes);
  if (!out) {
    out = [...themes.values()].map((theme) => ({ theme, names: [theme.id, theme.name.fi, theme.name.sv, theme.name.en].filter(Boolean).map(fold) }));
    folded.set(themes, out);
  }
  return out;
}

async function rowsOf(deps: SearchDeps, people: readonly DirectoryUser[], today: IsoDate): Promise<SearchRow[]> {
  const registers = await mapLimit(people, CONCURRENT_READS, (p) => deps.grants.listFor(p.id));
  return registers.flat().map((g: Grant) => row(g, today));
}

function row(e: { subjectId: string; themeId: string; validFrom: string; validUntil: string; revokedAt?: string }, today: IsoDate): SearchRow {
  const out: SearchRow = { subjectId: e.subjectId, themeId: e.themeId, validFrom: e.validFrom, validUntil: e.validUntil, state: registerState(e, today) };
  if (e.revokedAt) out.revokedAt = e.revokedAt;
  return out;
}

function found(query: RegisterSearchQuery, rows: SearchRow[], persons: Map<string, SearchPerson>, what: { theme?: Theme; department?: string; partialAt?: number }): SearchFound {
  const byState = Object.fromEntries(SEARCH_STATES.map((s) => [s, 0])) as Record<RegisterState, number>;
  for (const r of rows) byState[r.state] += 1;
  // Code-point order (ids and ISO dates): a theme's thousands of rows sort in a millisecond, localeCompare took tens.
  rows.sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || cmp(a.validUntil, b.validUntil)
    || cmp(a.subjectId, b.subjectId) || cmp(a.themeId, b.themeId) || cmp(a.validFrom, b.validFrom));
  return { kind: 'found', query, ...what, people: new Set(rows.map((r) => r.subjectId)).size, entries: rows.length, byState, rows, persons };
}

/** A link's row key: the token's SHA-256, so whoever can read the table cannot use a link. */
const linkKey = (token: string): string => createHash('sha256').update(token).digest('hex');

export type ExportLinkResult = { kind: 'notAllowed' } | { kind: 'created'; token: string; expiresAt: Date };

/** A one-time download link for the CSV of a search, bound to the administrator who asked (checked again at download). */
export async function createExportLink(deps: Pick<Deps, 'exportLinks' | 'now'>, actor: Actor, query: RegisterSearchQuery): Promise<ExportLinkResult> {
  if (!may(actor, 'searchRegister')) return { kind: 'notAllowed' };
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(deps.now().getTime() + EXPORT_LINK_MINUTES * 60_000);
  await deps.exportLinks.create(linkKey(token), { adminId: actor.id, query: JSON.stringify(query), expiresAt: expiresAt.toISOString() });
  return { kind: 'created', token, expiresAt };
}

export type DownloadResult =
  /** Unknown, forged, used, expired, or the person is no longer an administrator: all answered alike. */
  | { kind: 'refused'; reason: 'missing' | 'used' | 'expired' | 'notAllowed' | 'badQuery' }
  | { kind: 'ok'; result: SearchResult; adminId: string };

/** A download: the link consumed once, within its time, by someone who is still an administrator; then the search. */
export async function downloadExport(deps: SearchDeps & Pick<Deps, 'exportLinks'>, token: string, isAdministrator: (id: string) => Promise<boolean>): Promise<DownloadResult> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'refused', reason: 'missing' };
  const consumed = await deps.exportLinks.consume(linkKey(token), deps.now());
  if (consumed.kind !== 'ok') return { kind: 'refused', reason: consumed.kind };
  const { link } = consumed;
  if (Date.parse(link.expiresAt) <= deps.now().getTime()) return { kind: 'refused', reason: 'expired' };
  if (!(await isAdministrator(link.adminId))) return { kind: 'refused', reason: 'notAllowed' };
  let raw: { by?: unknown; text?: unknown };
  try {
    raw = JSON.parse(link.query) as { by?: unknown; text?: unknown };
  } catch (err) {
    if (err instanceof SyntaxError) return { kind: 'refused', reason: 'badQuery' };
    throw err;
  }
  const query = parseSearchQuery(raw.by, raw.text);
  if (!query) return { kind: 'refused', reason: 'badQuery' };
  const result = await searchRegister(deps, query);
  if (result.kind === 'found') await namePeople(deps, result, result.rows);
  return { kind: 'ok', result, adminId: link.adminId };
}
