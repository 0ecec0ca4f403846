/**
 * FileDirectory: the Directory port answered from a local organisation file (data/sample-org.json), for
 * `npm start` without Microsoft Graph and for tests. The file is validated once at load; an invalid file
 * fails with messages that name the user's index and the field, never the value (it may be personal data).
 */
import fs from 'node:fs';
import { leaveDay, type Directory, type DirectoryChanges, type DirectoryGroup, type DirectoryRecord, type DirectoryUser } from './directory';

type Json = Record<string, unknown>;

/** The file's group keys, mapped to the port's group names. */
const GROUP_KEYS: Readonly<Record<DirectoryGroup, string>> = {
  administrators: 'mandateAdministrators',
  signatories: 'signatories',
};

/** Stands in for an entry that is not an object; loading fails anyway, so it is never served. */
const UNREADABLE_USER: DirectoryUser = Object.freeze({
  id: '', displayName: '', givenName: '', surname: '', jobTitle: '', department: '', serviceArea: '', mail: '',
  userPrincipalName: '', preferredLanguage: '', accountEnabled: false, managerId: null,
});

/** One reading of the organisation file, indexed; swapped whole when the file changes on disk. */
interface Organisation {
  users: readonly DirectoryUser[];
  byId: Map<string, DirectoryUser>;
  /** Lower-cased mail and UPN → the people with it (an address lookup is a map read, not a pass over everyone). */
  byAddress: Map<string, DirectoryUser[]>;
  reportsByManager: Map<string, DirectoryUser[]>;
  members: Readonly<Record<DirectoryGroup, readonly string[]>>;
}

export class FileDirectory implements Directory {
  private org: Organisation;
  /** The file it was read from (fromFile), so a change on disk can be noticed; absent for an in-memory organisation. */
  private source: { path: string; stamp: string } | undefined;

  /** Reads and validates an organisation file; the error names the file and every problem found. */
  static fromFile(path: string): FileDirectory {
    const stamp = fileStamp(path);
    const directory = new FileDirectory(EMPTY_ORGANISATION);
    directory.org = readOrganisationFile(path);
    directory.source = { path, stamp };
    return directory;
  }

  /** @param org the parsed JSON of an organisation file (shape of data/sample-org.json). */
  constructor(org: unknown) {
    this.org = indexOrganisation(org);
  }

  async getUser(id: string): Promise<DirectoryUser | undefined> {
    return this.org.byId.get(id);
  }

  async getManager(id: string): Promise<DirectoryUser | undefined> {
    const managerId = this.org.byId.get(id)?.managerId;
    return managerId ? this.org.byId.get(managerId) : undefined;
  }

  async getDirectReports(id: string): Promise<DirectoryUser[]> {
    return [...(this.org.reportsByManager.get(id) ?? [])];
  }

  async isMember(id: string, group: DirectoryGroup): Promise<boolean> {
    return this.org.members[group].includes(id);
  }

  async listMembers(group: DirectoryGroup): Promise<DirectoryUser[]> {
    return this.org.members[group].map((id) => this.org.byId.get(id)).filter((u): u is DirectoryUser => u !== undefined);
  }

  async findByAddress(address: string): Promise<DirectoryUser[]> {
    const wanted = address.trim().toLowerCase();
    if (!wanted) return [];
    return this.org.byAddress.get(wanted) ?? [];
  }

  /**
   * The file as a whole when it changed on disk since `cursor` (its modification time and size) or was never
   * read: the file is re-read — so the bot's own answers follow it too — and everyone in it listed; the sweep
   * compares that with what it remembered. An invalid file fails here and the previous reading stays in use.
   */
  async changes(cursor: string | undefined): Promise<DirectoryChanges> {
    if (this.source) {
      const stamp = fileStamp(this.source.path);
      if (stamp !== this.source.stamp) {
        this.org = readOrganisationFile(this.source.path);
        this.source.stamp = stamp;
      }
      if (cursor === stamp) return { kind: 'unchanged', cursor };
      return { kind: 'full', users: this.org.users.map(recordOf), cursor: stamp };
    }
    return cursor === 'memory' ? { kind: 'unchanged', cursor } : { kind: 'full', users: this.org.users.map(recordOf), cursor: 'memory' };
  }

  async findPeople(filter: { name: string } | { department: string }, limit: number): Promise<DirectoryUser[]> {
    const fold = (v: string): string => v.normalize('NFKC').toLowerCase().trim();
    if ('department' in filter) {
      const wanted = fold(filter.department);
      return wanted ? this.org.users.filter((u) => fold(u.department) === wanted).slice(0, limit) : [];
    }
    const wanted = fold(filter.name);
    if (!wanted) return [];
    return this.org.users.filter((u) => fold(u.displayName).startsWith(wanted) || fold(u.displayName).split(/\s+/).some((w) => w.startsWith(wanted))).slice(0, limit);
  }

  /** Everyone in the file, in file order (for tests and tools such as the local seeding script). */
  allUsers(): readonly DirectoryUser[] {
    return this.org.users;
  }
}

/** A person of the file as a change: the file lists everyone whole, so a missing leave day is "none" (null). */
function recordOf(u: DirectoryUser): DirectoryRecord {
  return { id: u.id, displayName: u.displayName, department: u.department, serviceArea: u.serviceArea, jobTitle: u.jobTitle,
    managerId: u.managerId, accountEnabled: u.accountEnabled, leaveDate: u.leaveDate ?? null };
}

/** Modification time and size: a changed file changes one of them (an editor's save, a copy over it). */
function fileStamp(path: string): string {
  try {
    const st = fs.statSync(path);
    return `${st.mtimeMs}:${st.size}`;
  } catch (error) {
    // The OS code (ENOENT, EACCES, …) tells an operator whether the file is missing or unreadable.
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Organisation file ${path} cannot be read${code ? ` (${code})` : ''}.`);
  }
}

const EMPTY_ORGANISATION = { users: [], groups: { mandateAdministrators: [], signatories: [] } };

function readOrganisationFile(path: string): Organisation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new Error(`Organisation file ${path} ${reason}.`);
  }
  try {
    return indexOrganisation(parsed);
  } catch (error) {
    throw new Error(`Organisation file ${path}: ${(error as Error).message}`);
  }
}

function indexOrganisation(org: unknown): Organisation {
  const { users, members } = parseOrganisation(org);
  const byId = new Map<string, DirectoryUser>();
  const reportsByManager = new Map<string, DirectoryUser[]>();
  const byAddress = new Map<string, DirectoryUser[]>();
  for (const user of users) {
    byId.set(user.id, user);
    for (const address of new Set([user.mail.toLowerCase(), user.userPrincipalName.toLowerCase()])) {
      if (address) byAddress.set(address, [...(byAddress.get(address) ?? []), user]);
    }
    if (user.managerId !== null) {
      const reports = reportsByManager.get(user.managerId) ?? [];
      reports.push(user);
      reportsByManager.set(user.managerId, reports);
    }
  }
  return { users, byId, byAddress, reportsByManager, members };
}

function parseOrganisation(org: unknown): {
  users: DirectoryUser[];
  members: Record<DirectoryGroup, string[]>;
} {
  const problems: string[] = [];
  if (!isObject(org)) throw new Error('the top level must be a JSON object.');
  if (!Array.isArray(org.users)) throw new Error('"users" must be an array.');

  const users = org.users.map((raw, index) => parseUser(raw, index, problems));
  const firstIndexById = new Map<string, number>();
  users.forEach((user, index) => {
    if (!user.id) return;
    const first = firstIndexById.get(user.id);
    if (first !== undefined) problems.push(`users[${index}].id duplicates users[${first}].id.`);
    else firstIndexById.set(user.id, index);
  });
  users.forEach((user, index) => {
    if (user.managerId === null) return;
    if (user.managerId === user.id) problems.push(`users[${index}].managerId points to the user themself.`);
    else if (!firstIndexById.has(user.managerId)) problems.push(`users[${index}].managerId refers to no user in the file.`);
  });
  // A manager cycle would make any walk up the management chain loop forever.
  if (problems.length === 0) problems.push(...findManagerCycles(users));

  const members = parseGroups(org.groups, firstIndexById, problems);
  if (problems.length > 0) throw new Error(problems.join(' '));
  return { users: users.map((u) => Object.freeze(u)), members };
}

function parseUser(raw: unknown, index: number, problems: string[]): DirectoryUser {
  const at = `users[${index}]`;
  if (!isObject(raw)) {
    problems.push(`${at} must be an object.`);
    return UNREADABLE_USER;
  }
  const user = raw;
  /** Every text field must be present; only id, displayName and userPrincipalName must be non-empty. */
  const text = (field: string, required: boolean): string => {
    const value = user[field];
    if (typeof value !== 'string') {
      problems.push(`${at}.${field} must be a string.`);
      return '';
    }
    if (required && value.trim() === '') problems.push(`${at}.${field} must not be empty.`);
    return value;
  };
  if (typeof user.accountEnabled !== 'boolean') problems.push(`${at}.accountEnabled must be true or false.`);
  const leave = user.employeeLeaveDateTime;
  if (leave !== undefined && leave !== null && leaveDay(leave) === undefined) {
    problems.push(`${at}.employeeLeaveDateTime must be a date (2026-12-31 or 2026-12-31T00:00:00Z) or null.`);
  }
  const managerId = user.managerId;
  if (managerId !== null && (typeof managerId !== 'string' || managerId === '')) {
    problems.push(`${at}.managerId must be a user id or null.`);
  }
  return {
    id: text('id', true),
    displayName: text('displayName', true),
    givenName: text('givenName', false),
    surname: text('surname', false),
    jobTitle: text('jobTitle', false),
    department: text('department', false),
    // The sample organisation carries the service area (palvelualue) in Graph's officeLocation.
    serviceArea: text('officeLocation', false),
    mail: text('mail', false),
    userPrincipalName: text('userPrincipalName', true),
    preferredLanguage: text('preferredLanguage', false),
    accountEnabled: user.accountEnabled === true,
    managerId: typeof managerId === 'string' && managerId !== '' ? managerId : null,
    ...(leaveDay(leave) ? { leaveDate: leaveDay(leave) } : {}),
  };
}

function findManagerCycles(users: DirectoryUser[]): string[] {
  const indexById = new Map(users.map((u, i) => [u.id, i] as const));
  const problems: string[] = [];
  users.forEach((start, index) => {
    const seen = new Set<string>([start.id]);
    let managerId = start.managerId;
    while (managerId !== null) {
      if (seen.has(managerId)) {
        problems.push(`users[${index}].managerId leads into a management cycle.`);
        return;
      }
      seen.add(managerId);
      managerId = users[indexById.get(managerId) ?? -1]?.managerId ?? null;
    }
  });
  return problems;
}

function parseGroups(
  raw: unknown,
  known: ReadonlyMap<string, number>,
  problems: string[],
): Record<DirectoryGroup, string[]> {
  const groups = isObject(raw) ? raw : {};
  if (!isObject(raw)) problems.push('"groups" must be an object.');
  const members = (group: DirectoryGroup): string[] => {
    const key = GROUP_KEYS[group];
    const list = groups[key];
    if (!Array.isArray(list)) {
      problems.push(`groups.${key} must be an array of user ids.`);
      return [];
    }
    list.forEach((id, i) => {
      if (typeof id !== 'string') problems.push(`groups.${key}[${i}] must be a user id.`);
      else if (!known.has(id)) problems.push(`groups.${key}[${i}] refers to no user in the file.`);
    });
    return list.filter((id): id is string => typeof id === 'string');
  };
  return { administrators: members('administrators'), signatories: members('signatories') };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
