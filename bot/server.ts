import type { IncomingMessage, ServerResponse, Server as HttpServer } from 'node:http';
import restify, { type Server } from 'restify';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Logger } from 'pino';
import { BodyError, readJsonObject } from './http/body';
import { checkActivityShape } from './http/activityShape';
import { t } from './i18n';
import { ASSET_TYPES, REPORTS_CSP, reportsShell, type ReportsPage } from './http/reportsPage';

/** What the server needs of the adapter: one turn from an activity it has read and checked (bot/botAdapter.ts). */
export interface TurnAdapter {
  processTurn(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
}

export interface ServerOptions {
  adapter: TurnAdapter;
  /** Runs one turn (the teams-ai Application). */
  run: (ctx: TurnContext) => Promise<void>;
  /** Readiness: resolves when Table Storage answers. */
  ready: () => Promise<void>;
  log: Logger;
  /** Called with each /api/messages request's duration and status. */
  onRequest?: (ms: number, status: number) => void;
  /** GET /register/export/:token — the administrators' one-time CSV download (bot/services/registerSearch.ts). */
  registerExport?: (token: string, lang: string) => Promise<FileAnswer>;
  /** GET /reports/api/data and /reports/api/csv — the reports tab's numbers (bot/handlers/reportsApi.ts). */
  reportsApi?: (request: { route: 'data' | 'csv'; query: URLSearchParams; authorization?: string }) => Promise<FileAnswer>;
  /** GET /reports and its bundle (the reports tab, issue #13); absent when the page was not built. */
  reportsPage?: ReportsPage;
}

/** A small answer that is not JSON: a file or a plain-text refusal. */
export interface FileAnswer { status: number; body: string; headers: Record<string, string> }

/**
 * restify host: POST /api/messages (Bot Framework, authenticated by the adapter), GET /healthz (readiness:
 * storage answers → 200, else 503), GET /healthz/live (liveness: the process serves HTTP).
 * Tracks in-flight turns so shutdown can drain them.
 */
export class BotServer {
  readonly server: Server;
  private inFlight = 0;
  private draining = false;
  private idle: Array<() => void> = [];

  constructor(o: ServerOptions) {
    this.server = restify.createServer({ name: 'valtuusbotti', handleUncaughtExceptions: false });
    applyTimeouts(this.server.server);
    // No bodyParser: /api/messages reads its own body with caps on the wire and after decompression (http/body.ts).
    this.server.post('/api/messages', async (req, res) => {
      if (this.draining) {
        reply(res, 503, { error: 'draining', message: 'The bot is restarting. Try again in a few seconds.' }, { 'Retry-After': '5' });
        return;
      }
      this.inFlight++;
      const started = process.hrtime.bigint();
      let status = 0;
      try {
        status = await handleMessages(o, req, res);
      } catch (err) {
        // Not expected (handleMessages catches its own); restify would otherwise answer 500 with the error's text.
        o.log.error({ err: (err as Error)?.name }, 'messages route failed');
        status = reply(res, 503, { error: 'unavailable', message: 'The bot cannot process requests right now. Try again shortly.' });
      } finally {
        this.inFlight--;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        o.onRequest?.(ms, status);
        o.log.debug({ route: 'messages', status, ms }, 'request');
        if (this.inFlight === 0) this.idle.splice(0).forEach((f) => f());
      }
    });
    this.server.get('/healthz', async (_req, res) => {
      if (this.draining) { res.send(503, { status: 'draining' }); return; }
      try {
        await withTimeout(o.ready(), 3000);
        res.send(200, { status: 'ready' });
      } catch {
        res.send(503, { status: 'storage unavailable' });
      }
    });
    this.server.get('/healthz/live', async (_req, res) => { res.send(200, { status: 'live' }); });
    const registerExport = o.registerExport;
    if (registerExport) {
      this.server.get('/register/export/:token', async (req, res) => {
        let answer: FileAnswer;
        try {
          const url = new URL(req.url ?? '/', 'http://localhost');
          // A token that is not valid percent-encoding is just a wrong token (404 from the service), not a failure.
          answer = await registerExport(safeDecode(url.pathname.split('/').pop() ?? ''), url.searchParams.get('lang') ?? '');
        } catch (err) {
          o.log.error({ err: (err as Error)?.name }, 'register export failed');
          answer = { status: 503, body: 'Try again shortly.\n', headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' } };
        }
        // Nobody caches a file of people's mandates, and the link stays out of referrers.
        res.writeHead(answer.status, { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff', ...answer.headers });
        res.end(answer.body);
      });
    }
    if (o.reportsApi) this.routeReportsApi(o.reportsApi, o.log);
    if (o.reportsPage) this.serveReportsPage(o.reportsPage);
  }

  /** The reports tab's API: a bounded query string in, the handler's answer out; a failure is a generic 503. */
  private routeReportsApi(reportsApi: NonNullable<ServerOptions['reportsApi']>, log: Logger): void {
    for (const route of ['data', 'csv'] as const) {
      this.server.get(`/reports/api/${route}`, async (req, res) => {
        let answer: FileAnswer;
        if ((req.url ?? '').length > MAX_REPORTS_URL) {
          answer = { status: 414, body: 'The address is too long.\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
        } else {
          try {
            const url = new URL(req.url ?? '/', 'http://localhost');
            answer = await reportsApi({ route, query: url.searchParams, authorization: req.headers.authorization });
          } catch (err) {
            log.error({ err: (err as Error)?.name }, 'reports route failed');
            answer = { status: 503, body: '{"error":"unavailable"}', headers: { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '5' } };
          }
        }
        res.writeHead(answer.status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...answer.headers,
          'Content-Length': String(Buffer.byteLength(answer.body)) });
        res.end(answer.body);
      });
    }
  }

  /** The reports tab: the HTML shell and the files of its bundle (the data routes are the API's). */
  private serveReportsPage(page: ReportsPage): void {
    this.server.get('/reports', async (req, res) => {
      const lang = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang');
      const body = reportsShell(lang);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)),
        'Content-Security-Policy': REPORTS_CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
      res.end(body);
    });
    this.server.get('/reports/:file', async (req, res) => {
      const name = new URL(req.url ?? '/', 'http://localhost').pathname.split('/').pop() ?? '';
      const asset = Object.hasOwn(ASSET_TYPES, name) ? page.assets.get(name) : undefined;
      if (!asset) { reply(res, 404, { error: 'not_found' }); return; }
      // The shell asks for the bundle without a version in its name: revalidate (cheap with the ETag), never stale.
      const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? asset.gzip : undefined;
      // Each encoding is its own representation, with its own ETag.
      const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
      const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', Vary: 'Accept-Encoding' };
      if (req.headers['if-none-match'] === etag) { res.writeHead(304, headers); res.end(); return; }
      const body = gzip ?? asset.body;
      res.writeHead(200, { ...headers, 'Content-Type': ASSET_TYPES[name], 'Content-Length': String(body.length), ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      res.end(body);
    });
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => { this.server.removeListener('error', reject); resolve(); });
    });
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Stops accepting turns, waits for in-flight ones (at most timeoutMs), then closes the listener. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.draining = true;
    if (this.inFlight > 0) {
      await Promise.race([new Promise<void>((r) => this.idle.push(r)), new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The longest reports API address accepted (dates, a department of 200 characters percent-encoded, the view, the language). */
const MAX_REPORTS_URL = 2048;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
  });
}

/**
 * Slow senders: headers must arrive within 10 s and the whole request within 30 s (Node's defaults are 60 s and
 * 300 s); idle keep-alive sockets close after 5 s. The body reader has its own, tighter read deadline.
 */
function applyTimeouts(http: HttpServer): void {
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;
  http.keepAliveTimeout = 5_000;
  http.setTimeout(30_000);
}

/** What the adapter wrote: captured so that only our own, generic answers reach the wire. */
interface Captured { status: number; body: unknown }

/**
 * One /api/messages request: read and check the body, let the adapter authenticate and run the turn into a
 * captured response, then write a small JSON answer. Never throws; returns the status written.
 */
async function handleMessages(o: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<number> {
  let activity: Record<string, unknown>;
  try {
    activity = await readJsonObject(req);
    checkActivityShape(activity);
  } catch (err) {
    if (err instanceof BodyError) {
      // Connection: close, so an unread remainder of a refused body is never read.
      return reply(res, err.status, { error: err.code, message: err.message }, { Connection: 'close' });
    }
    o.log.error({ err: (err as Error)?.name }, 'body reader failed');
    return reply(res, 400, { error: 'bad_request', message: 'The request could not be read.' }, { Connection: 'close' });
  }
  // The adapter's processActivity, as CloudAdapter.process() calls it after its checks (ours above are stricter).
  const captured: Captured = { status: 200, body: undefined };
  try {
    const answer = await o.adapter.processTurn(authorizationOf(req), withDates(activity) as unknown as Activity, o.run);
    captured.status = answer?.status ?? 200;
    captured.body = answer?.body;
  } catch (err) {
    // As process(): a failed authentication is 401, anything else (e.g. the signing keys cannot be fetched) 500.
    // The turn's own errors are caught inside it.
    captured.status = err instanceof AuthenticationError ? 401 : 500;
    if (captured.status === 500) o.log.warn({ err: (err as Error)?.name }, 'adapter failed before the turn');
  }
  return writeAdapterAnswer(o, res, activity, captured);
}

function authorizationOf(req: IncomingMessage): string {
  const h = req.headers.authorization;
  return typeof h === 'string' ? h : '';
}

/** The wire's date strings as Dates, their text kept beside them (what botbuilder's validateAndFixActivity does). */
function withDates(activity: Record<string, unknown>): Record<string, unknown> {
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['expiration', 'rawExpiration'], ['localTimestamp', 'rawLocalTimestamp']] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity;
}

/** Maps what the SDK answered to our generic answers: its own error texts never leave the process. */
function writeAdapterAnswer(o: ServerOptions, res: ServerResponse, activity: Record<string, unknown>, c: Captured): number {
  const isInvoke = activity.type === 'invoke';
  if (c.status === 401 || c.status === 403) {
    o.log.warn({ status: c.status }, 'request not authenticated');
    return reply(res, 401, { error: 'unauthorized', message: 'The request is not authenticated: send a valid Bot Framework token in the Authorization header.' });
  }
  if (c.status === 501 && isInvoke) {
    // Safety net: the turn guard answers every invoke; should one still go unanswered, say so politely.
    return reply(res, 200, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: UNSUPPORTED_TEXT });
  }
  if (c.status >= 500) {
    // E.g. the token's signing keys could not be fetched: an outage on our side, not the caller's fault.
    o.log.error({ status: c.status }, 'adapter failed (authentication or connector outage)');
    return reply(res, 503, { error: 'unavailable', message: 'The bot cannot process requests right now. Try again shortly.' }, { 'Retry-After': '10' });
  }
  if (c.status >= 400) {
    return reply(res, c.status === 405 ? 405 : 400, { error: 'bad_activity', message: 'The activity could not be processed.' });
  }
  if (isInvoke || (c.body !== undefined && typeof c.body === 'object')) return reply(res, c.status, c.body && typeof c.body === 'object' ? c.body : {});
  // Bot Framework expects an empty 200/202 for non-invoke activities; no body is written.
  return reply(res, c.status, undefined);
}

/** No turn, so no known language: all three, like the tenant refusal. */
const UNSUPPORTED_TEXT = (['fi', 'sv', 'en'] as const).map((lang) => t(lang, 'common.unsupported')).join(' / ');

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  if (res.headersSent || res.writableEnded) return status;
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), 'Content-Length': String(Buffer.byteLength(payload)), ...headers });
  res.end(payload);
  return status;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) return '';
    throw err;
  }
}
