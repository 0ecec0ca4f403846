/**
 * A dummy Bot Connector for the load test: node:http on 127.0.0.1 answering every request 200 with a JSON id,
 * so the bots' replies (and the app's outbox cards) cost one local round trip and nothing else. It counts
 * what it receives, per conversation and per replied-to activity, so the bench can check that each request
 * got exactly one reply.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sink received, as the bench's content checks see it. */
export interface SinkActivity {
  method: string;
  path: string;
  /** From /v3/conversations/{conversationId}/…; undefined for other paths (e.g. creating a conversation). */
  conversationId?: string;
  /** From POST /v3/conversations/{id}/activities/{replyToId}: the activity this one answers. */
  replyToId?: string;
  /** The parsed JSON body (only parsed when an inspector is installed: parsing costs CPU the bots share). */
  body: unknown;
}

export interface Sink {
  port: number;
  /** http://127.0.0.1:<port>/ — the serviceUrl to put in activities. */
  url: string;
  /** Every request received since the last reset. */
  readonly total: number;
  /** Replies per conversation: replyToId → how many replies it got. */
  replies(conversationId: string): ReadonlyMap<string, number>;
  /** All requests per conversation id ('' = not under /v3/conversations/{id}). */
  countFor(conversationId: string): number;
  /** Called for each request with its parsed body; a throw is counted as a bad body, never breaks the sink. */
  inspect(fn: ((a: SinkActivity) => void) | undefined): void;
  /** Requests whose body was not JSON or whose inspector threw. */
  readonly badBodies: number;
  reset(): void;
  stop(): Promise<void>;
}

const CONVERSATION = /^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/?]+))?)?/;
const ANSWER = JSON.stringify({ id: 'x;messageid=1', activityId: 'x;messageid=1' });

export async function startSink(port = 0, host = '127.0.0.1'): Promise<Sink> {
  let total = 0;
  let badBodies = 0;
  let perConversation = new Map<string, number>();
  let replies = new Map<string, Map<string, number>>();
  let inspector: ((a: SinkActivity) => void) | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      total += 1;
      const path = req.url ?? '/';
      const m = CONVERSATION.exec(path);
      const conversationId = m ? safeDecode(m[1]) : undefined;
      const replyToId = m && m[2] && req.method === 'POST' ? safeDecode(m[2]) : undefined;
      const key = conversationId ?? '';
      perConversation.set(key, (perConversation.get(key) ?? 0) + 1);
      if (conversationId !== undefined && replyToId !== undefined) {
        let byActivity = replies.get(conversationId);
        if (!byActivity) replies.set(conversationId, (byActivity = new Map()));
        byActivity.set(replyToId, (byActivity.get(replyToId) ?? 0) + 1);
      }
      if (inspector) {
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          inspector({ method: req.method ?? '', path, conversationId, replyToId, body: text ? JSON.parse(text) as unknown : undefined });
        } catch {
          badBodies += 1;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  // The bots keep connections to the sink alive between rounds; a long idle timeout avoids reconnect noise.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.removeListener('error', reject); resolve(); });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://${host}:${actual}/`,
    get total() { return total; },
    get badBodies() { return badBodies; },
    replies: (conversationId) => replies.get(conversationId) ?? new Map<string, number>(),
    countFor: (conversationId) => perConversation.get(conversationId) ?? 0,
    inspect: (fn) => { inspector = fn; },
    reset: () => {
      total = 0;
      badBodies = 0;
      perConversation = new Map();
      replies = new Map();
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
