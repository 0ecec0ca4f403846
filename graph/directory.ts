/**
 * The directory port: who a person is in the organisation. FileDirectory reads the sample organisation,
 * GraphDirectory asks Microsoft Graph; the rest of the app sees only this interface.
 */
export interface DirectoryUser {
  /** Entra ID (AAD) object id. */
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string;
  /** Toimiala (sector), e.g. "Konsernipalvelut". */
  department: string;
  /** Palvelualue (service area); Graph's officeLocation carries it in the sample organisation. */
  serviceArea: string;
  mail: string;
  userPrincipalName: string;
  /** BCP-47 tag such as "fi-FI" or "sv-FI", or "" when unknown. */
  preferredLanguage: string;
  accountEnabled: boolean;
  /** The manager's object id, or null when the person has none. */
  managerId: string | null;
  /** The last working day (employeeLeaveDateTime, as a Helsinki date) where the directory keeps it. */
  leaveDate?: string;
}

export type DirectoryGroup = 'administrators' | 'signatories';

/**
 * A person as a change read from the directory shows them: the fields the register's sweep compares (role, manager,
 * account state) and, where the tenant keeps it, the day they leave. A field the source did not send is absent
 * (Graph's delta sends only what changed after the first round), so the sweep keeps the value it remembered.
 */
export interface DirectoryRecord {
  id: string;
  displayName?: string;
  department?: string;
  serviceArea?: string;
  jobTitle?: string;
  /** null = no manager; absent = not sent. */
  managerId?: string | null;
  accountEnabled?: boolean;
  /** employeeLeaveDateTime as a Helsinki date; null = cleared; absent = not kept or not sent. */
  leaveDate?: string | null;
}

/**
 * What changed since the cursor the caller kept from the last read: `full` lists everyone (the first read, a
 * changed organisation file, or Graph asking for a resync — anyone not listed is gone), `delta` lists only the
 * changed and the removed, `unchanged` means nothing to do. The caller stores `cursor` for the next read.
 */
export type DirectoryChanges =
  | { kind: 'full'; users: DirectoryRecord[]; cursor: string }
  | { kind: 'delta'; users: DirectoryRecord[]; removed: string[]; cursor: string }
  | { kind: 'unchanged'; cursor: string };

export interface Directory {
  /** The user by object id, or undefined when the directory does not know them. */
  getUser(id: string): Promise<DirectoryUser | undefined>;
  /** The user's manager, or undefined when they have none. */
  getManager(id: string): Promise<DirectoryUser | undefined>;
  /** The people who report directly to the user. */
  getDirectReports(id: string): Promise<DirectoryUser[]>;
  /** Whether the user is (transitively) a member of the configured group. */
  isMember(id: string, group: DirectoryGroup): Promise<boolean>;
  /** The members of a group (for proactive messages to signatories, digests). */
  listMembers(group: DirectoryGroup): Promise<DirectoryUser[]>;
  /**
   * Everyone whose mail or userPrincipalName is the address (case-insensitive): none, one, or — when the
   * directory is inconsistent — several, so a caller matching a spreadsheet can tell "unknown" from "ambiguous".
   */
  findByAddress(address: string): Promise<DirectoryUser[]>;
  /**
   * Who left or moved since `cursor` (undefined = never read: everyone, as the baseline). The file directory
   * re-reads its file when it changed on disk; Graph runs the users delta query.
   */
  changes(cursor: string | undefined): Promise<DirectoryChanges>;
  /**
   * People by name (the display name starts with, or a word of it starts with, the text; case-insensitive) or by
   * department (equal, case-insensitive), at most `limit` of them: the administrators' register search.
   */
  findPeople(filter: { name: string } | { department: string }, limit: number): Promise<DirectoryUser[]>;
}

const HELSINKI_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * employeeLeaveDateTime (an instant, or a bare date in an organisation file) as the Helsinki day it names;
 * undefined for anything that is not a date.
 */
export function leaveDay(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const instant = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
  return Number.isNaN(instant.getTime()) ? undefined : HELSINKI_DAY.format(instant);
}
