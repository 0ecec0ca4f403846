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
}

export type DirectoryGroup = 'administrators' | 'signatories';

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
   * People by name (the display name starts with, or a word of it starts with, the text; case-insensitive) or by
   * department (equal, case-insensitive), at most `limit` of them: the administrators' register search.
   */
  findPeople(filter: { name: string } | { department: string }, limit: number): Promise<DirectoryUser[]>;
}
