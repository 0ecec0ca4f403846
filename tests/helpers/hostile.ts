import zlib from 'node:zlib';
import { ADMIN_VERBS } from '../../bot/domain/verbs';
import { TENANT, PEOPLE } from './botHarness';
import { prng } from './prng';
export { prng };

/** Every verb the app routes, plus names chosen to hit prototype keys and type confusion. */
export const KNOWN_VERBS = [
  'menuOrder', 'menuMyOrders', 'menuSuggest', 'menuGlossary', 'menuLanguage', 'setLanguage', 'menuMyMandates', 'menuTeamMandates',
  'orderSearch', 'orderSubmit', 'orderSuggested', 'suggestFor', 'browseMap', 'myOrderDetails', 'myOrderCancel', 'myOrderAnswer',
  'catalog.held', 'catalog.toggleHeld', ...ADMIN_VERBS, 'manager.approve', 'manager.decline', 'signatory.sign', 'glossaryTerm', 'glossaryList',
];
export const HOSTILE_VERBS: unknown[] = ['dropTables', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 42, null, true, {}, [], '', ' ', 'admin.claim ', 'ADMIN.CLAIM', 'x'.repeat(5000), '\u202eexe.pdf', '../../etc/passwd'];
export const INVOKE_NAMES = ['adaptiveCard/action', 'task/fetch', 'task/submit', 'composeExtension/query', 'composeExtension/submitAction',
  'signin/verifyState', 'signin/tokenExchange', 'config/fetch', 'config/submit', 'actionableMessage/executeAction', 'fileConsent/invoke',
  'handoff/action', 'healthCheck', 'tab/fetch', '__proto__', 'constructor', '', 'x/y'];
const ACTIVITY_TYPES = ['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'endOfConversation', 'messageUpdate', 'messageDelete', 'foo', '', ' ', '__proto__'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'text/json', '', 'application/xml',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset="UTF-8"', 'image/png'];
const ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'x-gzip', 'compress', 'zstd', 'gzip, br', 'GZIP', 'chunked', ''];

export interface HostileRequest { kind: string; body: Buffer; headers: Record<string, string>; chunked: boolean; activityType?: unknown }

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** A value of a random JSON type: the type confusion a forged activity would use. */
function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 11);
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 1e6) - 5e5;
    case 3: return r() < 0.5 ? 1e308 * 10 : -0;
    case 4: return randomString(r, Math.floor(r() * 40));
    case 5: return randomString(r, Math.floor(r() * 6000));
    case 6: return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 7: return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [pick(r, ['__proto__', 'constructor', 'orderId', 'v', 'verb', 'data', 'a', 'hetu']), randomValue(r, depth + 1)]));
    case 8: return pick(r, ['010594Y9032', '020594X903P', '0105949032', '[klikkaa](https://evil.example/x)', '<script>alert(1)</script>', '\u2028\u2029', '\u202e', 'VB-2026-00001']);
    case 9: return '';
    default: return randomString(r, 8);
  }
}

function randomString(r: () => number, n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzäöåÄÖÅ0123456789 -_.,:;!?"\'\\/{}[]<>()\u0000\u0007\u200b\u202e\u2028\ud83d\ude00\ud800';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** A plausible activity from one of the sample people (or a stranger), with a reachable serviceUrl. */
export function baseActivity(r: () => number, serviceUrl: string): Record<string, unknown> {
  const people = Object.values(PEOPLE) as string[];
  const userId = r() < 0.9 ? pick(r, people) : `0000${Math.floor(r() * 1e6)}-0000-4000-8000-000000000000`;
  const channel = r() < 0.2;
  return {
    id: `fz-${Math.floor(r() * 1e9)}`, channelId: 'msteams', serviceUrl,
    from: { id: `29:${userId}`, aadObjectId: userId }, recipient: { id: '28:bot', name: 'Valtuusbotti' },
    conversation: channel ? { id: '19:tilaukset@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: TENANT }
      : { id: `a:personal-${userId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } }, locale: pick(r, ['fi-FI', 'sv-FI', 'en-US', 'de-DE', '', 'xx']),
  };
}

/** An invoke of any name, and for card actions any verb shape and data shape. */
export function randomInvoke(r: () => number, serviceUrl: string): Record<string, unknown> {
  const a = baseActivity(r, serviceUrl);
  const name = r() < 0.6 ? 'adaptiveCard/action' : pick(r, INVOKE_NAMES);
  const verb = r() < 0.6 ? pick(r, KNOWN_VERBS) : pick(r, HOSTILE_VERBS);
  const data = r() < 0.7 ? { orderId: randomValue(r), v: randomValue(r), token: randomValue(r), hetu: randomValue(r), reason: randomValue(r), lang: randomValue(r) } : randomValue(r);
  const valueShapes: unknown[] = [
    { action: { type: 'Action.Execute', verb, data } },
    { action: { type: 'Action.Submit', verb, data } },
    { action: { type: randomValue(r), verb, data } },
    { action: null }, { action: verb }, null, undefined, randomValue(r), { action: { type: 'Action.Execute', verb } },
  ];
  return { ...a, type: 'invoke', name, value: pick(r, valueShapes) };
}

/** One hostile request of a random kind. */
export function hostileRequest(r: () => number, serviceUrl: string, bombs: Record<'gzip' | 'deflate' | 'br', Buffer>): HostileRequest {
  const json = { 'content-type': 'application/json' };
  const roll = r();
  const encode = (enc: string, b: Buffer): Buffer => (enc === 'gzip' || enc === 'x-gzip' || enc === 'GZIP') ? zlib.gzipSync(b)
    : enc === 'deflate' ? zlib.deflateSync(b) : enc === 'br' ? zlib.brotliCompressSync(b) : b;
  if (roll < 0.25) {
    const a = randomInvoke(r, serviceUrl);
    return { kind: 'invoke', body: Buffer.from(JSON.stringify(a)), headers: json, chunked: false, activityType: 'invoke' };
  }
  if (roll < 0.40) {
    // A valid-looking activity with one field of a random type.
    const a: Record<string, unknown> = { ...baseActivity(r, serviceUrl), type: pick(r, ACTIVITY_TYPES), text: randomValue(r), value: randomValue(r) };
    const field = pick(r, ['type', 'from', 'conversation', 'recipient', 'text', 'name', 'channelData', 'entities', 'attachments', 'locale', 'serviceUrl', 'membersAdded', 'timestamp', 'value']);
    if (field !== 'serviceUrl') a[field] = randomValue(r);
    return { kind: 'mistyped', body: Buffer.from(JSON.stringify(a)), headers: json, chunked: false, activityType: a.type };
  }
  if (roll < 0.50) {
    // Messages: text of every length and alphabet, incl. over the cap and henkilötunnus-like strings.
    const len = pick(r, [0, 5, 200, 3999, 4000, 4001, 20_000, 200_000]);
    const a = { ...baseActivity(r, serviceUrl), type: 'message', text: randomString(r, len) + String(randomValue(r)) };
    return { kind: 'message', body: Buffer.from(JSON.stringify(a)), headers: json, chunked: r() < 0.2, activityType: 'message' };
  }
  if (roll < 0.60) {
    // Malformed JSON: a valid activity cut short, or with a byte flipped.
    const text = Buffer.from(JSON.stringify({ ...baseActivity(r, serviceUrl), type: 'message', text: 'hei' }));
    const cut = text.subarray(0, Math.floor(r() * text.length));
    if (r() < 0.5 && cut.length > 0) cut[Math.floor(r() * cut.length)] = Math.floor(r() * 256);
    return { kind: 'malformed', body: Buffer.from(cut), headers: json, chunked: false };
  }
  if (roll < 0.70) {
    // Random bytes under random headers.
    const n = pick(r, [0, 1, 17, 1000, 70_000]);
    const body = Buffer.alloc(n);
    for (let i = 0; i < n; i++) body[i] = Math.floor(r() * 256);
    const headers: Record<string, string> = {};
    const ct = pick(r, CONTENT_TYPES);
    if (ct) headers['content-type'] = ct;
    const enc = pick(r, ENCODINGS);
    if (enc) headers['content-encoding'] = enc;
    return { kind: 'garbage', body, headers, chunked: r() < 0.3 };
  }
  if (roll < 0.82) {
    // Compressed: real activities, garbage, truncated streams and bombs.
    const enc = pick(r, ['gzip', 'deflate', 'br'] as const);
    const sub = r();
    const activity = Buffer.from(JSON.stringify(r() < 0.5 ? randomInvoke(r, serviceUrl) : { ...baseActivity(r, serviceUrl), type: 'message', text: 'hei' }));
    let body: Buffer;
    let kind: string;
    if (sub < 0.4) { body = encode(enc, activity); kind = `compressed-${enc}`; }
    else if (sub < 0.6) { body = encode(enc, activity).subarray(0, Math.max(1, Math.floor(r() * 60))); kind = `truncated-${enc}`; }
    else if (sub < 0.8) { body = bombs[enc]; kind = `bomb-${enc}`; }
    else { body = Buffer.from(randomString(r, 300)); kind = `fake-${enc}`; }
    const headers = { ...json, 'content-encoding': enc };
    return { kind, body, headers, chunked: r() < 0.3, activityType: kind.startsWith('compressed') ? (JSON.parse(activity.toString()) as { type: string }).type : undefined };
  }
  if (roll < 0.90) {
    // Huge and deep payloads.
    const sub = r();
    let body: Buffer;
    if (sub < 0.3) body = Buffer.from(`{"type":"message","value":${'['.repeat(10_000 + Math.floor(r() * 90_000))}`);
    else if (sub < 0.5) body = Buffer.from(`{"type":"message","text":"${'a'.repeat(250_000 + Math.floor(r() * 20_000))}"}`);
    else if (sub < 0.7) body = Buffer.from(JSON.stringify({ ...baseActivity(r, serviceUrl), type: 'invoke', name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: pick(r, KNOWN_VERBS), data: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 'v'.repeat(50)])) } } }));
    else body = Buffer.from(`{"type":"message",${Array.from({ length: 20_000 }, (_, i) => `"f${i}":${i}`).join(',')}}`);
    return { kind: 'huge', body, headers: json, chunked: r() < 0.5 };
  }
  // Headers only: odd Content-Length, Authorization junk, duplicate-looking headers.
  const a = Buffer.from(JSON.stringify({ ...baseActivity(r, serviceUrl), type: 'message', text: 'hei' }));
  const headers: Record<string, string> = { ...json, authorization: pick(r, ['Bearer x', 'Bearer a.b.c', 'Basic Zm9vOmJhcg==', '', 'Bearer ' + 'A'.repeat(4000)]) };
  return { kind: 'headers', body: a, headers, chunked: false, activityType: 'message' };
}

/** Compressed bodies that inflate far past the cap (64 MB of zeros: about 64 KB gzip, a few hundred bytes of br). */
export function makeBombs(): Record<'gzip' | 'deflate' | 'br', Buffer> {
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  return { gzip: zlib.gzipSync(zeros, { level: 9 }), deflate: zlib.deflateSync(zeros, { level: 9 }), br: zlib.brotliCompressSync(zeros) };
}
