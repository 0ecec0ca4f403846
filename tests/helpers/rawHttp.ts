import http from 'node:http';

export interface RawAnswer { status: number; headers: http.IncomingHttpHeaders; text: string; ms: number }

/**
 * One POST with exact bytes and headers (fetch would add or fix headers). Resolves with status 0 when the
 * connection failed or was closed without an answer; never rejects.
 */
export function rawPost(url: string, body: Buffer | string, headers: Record<string, string> = {}, options: { chunked?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const target = new URL(url);
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false,
      headers: { ...(options.chunked ? {} : { 'content-length': String(data.length) }), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy());
    req.on('error', () => resolve({ status: 0, headers: {}, text: '', ms: Date.now() - started }));
    if (options.chunked) {
      // Several writes, so the server sees a chunked body without Content-Length.
      const step = 64 * 1024;
      for (let i = 0; i < data.length; i += step) req.write(data.subarray(i, i + step));
      req.end();
    } else req.end(data);
  });
}

/** Words that would mean internal text leaked into an answer: stack frames, SDK and Node error texts. */
export const INTERNAL_TEXT = /(\bat [\w.<>]+ \(|node:internal|Error:|\bstack\b|TypeError|RangeError|SyntaxError|ZodError|validateAndFixActivity|req\.body|Z_DATA_ERROR|ECONNREFUSED|openid|botframework\.com|Unauthorized Access|undefined is not|Cannot read prop)/i;
