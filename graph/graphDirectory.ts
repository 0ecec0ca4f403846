/**
 * GraphDirectory: the Directory port answered by Microsoft Graph (v1.0) with the app's own identity.
 * Responses are parsed here, at the boundary, into DirectoryUser values; errors name the operation and the
 * HTTP status but never an id, a name or Graph's message text (which can quote them).
 */
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type GraphRequest,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { TokenCredential } from '@azure/identity';
import { leaveDay, type Directory, type DirectoryChanges, type DirectoryGroup, type DirectoryRecord, type DirectoryUser } from './directory';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** Only what DirectoryUser needs: less data over the wire and less personal data held in memory. */
export const USER_FIELDS = [
  'id', 'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'officeLocation', 'mail',
  'userPrincipalName', 'preferredLanguage', 'accountEnabled',
] as const;
const USER_TYPE = '#microsoft.graph.user';
/** What the users delta query selects: the role, the manager and the account state the register's sweep compares. */
const DELTA_FIELDS = ['id', 'displayName', 'department', 'officeLocation', 'jobTitle', 'accountEnabled', 'manager'];
/** A guard against a server that keeps answering with next links. */
const MAX_PAGES = 1000;
/** Parallel manager look-ups when listing a group; keeps a burst well under Graph's throttling limits. */
const LOOKUP_CONCURRENCY = 4;

export interface GraphClientOptions {
  /** The app's identity towards Graph (see graphCredential). */
  credential: TokenCredential;
  /** Graph's root URL; default https://graph.microsoft.com/. Tests point it at a fake on 127.0.0.1. */
  baseUrl?: string;
  /** Retries after 429/503/504, honouring Retry-After; 0–10, default 3. */
  maxRetries?: number;
  /** The longest Retry-After (seconds) worth waiting for; longer ones fail at once. Default 30. */
  maxRetryAfterSeconds?: number;
}

export interface GraphDirectoryOptions extends GraphClientOptions {
  /** Object ids of the Entra groups behind the port's group names. */
  groupIds: Readonly<Record<DirectoryGroup, string>>;
  /** How long an answer is reused; default 5 minutes. 0 turns the cache off. */
  cacheTtlMs?: number;
  /** Entries kept per kind (users, managers, memberships, lists); the oldest go first. Default 5,000. */
  cacheMaxEntries?: number;
  /**
   * Read employeeLeaveDateTime in the users delta query (the tenant keeps it; needs User-LifeCycleInfo.Read.All
   * besides User.Read.All). Off by default: a tenant without it answers the property with an error.
   */
  leaveDate?: boolean;
}

/** A failed Graph call; `status` lets callers back off on 429 or give up on 403 without parsing text. */
export class GraphRequestError extends Error {
  constructor(readonly operation: string, readonly status: number | undefined, detail: string) {
    super(`Graph ${operation} failed: ${detail}`);
    this.name = 'GraphRequestError';
  }
}

/**
 * A Graph client with an explicit middleware chain (the SDK's default chain, with our retry settings).
 * The SDK's own AuthenticationHandler only signs https URLs on Graph's host names; ours signs exactly the
 * configured origin, so a local fake gets a token and no other host (e.g. a foreign next link) ever does.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const base = parseBaseUrl(options.baseUrl ?? GRAPH_BASE_URL);
  const provider = new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] });
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 30;
  // 3 s is the back-off when Graph sends no Retry-After; a Retry-After longer than the limit fails at once,
  // since a caller waiting on a Teams invoke (10 s) is better served by an error than by a long sleep.
  const retry = new RetryHandlerOptions(3, options.maxRetries ?? 3, (_delay, _attempt, _request, _options, response) =>
    retryAfterSeconds(response) <= maxRetryAfter);
  const middleware: Middleware[] = [
    new OriginBoundAuthentication(provider, base.origin),
    new RetryHandler(retry),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new HTTPMessageHandler(),
  ];
  return Client.initWithMiddleware({ baseUrl: base.href, defaultVersion: 'v1.0', middleware });
}

export class GraphDirectory implements Directory {
  private readonly client: Client;
  private readonly base: URL;
  private readonly groupIds: Readonly<Record<DirectoryGroup, string>>;
  private readonly users: TtlCache<DirectoryUser | undefined>;
  private readonly managerIds: TtlCache<string | null>;
  private readonly memberships: TtlCache<ReadonlySet<string>>;
  private readonly reports: TtlCache<readonly DirectoryUser[]>;
  private readonly members: TtlCache<readonly DirectoryUser[]>;
  private readonly deltaFields: string[];

  constructor(options: GraphDirectoryOptions) {
    for (const group of ['administrators', 'signatories'] as const) {
      if (!options.groupIds[group]?.trim()) throw new Error(`GraphDirectory needs the object id of the ${group} group.`);
    }
    this.client = createGraphClient(options);
    this.base = parseBaseUrl(options.baseUrl ?? GRAPH_BASE_URL);
    this.groupIds = { ...options.groupIds };
    this.deltaFields = [...DELTA_FIELDS, ...(options.leaveDate ? ['employeeLeaveDateTime'] : [])];
    const ttl = options.cacheTtlMs ?? 5 * 60_000;
    const size = options.cacheMaxEntries ?? 5_000;
    this.users = new TtlCache(ttl, size);
    this.managerIds = new TtlCache(ttl, size);
    this.memberships = new TtlCache(ttl, size);
    this.reports = new TtlCache(ttl, size);
    this.members = new TtlCache(ttl, size);
  }

  getUser(id: string): Promise<DirectoryUser | undefined> {
    return this.users.get(id, async () => {
      // Both in parallel: one round trip of latency for the common case of a known user.
      const [body, managerId] = await Promise.all([
        orNotFound('getUser', () => this.client.api(`/users/${segment(id)}`).select([...USER_FIELDS]).get()),
        this.managerIdOf(id),
      ]);
      return body === undefined ? undefined : parseUser(body, managerId, 'getUser');
    });
  }

  async getManager(id: string): Promise<DirectoryUser | undefined> {
    const managerId = await this.managerIdOf(id);
    return managerId === null ? undefined : this.getUser(managerId);
  }

  async getDirectReports(id: string): Promise<DirectoryUser[]> {
    const reports = await this.reports.get(id, async () => {
      const entries = await this.collect('getDirectReports', `/users/${segment(id)}/directReports`);
      // directReports may also hold organisational contacts, which are not people the bot can address.
      return (entries ?? []).filter(isUserEntry).map((entry) => parseUser(entry, id, 'getDirectReports'));
    });
    return [...reports];
  }

  /**
   * checkMemberGroups rather than transitiveMemberOf?$filter: it is transitive too, one POST answers for
   * both groups, and it needs no advanced query (ConsistencyLevel: eventual + $count), whose eventually
   * consistent index can lag behind a membership change made minutes ago.
   */
  async isMember(id: string, group: DirectoryGroup): Promise<boolean> {
    const groups = await this.memberships.get(id, async () => {
      const groupIds = [this.groupIds.administrators, this.groupIds.signatories];
      const body = await orNotFound('isMember', () =>
        this.client.api(`/users/${segment(id)}/checkMemberGroups`).post({ groupIds }));
      return new Set(body === undefined ? [] : parseStringList(body, 'isMember'));
    });
    return groups.has(this.groupIds[group]);
  }

  async listMembers(group: DirectoryGroup): Promise<DirectoryUser[]> {
    const members = await this.members.get(group, async () => {
      const path = `/groups/${segment(this.groupIds[group])}/transitiveMembers/microsoft.graph.user`;
      const entries = await this.collect('listMembers', path);
      // A missing group is a configuration error, not an empty group.
      if (entries === undefined) throw new GraphRequestError('listMembers', 404, 'status 404 (the configured group does not exist)');
      // The cast segment returns users only; @odata.type is therefore often omitted.
      const users = entries.filter((e) => !isObject(e) || e['@odata.type'] === undefined || isUserEntry(e));
      return mapWithLimit(users, LOOKUP_CONCURRENCY, async (entry) =>
        parseUser(entry, await this.managerIdOf(idOf(entry, 'listMembers')), 'listMembers'));
    });
    return [...members];
  }

  /**
   * `GET /users?$filter=mail eq '…' or userPrincipalName eq '…'` (both are filterable without advanced query
   * parameters). Graph compares them case-insensitively; the quote is doubled as OData requires.
   */
  async findByAddress(address: string): Promise<DirectoryUser[]> {
    const wanted = address.trim();
    if (!wanted) return [];
    const literal = `'${wanted.replace(/'/g, "''")}'`;
    let request = this.client.api('/users').filter(`mail eq ${literal} or userPrincipalName eq ${literal}`).select([...USER_FIELDS]);
    const entries: unknown[] = [];
    for (let page = 1; ; page++) {
      const body = await graphCall('findByAddress', () => request.get());
      const { value, nextLink } = parseCollection(body, 'findByAddress');
      entries.push(...value);
      if (nextLink === undefined) break;
      if (page >= MAX_PAGES) throw new GraphRequestError('findByAddress', undefined, `more than ${MAX_PAGES} pages`);
      request = this.followable(nextLink, 'findByAddress');
    }
    return mapWithLimit(entries.filter((e) => !isObject(e) || e['@odata.type'] === undefined || isUserEntry(e)), LOOKUP_CONCURRENCY,
      async (entry) => parseUser(entry, await this.managerIdOf(idOf(entry, 'findByAddress')), 'findByAddress'));
  }

  /**
   * The users delta query: from `cursor` (the deltaLink kept from the last round) only who changed — a changed
   * property is sent, an unchanged one may be left out, a deleted user comes as `@removed`, a new manager as
   * `manager@delta` —, without a cursor everyone (the baseline). Every page is read (nextLink) before the new
   * deltaLink is handed back, so a failure half way keeps the old cursor and the next run reads the same changes
   * again. A cursor Graph no longer knows (410: resync required) starts over with a full round.
   */
  async changes(cursor: string | undefined): Promise<DirectoryChanges> {
    try {
      return await this.deltaRound(cursor);
    } catch (error) {
      if (cursor !== undefined && error instanceof GraphRequestError && error.status === 410) return this.deltaRound(undefined);
      throw error;
    }
  }

  private async deltaRound(cursor: string | undefined): Promise<DirectoryChanges> {
    const operation = 'usersDelta';
    let request = cursor === undefined ? this.client.api('/users/delta').select(this.deltaFields) : this.followable(cursor, operation);
    // Graph may return a user more than once in a round (each time with what changed): merged, the last word wins.
    const users = new Map<string, DirectoryRecord>();
    const removed = new Set<string>();
    for (let page = 1; ; page++) {
      const body = await graphCall(operation, () => request.get());
      if (!isObject(body) || !Array.isArray(body.value)) throw new GraphRequestError(operation, undefined, 'the response has no "value" list');
      for (const item of body.value) {
        if (isObject(item) && isObject(item['@removed'])) {
          const id = idOf(item, operation);
          users.delete(id);
          removed.add(id);
        } else {
          const record = deltaRecord(item, cursor === undefined, operation);
          removed.delete(record.id);
          users.set(record.id, { ...users.get(record.id), ...record });
        }
      }
      const next = body['@odata.nextLink'];
      const deltaLink = body['@odata.deltaLink'];
      if (typeof next === 'string') {
        if (page >= MAX_PAGES) throw new GraphRequestError(operation, undefined, `more than ${MAX_PAGES} pages`);
        request = this.followable(next, operation);
        continue;
      }
      if (typeof deltaLink !== 'string') throw new GraphRequestError(operation, undefined, 'the last page has no delta link');
      // The deltaLink is followed next time: check now that it stays on the configured origin.
      this.followable(deltaLink, operation);
      return cursor === undefined ? { kind: 'full', users: [...users.values()], cursor: deltaLink }
        : { kind: 'delta', users: [...users.values()], removed: [...removed], cursor: deltaLink };
    }
  }

  /**
   * `GET /users?$filter=startswith(displayName,'…') or startswith(surname,'…')` or `department eq '…'`, at most
   * `limit` people (pages followed until then). Department filtering is an advanced query in Graph: it asks with
   * `ConsistencyLevel: eventual` and `$count=true`.
   */
  async findPeople(filter: { name: string } | { department: string }, limit: number): Promise<DirectoryUser[]> {
    const value = ('department' in filter ? filter.department : filter.name).trim();
    if (!value) return [];
    const literal = `'${value.replace(/'/g, "''")}'`;
    const clause = 'department' in filter ? `department eq ${literal}` : `startswith(displayName,${literal}) or startswith(surname,${literal})`;
    let request = this.client.api('/users').header('ConsistencyLevel', 'eventual').query({ $count: 'true' }).filter(clause)
      .top(Math.min(limit, 999)).select([...USER_FIELDS]);
    const entries: unknown[] = [];
    for (let page = 1; entries.length < limit; page++) {
      const body = await graphCall('findPeople', () => request.get());
      const { value: items, nextLink } = parseCollection(body, 'findPeople');
      entries.push(...items);
      if (nextLink === undefined) break;
      if (page >= MAX_PAGES) throw new GraphRequestError('findPeople', undefined, `more than ${MAX_PAGES} pages`);
      request = this.followable(nextLink, 'findPeople').header('ConsistencyLevel', 'eventual');
    }
    return mapWithLimit(entries.slice(0, limit).filter((e) => !isObject(e) || e['@odata.type'] === undefined || isUserEntry(e)), LOOKUP_CONCURRENCY,
      async (entry) => parseUser(entry, await this.managerIdOf(idOf(entry, 'findPeople')), 'findPeople'));
  }

  /** The manager's object id; Graph answers 404 both for "no manager" and for an unknown user. */
  private managerIdOf(id: string): Promise<string | null> {
    return this.managerIds.get(id, async () => {
      const body = await orNotFound('getManager', () => this.client.api(`/users/${segment(id)}/manager`).select('id').get());
      return body === undefined ? null : idOf(body, 'getManager');
    });
  }

  /** Every entry of a paged collection (selecting the user fields), or undefined when the first page is 404. */
  private async collect(operation: string, path: string): Promise<unknown[] | undefined> {
    let request = this.client.api(path).select([...USER_FIELDS]);
    const items: unknown[] = [];
    for (let page = 1; ; page++) {
      const body = page === 1 ? await orNotFound(operation, () => request.get()) : await graphCall(operation, () => request.get());
      if (body === undefined) return undefined;
      const { value, nextLink } = parseCollection(body, operation);
      items.push(...value);
      if (nextLink === undefined) return items;
      if (page >= MAX_PAGES) throw new GraphRequestError(operation, undefined, `more than ${MAX_PAGES} pages`);
      request = this.followable(nextLink, operation);
    }
  }

  /**
   * A request for a next link. The SDK only splits https links into version and path, and a link to any
   * other origin than the configured one is refused rather than followed.
   */
  private followable(nextLink: string, operation: string): GraphRequest {
    let url: URL;
    try {
      url = new URL(nextLink);
    } catch {
      throw new GraphRequestError(operation, undefined, 'the next page link is not a URL');
    }
    if (url.origin !== this.base.origin || !url.pathname.startsWith(this.base.pathname)) {
      throw new GraphRequestError(operation, undefined, `the next page link leaves ${this.base.origin}; not followed`);
    }
    const rest = url.pathname.slice(this.base.pathname.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) throw new GraphRequestError(operation, undefined, 'the next page link has no API version');
    return this.client.api(rest.slice(slash) + url.search).version(rest.slice(0, slash));
  }
}

/** Signs requests to one origin with the provider's bearer token; requests elsewhere go unsigned. */
class OriginBoundAuthentication implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly provider: AuthenticationProvider, private readonly origin: string) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).origin === this.origin) {
      setHeader(context, 'Authorization', `Bearer ${await this.provider.getAccessToken()}`);
    }
    if (!this.next) throw new Error('OriginBoundAuthentication must not be the last middleware.');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

function setHeader(context: Context, name: string, value: string): void {
  const options = (context.options ??= {});
  const headers = options.headers;
  if (headers === undefined) options.headers = { [name]: value };
  else if (headers instanceof Headers) headers.set(name, value);
  else if (Array.isArray(headers)) headers.push([name, value]);
  else headers[name] = value;
}

/** Seconds from a Retry-After header (delta or HTTP date); 0 when absent, so the default back-off applies. */
function retryAfterSeconds(response: Response): number {
  const header = response.headers?.get('Retry-After');
  if (!header) return 0;
  const seconds = Number(header);
  return Number.isNaN(seconds) ? (new Date(header).getTime() - Date.now()) / 1000 : seconds;
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.endsWith('/') ? raw : `${raw}/`);
  } catch {
    throw new Error(`The Graph base URL is not a URL: ${raw}`);
  }
  // A bearer token must never travel in clear text, except to a fake on this machine.
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`The Graph base URL must use https:// (plain http only for 127.0.0.1): ${url.origin}`);
  }
  return url;
}

/** The id as one path segment, so an odd id cannot reach another resource. */
function segment(id: string): string {
  return encodeURIComponent(id);
}

/** Sends a request; a 404 resolves to undefined, any other failure becomes a GraphRequestError. */
async function orNotFound(operation: string, request: () => Promise<unknown>): Promise<unknown> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof GraphError && error.statusCode === 404) return undefined;
    throw failure(operation, error);
  }
}

/** Sends a request; every failure, 404 included, becomes a GraphRequestError. */
export async function graphCall(operation: string, request: () => Promise<unknown>): Promise<unknown> {
  try {
    return await request();
  } catch (error) {
    throw failure(operation, error);
  }
}

/** Status, Graph's error code and request id only: Graph's message text can quote ids and addresses. */
function failure(operation: string, error: unknown): GraphRequestError {
  if (!(error instanceof GraphError)) {
    const name = error instanceof Error ? error.name : 'unknown error';
    return new GraphRequestError(operation, undefined, `before a response (${name})`);
  }
  const status = error.statusCode > 0 ? error.statusCode : undefined;
  const what = status === undefined ? 'before a response' : `status ${status}`;
  const code = error.code ? ` (${error.code})` : '';
  const requestId = error.requestId ? `, request-id ${error.requestId}` : '';
  return new GraphRequestError(operation, status, `${what}${code}${requestId}`);
}

/**
 * A delta item: only the properties it carries (Graph leaves unchanged ones out after the first round). In a full
 * round every user comes whole, so no `manager@delta` there means no manager.
 */
function deltaRecord(raw: unknown, full: boolean, operation: string): DirectoryRecord {
  if (!isObject(raw)) throw new GraphRequestError(operation, undefined, 'a user in the response is not an object');
  const record: DirectoryRecord = { id: idOf(raw, operation) };
  const text = (field: string): string | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (value === null) return '';
    if (typeof value !== 'string') throw new GraphRequestError(operation, undefined, `a user in the response has no text "${field}"`);
    return value;
  };
  const set = <K extends keyof DirectoryRecord>(key: K, value: DirectoryRecord[K] | undefined): void => { if (value !== undefined) record[key] = value; };
  set('displayName', text('displayName'));
  set('department', text('department'));
  set('serviceArea', text('officeLocation'));
  set('jobTitle', text('jobTitle'));
  if (typeof raw.accountEnabled === 'boolean') record.accountEnabled = raw.accountEnabled;
  if ('employeeLeaveDateTime' in raw) record.leaveDate = leaveDay(raw.employeeLeaveDateTime) ?? null;
  const manager = raw['manager@delta'];
  if (Array.isArray(manager)) {
    const current = manager.find((m) => isObject(m) && !isObject(m['@removed']));
    record.managerId = current === undefined ? null : idOf(current, operation);
  } else if (full) {
    record.managerId = null;
  }
  return record;
}

function parseUser(raw: unknown, managerId: string | null, operation: string): DirectoryUser {
  if (!isObject(raw)) throw new GraphRequestError(operation, undefined, 'a user in the response is not an object');
  // Graph answers null for an unset property; a missing key means it was not selected, which is a bug.
  const text = (field: (typeof USER_FIELDS)[number]): string => {
    const value = raw[field];
    if (value === null) return '';
    if (typeof value !== 'string') throw new GraphRequestError(operation, undefined, `a user in the response has no text "${field}"`);
    return value;
  };
  if (typeof raw.accountEnabled !== 'boolean') {
    throw new GraphRequestError(operation, undefined, 'a user in the response has no "accountEnabled" (needs User.Read.All)');
  }
  return Object.freeze({
    id: idOf(raw, operation),
    displayName: text('displayName'),
    givenName: text('givenName'),
    surname: text('surname'),
    jobTitle: text('jobTitle'),
    department: text('department'),
    // The organisation keeps the service area (palvelualue) in officeLocation.
    serviceArea: text('officeLocation'),
    mail: text('mail'),
    userPrincipalName: text('userPrincipalName'),
    preferredLanguage: text('preferredLanguage'),
    accountEnabled: raw.accountEnabled,
    managerId,
  });
}

function idOf(raw: unknown, operation: string): string {
  const id = isObject(raw) ? raw.id : undefined;
  if (typeof id !== 'string' || id === '') throw new GraphRequestError(operation, undefined, 'an object in the response has no id');
  return id;
}

function parseCollection(raw: unknown, operation: string): { value: unknown[]; nextLink: string | undefined } {
  if (!isObject(raw) || !Array.isArray(raw.value)) throw new GraphRequestError(operation, undefined, 'the response has no "value" list');
  const nextLink = raw['@odata.nextLink'];
  if (nextLink !== undefined && typeof nextLink !== 'string') throw new GraphRequestError(operation, undefined, 'the next page link is not text');
  return { value: raw.value, nextLink };
}

function parseStringList(raw: unknown, operation: string): string[] {
  const { value } = parseCollection(raw, operation);
  if (!value.every((v): v is string => typeof v === 'string')) throw new GraphRequestError(operation, undefined, 'the "value" list holds non-text');
  return value;
}

function isUserEntry(entry: unknown): boolean {
  return isObject(entry) && entry['@odata.type'] === USER_TYPE;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A short-lived cache of promises: concurrent identical look-ups share one request, answers are reused for
 * `ttlMs`, failures are forgotten at once, and beyond `maxEntries` the oldest entry is dropped.
 */
class TtlCache<V> {
  private readonly entries = new Map<string, { promise: Promise<V>; expiresAt: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries: number) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.promise;
    this.entries.delete(key);
    const entry = { promise: load(), expiresAt: now + this.ttlMs };
    this.entries.set(key, entry);
    entry.promise.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    // Map iterates in insertion order, so the first key is the oldest.
    const oldest = this.entries.size > this.maxEntries ? this.entries.keys().next() : undefined;
    if (oldest && !oldest.done) this.entries.delete(oldest.value);
    return entry.promise;
  }
}
