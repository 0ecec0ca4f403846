/**
 * Reading the register for the chat's views: a person's own entries, and a manager's direct reports' entries.
 * Who counts as a manager is the directory's answer on the server, never the card's: a forged "team" button
 * from someone without reports reads nothing. Reads only; the register is written by its own services.
 */
import type { Deps } from './deps';
import type { Grant } from '../store/grantStore';
import type { DirectoryUser } from '../../graph/directory';
import { mapLimit } from '../store/mapLimit';

type RegisterReads = Pick<Deps, 'grants'>;

/** A person's register entries, as stored (every state; the view decides what to show). */
export function registerEntriesOf(deps: RegisterReads, personId: string): Promise<Grant[]> {
  return deps.grants.listFor(personId);
}

/** One direct report and their entries. */
export interface ReportEntries { person: DirectoryUser; entries: Grant[] }

export type TeamRegisterResult =
  | { kind: 'notManager' }
  | { kind: 'shown'; reports: ReportEntries[] };

/**
 * Reading many partitions at once is bounded: a manager of a large unit costs at most this many concurrent
 * queries (each is one partition's range), not one per report at the same instant.
 */
const CONCURRENT_READS = 8;

/** The direct reports (from the directory) of `managerId` with their entries, in the directory's name order. */
export async function teamRegister(deps: RegisterReads & Pick<Deps, 'directory'>, managerId: string): Promise<TeamRegisterResult> {
  const reports = await deps.directory.getDirectReports(managerId);
  if (!reports.length) return { kind: 'notManager' };
  const sorted = [...reports].sort((a, b) => a.displayName.localeCompare(b.displayName, 'fi'));
  const out = await mapLimit(sorted, CONCURRENT_READS, async (person): Promise<ReportEntries> => ({ person, entries: await deps.grants.listFor(person.id) }));
  return { kind: 'shown', reports: out };
}
