/**
 * The reports tab's register part from per-theme views of the day (issue #13): each theme's view (row `report` in its
 * roster partition, bot/domain/reportViews.ts says what it holds) is read with the others in one range read; one that
 * is of another day, marked stale by a roster write since, or made under another directory snapshot is computed
 * again from that theme's roster alone and saved under the ETag it was read with (a write of the theme meanwhile
 * changes that ETag, so a view computed from an older roster is never saved) — as the search's views are. The daily
 * sweep's step `reportViews` computes them all, so the day's first answer finds them ready.
 *
 * Departments: the directory sweep's snapshot when there is one (`directoryState`, one range read when many people
 * are wanted), else — and for anyone it does not know — the directory itself; remembered in this process for the
 * day and the snapshot's cursor, so a stale theme's recomputation asks only about people not seen today.
 */
import { createHash } from 'node:crypto';
import type { Deps } from './deps';
import { themeReport, type EndingEntry, type ThemeReport } from '../domain/reportViews';
import type { IsoDate } from '../domain/workdays';
import { mapLimit } from '../store/mapLimit';
import type { PersonSnapshot } from '../store/directoryState';

export type ReportViewDeps = Pick<Deps, 'grants' | 'directory' | 'directoryState'>;

/** Themes computed at once (each reads its 16 roster rows at once). */
const THEMES_AT_ONCE = 4;
/** Directory look-ups in flight. */
const DIRECTORY_READS = 16;
/** From this many people not yet known, the whole snapshot is read once (one range read) rather than a point read each. */
const SNAPSHOT_SCAN_FROM = 200;
/** The saved view's format; another is computed again. */
const VIEW_FORMAT = 1;

/** What a saved view holds besides the view: its format and the directory snapshot it took departments from. */
interface SavedReport extends ThemeReport { v: number; dir: string }

/**
 * The views this process read or saved, per register store, by theme, with the ETag of the row they are: a view is
 * taken from here only when the row still has that ETag (any write of the row changes it), so what is used is always
 * what the store holds — the answer just does not transfer a row it already has.
 */
const held = new WeakMap<object, Map<string, { etag: string; stamp: string; view: ThemeReport }>>();
/** Up to this many rows to read are point reads (at once); more are one range read. */
const POINT_READS_UP_TO = 8;

/** The report view of `today` of each theme, and how many had to be computed (not saved, stale, of another day or snapshot). */
export async function themeReportViews(deps: ReportViewDeps, themeIds: readonly string[], today: IsoDate): Promise<{ views: Map<string, ThemeReport>; computed: number }> {
  const [states, stamp] = await Promise.all([deps.grants.themeReportStates(themeIds), directoryStamp(deps)]);
  const mine = held.get(deps.grants) ?? new Map<string, { etag: string; stamp: string; view: ThemeReport }>();
  held.set(deps.grants, mine);
  const good = (s: { day: string; stale: boolean } | undefined): boolean => s !== undefined && !s.stale && s.day === today;
  const views = new Map<string, ThemeReport>();
  const toRead: string[] = [];
  for (const themeId of themeIds) {
    const state = states.get(themeId);
    const copy = mine.get(themeId);
    if (good(state) && copy && copy.etag === state?.etag && copy.stamp === stamp && copy.view.day === today) views.set(themeId, copy.view);
    else if (good(state)) toRead.push(themeId);
  }
  const rows = toRead.length > POINT_READS_UP_TO ? await deps.grants.themeReports(toRead)
    : new Map((await Promise.all(toRead.map(async (id) => [id, await deps.grants.themeReport(id)] as const))).flatMap(([id, row]) => (row ? [[id, row] as const] : [])));
  const etags = new Map<string, string | undefined>([...states].map(([id, state]) => [id, state.etag]));
  for (const [themeId, row] of rows) {
    etags.set(themeId, row.etag);
    const view = good(row) ? parseReport(row.json, today, stamp) : undefined;
    if (!view) continue;
    views.set(themeId, view);
    mine.set(themeId, { etag: row.etag, stamp, view });
  }
  const todo = themeIds.filter((id) => !views.has(id));
  if (todo.length) {
    const departments = departmentLookup(deps, today, stamp);
    await mapLimit(todo, THEMES_AT_ONCE, async (themeId) => {
      const holders = await deps.grants.themeHolders(themeId);
      const view = themeReport(themeId, holders, await departments(holders.map((h) => h.subjectId)), today);
      const json: SavedReport = { v: VIEW_FORMAT, dir: stamp, ...view };
      const etag = await deps.grants.saveThemeReport(themeId, today, JSON.stringify(json), etags.get(themeId));
      if (etag) mine.set(themeId, { etag, stamp, view });
      else mine.delete(themeId);
      views.set(themeId, view);
    });
  }
  return { views, computed: todo.length };
}

/** Sweep step "reportViews": every catalog theme's report view of the day (a good one is left as it is). */
export async function reportViewsSweep(deps: ReportViewDeps & Pick<Deps, 'catalog'>, today: IsoDate): Promise<Record<string, number>> {
  const themeIds = [...(await deps.catalog.themes()).keys()];
  const { computed } = await themeReportViews(deps, themeIds, today);
  return { themes: themeIds.length, computed };
}

/** Which directory snapshot the departments come from ('' = none: the directory is asked). */
async function directoryStamp(deps: ReportViewDeps): Promise<string> {
  const cursor = await deps.directoryState.cursor();
  return cursor ? createHash('sha256').update(cursor).digest('base64url').slice(0, 16) : '';
}

/** A saved view of `today` made under this snapshot, or undefined (another day, format or snapshot, or not a view). */
function parseReport(json: string, today: IsoDate, stamp: string): ThemeReport | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as Partial<SavedReport>;
    const ok = v.v === VIEW_FORMAT && v.dir === stamp && v.day === today && Array.isArray(v.departments) && Array.isArray(v.coverage)
      && Array.isArray(v.ending) && v.ending.every((e: EndingEntry) => Array.isArray(e) && e.length === 5);
    return ok ? { day: today, departments: v.departments as string[], coverage: v.coverage as ThemeReport['coverage'], ending: v.ending as EndingEntry[] } : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The departments this process has seen, per directory: for one day and one snapshot. */
const seen = new WeakMap<object, { key: string; departments: Map<string, string>; snapshot?: Promise<Map<string, PersonSnapshot>> }>();

/** Each person's department ('' for someone the directory does not know): the snapshot first, then the directory. */
function departmentLookup(deps: ReportViewDeps, today: IsoDate, stamp: string): (ids: readonly string[]) => Promise<(id: string) => string> {
  const key = `${today}|${stamp}`;
  let mine = seen.get(deps.directory);
  if (!mine || mine.key !== key) {
    mine = { key, departments: new Map() };
    seen.set(deps.directory, mine);
  }
  const known = mine;
  return async (ids) => {
    const missing = [...new Set(ids)].filter((id) => !known.departments.has(id));
    if (missing.length && stamp) {
      const snapshot = missing.length >= SNAPSHOT_SCAN_FROM ? await (known.snapshot ??= deps.directoryState.listAll()
        .catch((err: unknown) => { known.snapshot = undefined; throw err; })) : await deps.directoryState.getMany(missing);
      for (const id of missing) {
        const person = snapshot.get(id);
        // Someone gone from the directory has no department there (as the directory's own answer: nobody).
        if (person) known.departments.set(id, person.gone ? '' : person.department);
      }
    }
    const asked = missing.filter((id) => !known.departments.has(id));
    const users = await mapLimit(asked, DIRECTORY_READS, (id) => deps.directory.getUser(id));
    asked.forEach((id, i) => known.departments.set(id, users[i]?.department ?? ''));
    return (id) => known.departments.get(id) ?? '';
  };
}
