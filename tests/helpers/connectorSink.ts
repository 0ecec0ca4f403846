import http from 'node:http';

export interface SinkRequest { method: string; path: string; body: Record<string, unknown>; at: number }
export type SinkRule = (req: SinkRequest) => { status: number; headers?: Record<string, string>; body?: unknown } | undefined;

/**
 * A local HTTP server that speaks the Bot Connector's documented JSON (v3/conversations…), so the real
 * botbuilder client runs against it. Records every request; rules can inject 429/403/5xx answers.
 */
export class ConnectorSink {
  readonly requests: SinkRequest[] = [];
  private rules: SinkRule[] = [];
  private seq = 0;
  private constructor(private readonly server: http.Server, readonly port: number) {}

  static async start(): Promise<ConnectorSink> {
    let sink: ConnectorSink | undefined;
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => { raw += c; });
      req.on('end', () => sink?.handle(req, res, raw));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    sink = new ConnectorSink(server, typeof address === 'object' && address ? address.port : 0);
    return sink;
  }

  get url(): string { return `http://127.0.0.1:${this.port}/`; }

  private delays: Array<(req: SinkRequest) => number | undefined> = [];
  /** Holds the answer to matching requests for the returned number of ms (the request is recorded at once). */
  delay(d: (req: SinkRequest) => number | undefined): void { this.delays.push(d); }

  /** Adds a rule tried before the default answers (first match wins). */
  rule(r: SinkRule): void { this.rules.push(r); }
  clearRules(): void { this.rules = []; }
  reset(): void { this.requests.length = 0; this.rules = []; this.delays = []; this.held.length = 0; }

  /** Messages sent into conversations (replies, proactive messages, thread replies). */
  sent(): SinkRequest[] { return this.requests.filter((r) => r.method === 'POST' && /\/activities/.test(r.path)); }
  /** New conversations (channel posts and 1:1 chats). */
  created(): SinkRequest[] { return this.requests.filter((r) => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path)); }
  updates(): SinkRequest[] { return this.requests.filter((r) => r.method === 'PUT'); }

  /** Everything text-like the bot sent, for assertions. */
  allText(): string { return this.requests.map((r) => JSON.stringify(r.body)).join('\n'); }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('ConnectorSink: condition not met in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): Promise<void> { return new Promise((r) => { this.server.closeAllConnections?.(); this.server.close(() => r()); }); }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    let body: Record<string, unknown> = {};
    try { body = raw ? JSON.parse(raw) as Record<string, unknown> : {}; } catch { /* keep empty */ }
    const entry: SinkRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], body, at: Date.now() };
    const hold = this.delays.map((d) => d(entry)).find((ms) => ms !== undefined);
    if (hold !== undefined) {
      this.held.push(entry);
      setTimeout(() => this.answer(entry, res, body), hold);
      return;
    }
    this.answer(entry, res, body);
  }

  /** Requests whose answer was (or is being) held by a delay(). */
  readonly held: SinkRequest[] = [];

  private answer(entry: SinkRequest, res: http.ServerResponse, body: Record<string, unknown>): void {
    for (const rule of this.rules) {
      const answer = rule(entry);
      if (answer) {
        entry.body = { ...body, __answeredWith: answer.status };
        this.requests.push(entry);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        res.end(JSON.stringify(answer.body ?? { error: { code: 'Injected', message: 'injected by test' } }));
        return;
      }
    }
    this.requests.push(entry);
    this.seq += 1;
    res.writeHead(entry.method === 'POST' && /^\/v3\/conversations\/?$/.test(entry.path) ? 201 : 200, { 'content-type': 'application/json' });
    if (entry.method === 'POST' && /^\/v3\/conversations\/?$/.test(entry.path)) {
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      const activityId = `17000000${this.seq}`;
      res.end(JSON.stringify(channel ? { id: `${channel};messageid=${activityId}`, activityId } : { id: `a:chat-${this.seq}` }));
      return;
    }
    res.end(JSON.stringify({ id: `17000000${this.seq}` }));
  }
}
