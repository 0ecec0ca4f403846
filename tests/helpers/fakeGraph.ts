/**
 * A local stand-in for Microsoft Graph v1.0 (node:http on 127.0.0.1, a free port), answering with Graph's
 * documented JSON shapes from the sample organisation. The real Graph client and its middleware talk to it,
 * so tests see $select, paging, 404 bodies, Retry-After and the Authorization header as Graph would.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';

export const FAKE_TOKEN = 'fake-graph-token';
/** Object ids the fake gives the sample organisation's two groups. */
export const FAKE_GROUP_IDS = Object.freeze({
  administrators: '0a0d1e55-0000-4000-8000-00000000ad01',
  signatories: '0a0d1e55-0000-4000-8000-000000005161',
});

/** A user as the sample organisation file holds them. */
export interface SampleUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string;
  department: string;
  officeLocation: string;
  mail: string;
  userPrincipalName: string;
  preferredLanguage: string;
  accountEnabled: boolean;
  managerId: string | null;
  /** Where the tenant keeps it (Graph's employeeLeaveDateTime). */
  employeeLeaveDateTime?: string | null;
}

export interface SampleOrg {
  users: SampleUser[];
  groups: { mandateAdministrators: string[]; signatories: string[] };
}

export interface RecordedRequest {
  method: string;
  /** The path as sent (percent-encoded), e.g. "/v1.0/users/<id>/manager". */
  path: string;
  query: Record<string, string>;
  /** The Authorization header as sent, or undefined. */
  authorization: string | undefined;
  /** The Retry-Attempt header the SDK's RetryHandler adds to a retry. */
  retryAttempt: string | undefined;
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface Fault {
  status: number;
  /** Seconds for Retry-After; omitted = no header. */
  retryAfterSeconds?: number;
}

export interface FakeGraphOptions {
  org?: SampleOrg;
  /** Entries per page of a collection; small, so that paging is exercised. Default 2. */
  pageSize?: number;
  /** Organisational contacts (not users) that appear among a manager's direct reports. */
  contacts?: { id: string; displayName: string; managerId: string }[];
  /** Where next links point; default this server. Tests set a foreign origin to check links are not followed. */
  nextLinkBase?: string;
}

/** Every property the fake knows on a user; $select of anything else is a 400, as in Graph. */
const USER_PROPERTIES = [
  'id', 'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'officeLocation', 'mail',
  'userPrincipalName', 'preferredLanguage', 'accountEnabled', 'businessPhones', 'mobilePhone', 'employeeId',
];
/** Properties the users delta also selects: the manager (answered as manager@delta) and the leave date. */
const DELTA_ONLY_PROPERTIES = ['manager', 'employeeLeaveDateTime'];
/** What Graph returns for a user when no $select is given: note, no accountEnabled and no department. */
const DEFAULT_USER_PROPERTIES = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation',
  'preferredLanguage', 'surname', 'userPrincipalName', 'id',
];

/** The sample organisation, found by walking up from this file (works from tests/ and from dist/tests/). */
export function loadSampleOrg(): SampleOrg {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'data', 'sample-org.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as SampleOrg;
    if (path.dirname(dir) === dir) throw new Error('data/sample-org.json not found above the test helpers.');
  }
}

/** A TokenCredential that hands out a fixed token and remembers the scopes asked for. */
export class FakeTokenCredential implements TokenCredential {
  readonly scopesRequested: string[][] = [];

  constructor(private readonly token = FAKE_TOKEN) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopesRequested.push(Array.isArray(scopes) ? [...scopes] : [scopes]);
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export class FakeGraph {
  readonly requests: RecordedRequest[] = [];
  pageSize: number;
  private readonly users = new Map<string, SampleUser>();
  private readonly groupMembers = new Map<string, string[]>();
  private readonly contacts: NonNullable<FakeGraphOptions['contacts']>;
  private readonly faults = new Map<string, Fault[]>();
  private eventCount = 0;
  /** The users delta's change log: each change bumps the version; a deltaLink carries the version it was issued at. */
  private version = 0;
  private readonly changeLog: Array<{ version: number; id: string; removed: boolean; props: Set<string>; oldManagerId?: string | null }> = [];
  private readonly expiredBelow = { version: -1 };

  private constructor(private readonly server: http.Server, readonly org: SampleOrg, private readonly options: FakeGraphOptions) {
    this.pageSize = options.pageSize ?? 2;
    this.contacts = options.contacts ?? [];
    for (const user of org.users) this.users.set(user.id, user);
    this.groupMembers.set(FAKE_GROUP_IDS.administrators, org.groups.mandateAdministrators);
    this.groupMembers.set(FAKE_GROUP_IDS.signatories, org.groups.signatories);
  }

  static async start(options: FakeGraphOptions = {}): Promise<FakeGraph> {
    const server = http.createServer();
    const fake = new FakeGraph(server, options.org ?? loadSampleOrg(), options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** The root to give the client as baseUrl, e.g. "http://127.0.0.1:41234/". */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** The next `times` requests to exactly this path (e.g. "/v1.0/users/<id>") answer with the fault. */
  failNext(requestPath: string, times: number, fault: Fault = { status: 429, retryAfterSeconds: 1 }): void {
    const queue = this.faults.get(requestPath) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(requestPath, queue);
  }

  /** Changes a user as an administrator would in Entra ID (the users delta reports the changed properties). */
  updateUser(id: string, patch: Partial<Omit<SampleUser, 'id'>>): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake Graph: no user ${id}`);
    const oldManagerId = user.managerId;
    Object.assign(user, patch);
    this.changeLog.push({ version: ++this.version, id, removed: false, props: new Set(Object.keys(patch)), oldManagerId });
  }

  /** Deletes a user (the users delta reports it as @removed). */
  removeUser(id: string): void {
    if (!this.users.delete(id)) throw new Error(`fake Graph: no user ${id}`);
    this.changeLog.push({ version: ++this.version, id, removed: true, props: new Set() });
  }

  /** Every deltaLink issued so far answers 410 (resync required), as Graph does for a token it no longer keeps. */
  expireDeltaLinks(): void {
    this.expiredBelow.version = this.version + 1;
  }

  requestsTo(requestPath: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === requestPath);
  }

  /** Forgets recorded requests and pending faults (between tests). */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      retryAttempt: header(req, 'retry-attempt'),
      body: raw ? safeJson(raw) : undefined,
      at: Date.now(),
    };
    this.requests.push(record);
    const reply = this.reply(record, url);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'request-id': `fake-${this.requests.length}`,
      ...reply.headers,
    });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  private reply(r: RecordedRequest, url: URL): Reply {
    const fault = this.faults.get(r.path)?.shift();
    if (fault) return faultReply(fault, r.path);
    if (r.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or not valid.');
    }
    if (r.path === '/v1.0/users/delta' && r.method === 'GET') return this.usersDelta(r);
    const select = r.query.$select?.split(',');
    if (select?.some((p) => !USER_PROPERTIES.includes(p))) {
      return graphError(400, 'Request_BadRequest', 'Could not find a property named in $select on type microsoft.graph.user.');
    }
    if (r.path === '/v1.0/users' && r.method === 'GET') return this.usersByFilter(r.query.$filter, select, r, url);
    const m = /^\/v1\.0\/(users|groups)\/([^/]+)(?:\/(.+))?$/.exec(r.path);
    const [, kind, rawId = '', rest] = m ?? [];
    // Decoded per segment, as Graph does: an encoded "/" stays inside the id.
    const id = decodeURIComponent(rawId);
    if (kind === 'users' && r.method === 'GET' && rest === undefined) return this.user(id, select);
    if (kind === 'users' && r.method === 'GET' && rest === 'manager') return this.manager(id, select);
    if (kind === 'users' && r.method === 'GET' && rest === 'directReports') return this.directReports(id, select, r, url);
    if (kind === 'users' && r.method === 'POST' && rest === 'checkMemberGroups') return this.checkMemberGroups(id, r.body);
    if (kind === 'users' && r.method === 'POST' && rest === 'events') return this.createEvent(id, r.body);
    if (kind === 'groups' && r.method === 'GET' && rest === 'transitiveMembers/microsoft.graph.user') {
      return this.transitiveMembers(id, select, r, url);
    }
    return graphError(400, 'BadRequest', 'The fake Graph does not serve this request.');
  }

  /**
   * `GET /users/delta` as Graph answers it: without a token every user, paged (nextLink with a $skiptoken), the last
   * page with a deltaLink ($deltatoken); from a deltaLink only the users changed since, each with `id` and the
   * changed properties (a new manager as `manager@delta`), and deleted users as `@removed`. The $select of the first
   * request is carried in the tokens, as Graph does.
   */
  private usersDelta(r: RecordedRequest): Reply {
    let state: { select: string[]; since: number; at: number; offset: number };
    if (r.query.$skiptoken || r.query.$deltatoken) {
      const token = JSON.parse(Buffer.from(r.query.$skiptoken ?? r.query.$deltatoken, 'base64url').toString('utf8')) as typeof state;
      state = r.query.$deltatoken ? { ...token, since: token.at, at: this.version, offset: 0 } : token;
      if (r.query.$deltatoken && token.at < this.expiredBelow.version) {
        return graphError(410, 'Directory_ResyncRequired', 'The delta token has expired. Start over without a token.');
      }
    } else {
      const select = r.query.$select?.split(',') ?? DEFAULT_USER_PROPERTIES;
      if (select.some((p) => !USER_PROPERTIES.includes(p) && !DELTA_ONLY_PROPERTIES.includes(p))) {
        return graphError(400, 'Request_BadRequest', 'Could not find a property named in $select on type microsoft.graph.user.');
      }
      state = { select, since: -1, at: this.version, offset: 0 };
    }
    const items = state.since < 0 ? [...this.users.values()].map((u) => this.deltaItem(u, state.select, undefined))
      : this.changedSince(state.since, state.at, state.select);
    const value = items.slice(state.offset, state.offset + this.pageSize);
    const base = (this.options.nextLinkBase ?? this.baseUrl).replace(/\/$/, '');
    const token = (t: typeof state) => Buffer.from(JSON.stringify(t)).toString('base64url');
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl}v1.0/$metadata#users`, value };
    if (state.offset + this.pageSize < items.length) body['@odata.nextLink'] = `${base}/v1.0/users/delta?$skiptoken=${token({ ...state, offset: state.offset + this.pageSize })}`;
    else body['@odata.deltaLink'] = `${base}/v1.0/users/delta?$deltatoken=${token({ ...state, offset: 0 })}`;
    return { status: 200, body };
  }

  private changedSince(since: number, at: number, select: string[]): unknown[] {
    const byId = new Map<string, { removed: boolean; props: Set<string>; oldManagerId?: string | null }>();
    for (const c of this.changeLog.filter((c) => c.version > since && c.version <= at)) {
      const seen = byId.get(c.id);
      if (c.removed || !seen) byId.set(c.id, { removed: c.removed, props: new Set(c.props), oldManagerId: c.oldManagerId });
      else for (const p of c.props) seen.props.add(p);
    }
    return [...byId].map(([id, c]) => {
      const user = this.users.get(id);
      if (c.removed || !user) return { id, '@removed': { reason: 'deleted' } };
      return this.deltaItem(user, select.filter((p) => p === 'id' || c.props.has(p === 'manager' ? 'managerId' : p)), c.oldManagerId);
    });
  }

  /** A user as a delta item: the selected properties, the manager as `manager@delta` (a removed one as @removed). */
  private deltaItem(user: SampleUser, select: string[], oldManagerId: string | null | undefined): Record<string, unknown> {
    const item: Record<string, unknown> = project(user, select.filter((p) => p !== 'manager' && p !== 'employeeLeaveDateTime'));
    item.id = user.id;
    if (select.includes('employeeLeaveDateTime')) item.employeeLeaveDateTime = user.employeeLeaveDateTime ?? null;
    if (select.includes('manager')) {
      if (user.managerId) item['manager@delta'] = [{ '@odata.type': '#microsoft.graph.user', id: user.managerId }];
      else if (oldManagerId) item['manager@delta'] = [{ '@odata.type': '#microsoft.graph.user', id: oldManagerId, '@removed': { reason: 'deleted' } }];
    }
    return item;
  }

  private user(id: string, select: string[] | undefined): Reply {
    const user = this.users.get(id);
    if (!user) return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    return { status: 200, body: { '@odata.context': `${this.baseUrl}v1.0/$metadata#users/$entity`, ...project(user, select) } };
  }

  /**
   * `GET /users?$filter=` with the one filter shape the bot sends: `mail eq '…' or userPrincipalName eq '…'`
   * (case-insensitive, '' as an escaped quote), as Graph answers it; any other filter is a 400.
   */
  private usersByFilter(filter: string | undefined, select: string[] | undefined, r: RecordedRequest, url: URL): Reply {
    const m = /^mail eq '((?:[^']|'')*)' or userPrincipalName eq '((?:[^']|'')*)'$/.exec(filter ?? '');
    if (!m) return graphError(400, 'Request_UnsupportedQuery', 'The fake Graph only filters users by mail or userPrincipalName.');
    const [mail, upn] = [m[1], m[2]].map((v) => v.replace(/''/g, "'").toLowerCase());
    const found = [...this.users.values()].filter((u) => u.mail.toLowerCase() === mail || u.userPrincipalName.toLowerCase() === upn);
    return this.page(found.map((u) => project(u, select)), r, url);
  }

  private manager(id: string, select: string[] | undefined): Reply {
    const managerId = this.users.get(id)?.managerId;
    const manager = managerId ? this.users.get(managerId) : undefined;
    if (!manager) return notFound("Resource 'manager' does not exist or one of its queried reference-property objects are not present.");
    return {
      status: 200,
      body: { '@odata.context': `${this.baseUrl}v1.0/$metadata#directoryObjects/$entity`, '@odata.type': '#microsoft.graph.user', ...project(manager, select) },
    };
  }

  private directReports(id: string, select: string[] | undefined, r: RecordedRequest, url: URL): Reply {
    if (!this.users.has(id)) return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    const users = [...this.users.values()]
      .filter((u) => u.managerId === id)
      .map((u) => ({ '@odata.type': '#microsoft.graph.user', ...project(u, select) }));
    const contacts = this.contacts
      .filter((c) => c.managerId === id)
      .map((c) => ({ '@odata.type': '#microsoft.graph.orgContact', id: c.id, displayName: c.displayName }));
    return this.page([...users, ...contacts], r, url);
  }

  private transitiveMembers(groupId: string, select: string[] | undefined, r: RecordedRequest, url: URL): Reply {
    const members = this.groupMembers.get(groupId);
    if (!members) return notFound(`Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`);
    const users = members.map((id) => this.users.get(id)).filter((u): u is SampleUser => u !== undefined);
    return this.page(users.map((u) => project(u, select)), r, url);
  }

  private checkMemberGroups(id: string, body: unknown): Reply {
    if (!this.users.has(id)) return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    const groupIds = (body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(groupIds) || groupIds.length === 0 || groupIds.length > 20) {
      return graphError(400, 'Request_BadRequest', 'groupIds must hold 1 to 20 group ids.');
    }
    const value = groupIds.filter((g) => typeof g === 'string' && (this.groupMembers.get(g) ?? []).includes(id));
    return { status: 200, body: { '@odata.context': `${this.baseUrl}v1.0/$metadata#Collection(Edm.String)`, value } };
  }

  private createEvent(organizerId: string, body: unknown): Reply {
    if (!this.users.has(organizerId)) return notFound(`Resource '${organizerId}' does not exist.`);
    this.eventCount += 1;
    const id = `AAMkAGFha2UtZXZlbnQ-${this.eventCount}`;
    return {
      status: 201,
      body: {
        '@odata.context': `${this.baseUrl}v1.0/$metadata#users('${organizerId}')/events/$entity`,
        '@odata.etag': `W/"fake-${this.eventCount}"`,
        ...(typeof body === 'object' && body !== null ? body : {}),
        id,
        webLink: `https://outlook.office365.com/owa/?itemid=${id}&exvsurl=1&path=/calendar/item`,
        onlineMeeting: { joinUrl: `https://teams.microsoft.com/l/meetup-join/fake-${this.eventCount}` },
      },
    };
  }

  /** One page of a collection; $skiptoken is the offset, and the next link keeps the query as Graph does. */
  private page(items: unknown[], r: RecordedRequest, url: URL): Reply {
    const offset = Number(r.query.$skiptoken ?? '0');
    const value = items.slice(offset, offset + this.pageSize);
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl}v1.0/$metadata#directoryObjects`, value };
    if (offset + this.pageSize < items.length) {
      const base = this.options.nextLinkBase ?? this.baseUrl;
      const select = r.query.$select ? `$select=${r.query.$select}&` : '';
      const filter = r.query.$filter ? `$filter=${encodeURIComponent(r.query.$filter)}&` : '';
      body['@odata.nextLink'] = `${base.replace(/\/$/, '')}${url.pathname}?${filter}${select}$skiptoken=${offset + this.pageSize}`;
    }
    return { status: 200, body };
  }
}

/** A user as Graph shows them: only the selected properties, or Graph's default set. */
function project(user: SampleUser, select: string[] | undefined): Record<string, unknown> {
  const graphUser: Record<string, unknown> = {
    id: user.id,
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    jobTitle: user.jobTitle || null,
    department: user.department || null,
    officeLocation: user.officeLocation || null,
    mail: user.mail || null,
    userPrincipalName: user.userPrincipalName,
    preferredLanguage: user.preferredLanguage || null,
    accountEnabled: user.accountEnabled,
    businessPhones: [],
    mobilePhone: null,
    employeeId: null,
  };
  return Object.fromEntries((select ?? DEFAULT_USER_PROPERTIES).map((p) => [p, graphUser[p]]));
}

function faultReply(fault: Fault, requestPath: string): Reply {
  const code = fault.status === 429 ? 'TooManyRequests' : fault.status === 503 ? 'ServiceUnavailable' : 'generalException';
  // The message quotes the path (and so an id), as Graph's messages can: callers must not repeat it.
  const reply = graphError(fault.status, code, `The request to ${requestPath} could not be served.`);
  if (fault.retryAfterSeconds !== undefined) reply.headers = { 'Retry-After': String(fault.retryAfterSeconds) };
  return reply;
}

function notFound(message: string): Reply {
  return graphError(404, 'Request_ResourceNotFound', message);
}

function graphError(status: number, code: string, message: string): Reply {
  const date = new Date().toISOString().slice(0, 19);
  return {
    status,
    body: { error: { code, message, innerError: { date, 'request-id': 'fake-request', 'client-request-id': 'fake-client-request' } } },
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
