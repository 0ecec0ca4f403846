/**
 * Importing the register the city keeps today: every row of the file matched against the directory (the person)
 * and the catalog (the theme), then against itself and the stored register (overlaps). The plan is all or
 * nothing: with any error, nothing is applied; an entry already recorded with the same period is "unchanged",
 * so importing the same file twice changes nothing.
 */
import type { Directory, DirectoryUser } from '../../graph/directory';
import type { Theme } from '../domain/catalog';
import { periodsOverlap, samePeriod } from '../domain/register';
import type { PartialRow, RegisterFileError, RegisterFileRow } from '../domain/registerFile';
import type { Grant, GrantStore } from '../store/grantStore';
import { mapLimit } from '../store/mapLimit';

export interface RegisterImportDeps {
  directory: Pick<Directory, 'getUser' | 'findByAddress'>;
  /** The catalog's themes (hidden ones too: an old mandate may be of a theme no longer ordered). */
  themes: readonly Theme[];
  grants: Pick<GrantStore, 'listFor'>;
  now: () => Date;
}

/** A new entry and the file row it comes from, with the holder's name for a dry run's listing. */
export interface PlannedEntry {
  row: number;
  holderName: string;
  grant: Grant;
}

export interface RegisterImportPlan {
  added: PlannedEntry[];
  /** Rows whose entry the register already holds with the same period. */
  unchanged: number;
  errors: RegisterFileError[];
}

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Parallel directory look-ups: well under Graph's throttling limits, and a 250-row file still takes seconds. */
const LOOKUP_CONCURRENCY = 4;

type PersonMatch = { user: DirectoryUser } | { error: 'unknownPerson' | 'ambiguousPerson' };

/**
 * Works out what importing the rows would do; writes nothing. `file` names the source of the new entries;
 * `partial` rows (already in error for their values) have only their person and theme matched, so one run reports
 * every problem of the file.
 */
export async function planRegisterImport(file: string, rows: readonly RegisterFileRow[], deps: RegisterImportDeps,
  partial: readonly PartialRow[] = []): Promise<RegisterImportPlan> {
  const errors: RegisterFileError[] = [];
  const people = await matchPeople([...new Set([...rows, ...partial].map((r) => r.employee).filter((e) => e !== ''))], deps.directory);
  const themeById = new Map(deps.themes.map((t) => [t.id, t]));
  const themeByName = new Map<string, Theme>();
  for (const t of deps.themes) if (!themeByName.has(nameKey(t.name.fi))) themeByName.set(nameKey(t.name.fi), t);

  const match = (row: PartialRow): { user?: DirectoryUser; theme?: Theme } => {
    const person = people.get(row.employee);
    const theme = row.theme === '' ? undefined : themeById.get(row.theme) ?? themeByName.get(nameKey(row.theme));
    if (person && 'error' in person) errors.push({ kind: person.error, row: row.row, column: 'employee', value: row.employee });
    if (!theme && row.theme !== '') errors.push({ kind: 'unknownTheme', row: row.row, column: 'theme', value: row.theme });
    return { user: person && 'user' in person ? person.user : undefined, theme };
  };
  for (const row of partial) match(row);
  const resolved: Array<{ row: RegisterFileRow; user: DirectoryUser; theme: Theme }> = [];
  for (const row of rows) {
    const { user, theme } = match(row);
    if (user && theme) resolved.push({ row, user, theme });
  }

  const registers = await mapLimit([...new Set(resolved.map((r) => r.user.id))], LOOKUP_CONCURRENCY,
    async (id) => [id, await deps.grants.listFor(id)] as const);
  const registerOf = new Map(registers);
  const recordedAt = deps.now().toISOString();
  const added: PlannedEntry[] = [];
  let unchanged = 0;
  const earlierInFile = new Map<string, RegisterFileRow[]>();
  for (const { row, user, theme } of resolved) {
    const held = (registerOf.get(user.id) ?? []).filter((g) => g.themeId === theme.id);
    // First: an entry the register already holds is unchanged whatever else the file says, so an exported register
    // always re-imports as unchanged (even entries the bot recorded overlapping, e.g. an early renewal).
    if (held.some((g) => samePeriod(g, row))) {
      unchanged += 1;
      continue;
    }
    const key = `${user.id}|${theme.id}`;
    const before = earlierInFile.get(key) ?? [];
    earlierInFile.set(key, [...before, row]);
    const twin = before.find((other) => periodsOverlap(other, row));
    if (twin) {
      errors.push({ kind: 'overlapInFile', row: row.row, column: 'validFrom', otherRow: twin.row });
      continue;
    }
    // A revoked entry ended when it was revoked: a new entry over its old period is no overlap.
    const clash = held.find((g) => !g.revokedAt && periodsOverlap(g, row));
    if (clash) {
      errors.push({ kind: 'overlapWithRegister', row: row.row, column: 'validFrom', from: clash.validFrom, until: clash.validUntil });
      continue;
    }
    const grant: Grant = { subjectId: user.id, themeId: theme.id, themeName: theme.name.fi, validFrom: row.validFrom, validUntil: row.validUntil,
      grantedBy: row.grantedBy, orderId: '', grantedAt: recordedAt, source: { kind: 'import', file, row: row.row } };
    if (row.note) grant.note = row.note;
    added.push({ row: row.row, holderName: user.displayName, grant });
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { added, unchanged, errors };
}

/** Records a plan's new entries; refuses a plan with errors (nothing of it is applied). */
export async function applyRegisterImport(plan: RegisterImportPlan, grants: { putMany(entries: readonly Grant[]): Promise<void> }): Promise<number> {
  if (plan.errors.length > 0) throw new Error('A register import with errors is not applied.');
  await grants.putMany(plan.added.map((a) => a.grant));
  return plan.added.length;
}

/** Each distinct employee cell matched once: an object id directly, an address by mail or UPN. */
async function matchPeople(cells: readonly string[], directory: RegisterImportDeps['directory']): Promise<Map<string, PersonMatch>> {
  const matches = await mapLimit(cells, LOOKUP_CONCURRENCY, async (cell): Promise<readonly [string, PersonMatch]> => {
    if (OBJECT_ID.test(cell)) {
      const user = await directory.getUser(cell);
      return [cell, user ? { user } : { error: 'unknownPerson' }];
    }
    if (!cell.includes('@')) return [cell, { error: 'unknownPerson' }];
    const found = await directory.findByAddress(cell);
    return [cell, found.length === 1 ? { user: found[0] } : { error: found.length === 0 ? 'unknownPerson' : 'ambiguousPerson' }];
  });
  return new Map(matches);
}

/** A theme's Finnish name as compared: exact words, but not fussy about case or surrounding spaces. */
function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
