/**
 * FileDirectory: the Directory port answered from a local organisation file (data/sample-org.json), for
 * `npm start` without Microsoft Graph and for tests. The file is validated once at load; an invalid file
 * fails with messages that name the user's index and the field, never the value (it may be personal data).
 */
import fs from 'node:fs';
import type { Directory, DirectoryGroup, DirectoryUser } from './directory';

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

export class FileDirectory implements Directory {
  private readonly users: readonly DirectoryUser[];
  private readonly byId = new Map<string, DirectoryUser>();
  private readonly reportsByManager = new Map<string, DirectoryUser[]>();
  private readonly members: Readonly<Record<DirectoryGroup, readonly string[]>>;

  /** Reads and validates an organisation file; the error names the file and every problem found. */
  static fromFile(path: string): FileDirectory {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(path, 'utf8'));
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
      throw new Error(`Organisation file ${path} ${reason}.`);
    }
    try {
      return new FileDirectory(parsed);
    } catch (error) {
      throw new Error(`Organisation file ${path}: ${(error as Error).message}`);
    }
  }

  /** @param org the parsed JSON of an organisation file (shape of data/sample-org.json). */
  constructor(org: unknown) {
    const { users, members } = parseOrganisation(org);
    this.users = users;
    this.members = members;
    for (const user of users) {
      this.byId.set(user.id, user);
      if (user.managerId !== null) {
        const reports = this.reportsByManager.get(user.managerId) ?? [];
        reports.push(user);
        this.reportsByManager.set(user.managerId, reports);
      }
    }
  }

  async getUser(id: string): Promise<DirectoryUser | undefined> {
    return this.byId.get(id);
  }

  async getManager(id: string): Promise<DirectoryUser | undefined> {
    const managerId = this.byId.get(id)?.managerId;
    return managerId ? this.byId.get(managerId) : undefined;
  }

  async getDirectReports(id: string): Promise<DirectoryUser[]> {
    return [...(this.reportsByManager.get(id) ?? [])];
  }

  async isMember(id: string, group: DirectoryGroup): Promise<boolean> {
    return this.members[group].includes(id);
  }

  async listMembers(group: DirectoryGroup): Promise<DirectoryUser[]> {
    return this.members[group].map((id) => this.byId.get(id)).filter((u): u is DirectoryUser => u !== undefined);
  }

  async findByAddress(address: string): Promise<DirectoryUser[]> {
    const wanted = address.trim().toLowerCase();
    if (!wanted) return [];
    return this.users.filter((u) => u.mail.toLowerCase() === wanted || u.userPrincipalName.toLowerCase() === wanted);
  }

  async findPeople(filter: { name: string } | { department: string }, limit: number): Promise<DirectoryUser[]> {
    const fold = (v: string): string => v.normalize('NFKC').toLowerCase().trim();
    if ('department' in filter) {
      const wanted = fold(filter.department);
      return wanted ? this.users.filter((u) => fold(u.department) === wanted).slice(0, limit) : [];
    }
    const wanted = fold(filter.name);
    if (!wanted) return [];
    return this.users.filter((u) => fold(u.displayName).startsWith(wanted) || fold(u.displayName).split(/\s+/).some((w) => w.startsWith(wanted))).slice(0, limit);
  }

  /** Everyone in the file, in file order (for tests and tools such as the local seeding script). */
  allUsers(): readonly DirectoryUser[] {
    return this.users;
  }
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
