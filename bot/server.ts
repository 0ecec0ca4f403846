import restify, { type Server } from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';

export interface ServerOptions {
  adapter: CloudAdapter;
  /** Runs one turn (the teams-ai Application). */
  run: (ctx: TurnContext) => Promise<void>;
  /** Readiness: resolves when Table Storage answers. */
  ready: () => Promise<void>;
  log: Logger;
  /** Called with each /api/messages request's duration and status. */
  onRequest?: (ms: number, status: number) => void;
}

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
    this.server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
    this.server.post('/api/messages', async (req, res) => {
      if (this.draining) {
        res.header('Retry-After', '5');
        res.send(503, { error: 'shutting down' });
        return;
      }
      this.inFlight++;
      const started = process.hrtime.bigint();
      try {
        await o.adapter.process(req, res, o.run);
      } finally {
        this.inFlight--;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        o.onRequest?.(ms, res.statusCode);
        o.log.debug({ route: 'messages', status: res.statusCode, ms }, 'request');
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

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
  });
}
