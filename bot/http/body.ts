import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';

/**
 * Limits of one /api/messages body. Teams activities are small: a typed message is a few KB (Teams caps a chat
 * message at about 28 KB), and our cards' invoke payloads (form values + ids) are under 10 KB. 256 KB is what the
 * app accepted before (restify's maxBodySize), now counted on the wire AND after decompression, so a small
 * compressed body can no longer inflate to hundreds of MB.
 */
export const BODY_LIMITS = {
  /** Bytes read from the socket (compressed or not). */
  maxWireBytes: 256 * 1024,
  /** Bytes after decompression (and of an uncompressed body). */
  maxBodyBytes: 256 * 1024,
  /** Nesting of objects/arrays in the JSON: real activities are ~10 deep; deep nesting only exists to hurt. */
  maxDepth: 64,
  /** Whole body must arrive within this many ms of the request's start (slow senders tie up a socket). */
  readTimeoutMs: 15_000,
} as const;

/** A refusal of the body: HTTP status, a stable code and a message naming the field and the fix. */
export class BodyError extends Error {
  constructor(readonly status: 400 | 408 | 413 | 415, readonly code: string, message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

type Limits = { maxWireBytes: number; maxBodyBytes: number; maxDepth: number; readTimeoutMs: number };

/**
 * Reads the request body as a JSON object: checks Content-Type and Content-Encoding first, counts bytes on the
 * wire and after inflation (stopping the moment either cap is passed), then parses. Never throws anything but a
 * BodyError; never reads more than the caps.
 */
export async function readJsonObject(req: IncomingMessage, limits: Limits = BODY_LIMITS): Promise<Record<string, unknown>> {
  checkContentType(req.headers['content-type']);
  const encoding = contentEncoding(req.headers['content-encoding']);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxWireBytes) throw tooLarge(limits);
  const raw = await readDecoded(req, encoding, limits);
  return parseObject(raw, limits.maxDepth);
}

/** application/json (any charset spelling of UTF-8), any `+json` type, or no Content-Type at all. */
function checkContentType(header: string | undefined): void {
  if (header === undefined || header.trim() === '') return;
  const [type, ...params] = header.toLowerCase().split(';').map((s) => s.trim());
  const json = type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type) || type === 'text/json';
  if (!json) throw new BodyError(415, 'unsupported_media_type', 'Content-Type must be application/json.');
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) {
    throw new BodyError(415, 'unsupported_charset', 'Content-Type charset must be utf-8.');
  }
}

type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';

function contentEncoding(header: string | undefined): Encoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  if (value === 'br') return 'br';
  throw new BodyError(415, 'unsupported_encoding', 'Content-Encoding must be one of gzip, deflate, br or identity (one encoding only).');
}

function tooLarge(limits: Limits): BodyError {
  return new BodyError(413, 'body_too_large', `The body must be at most ${limits.maxBodyBytes} bytes (also after decompression).`);
}

function decoder(encoding: Exclude<Encoding, 'identity'>): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress {
  // 16 KB output chunks: the overshoot past the cap before we stop is at most one chunk.
  if (encoding === 'gzip') return zlib.createGunzip({ chunkSize: 16 * 1024 });
  if (encoding === 'deflate') return zlib.createInflate({ chunkSize: 16 * 1024 });
  return zlib.createBrotliDecompress({ chunkSize: 16 * 1024 });
}

/**
 * Streams the body through the decoder, counting bytes on both sides. On a cap, a decoder error or a timeout it
 * stops reading (the socket is closed after the refusal is written), so memory stays within the caps.
 */
function readDecoded(req: IncomingMessage, encoding: Encoding, limits: Limits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let out = 0;
    let done = false;
    const z = encoding === 'identity' ? undefined : decoder(encoding);
    const timer = setTimeout(() => finish(new BodyError(408, 'body_timeout', `The body did not arrive within ${limits.readTimeoutMs / 1000} s.`)), limits.readTimeoutMs);
    timer.unref();

    const finish = (err?: BodyError): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.removeListener('data', onWire);
      req.removeListener('end', onWireEnd);
      req.removeListener('error', onWireError);
      req.on('error', () => { /* late socket errors after we answered */ });
      if (z) { z.removeAllListeners('data'); z.removeAllListeners('end'); z.on('error', () => { /* ignored after finish */ }); z.destroy(); }
      if (err) { req.pause(); reject(err); } else resolve(Buffer.concat(chunks, out));
    };
    const onOutput = (chunk: Buffer): void => {
      if (done) return;
      out += chunk.length;
      if (out > limits.maxBodyBytes) { finish(tooLarge(limits)); return; }
      chunks.push(chunk);
    };
    const onWire = (chunk: Buffer): void => {
      if (done) return;
      wire += chunk.length;
      if (wire > limits.maxWireBytes) { finish(tooLarge(limits)); return; }
      if (z) z.write(chunk); else onOutput(chunk);
    };
    const onWireEnd = (): void => { if (z) z.end(); else finish(); };
    const onWireError = (): void => finish(new BodyError(400, 'body_aborted', 'The request body was not received completely.'));

    if (z) {
      z.on('data', onOutput);
      z.on('end', () => finish());
      z.on('error', () => finish(new BodyError(400, 'bad_encoding', `The body is not valid ${encoding} data although Content-Encoding says so.`)));
    }
    req.on('data', onWire);
    req.on('end', onWireEnd);
    req.on('error', onWireError);
  });
}

/** JSON text → a plain object (not an array, string, number or null), at most maxDepth levels deep. */
export function parseObject(raw: Buffer, maxDepth: number): Record<string, unknown> {
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new BodyError(400, 'empty_body', 'The body is empty: send the activity as a JSON object.');
  // Depth is checked on the text before parsing, so a deeply nested body never reaches any recursive code.
  if (nestingDepth(text) > maxDepth) throw new BodyError(400, 'too_deep', `The JSON is nested more than ${maxDepth} levels deep.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodyError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BodyError(400, 'not_an_object', 'The body must be a JSON object (an activity).');
  }
  return value as Record<string, unknown>;
}

/** Deepest bracket nesting outside strings, in one linear pass. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) { depth++; if (depth > max) max = depth; }
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
