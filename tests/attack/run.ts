/**
 * `npm run attack`: tries the running bot as an attacker and a careless user would, and reports. Local only; like
 * `npm run bench` it reports and does not gate CI (exit 0 unless the run itself could not be set up).
 *
 * Processes: Azurite (child), the app as `node dist/bot/index.js` in local mode (child: its crashes, RSS and logs
 * are what we measure), and this orchestrator with the Bot Connector sink (tests/helpers/connectorSink.ts).
 *
 * 1. Hostile inputs: ATTACK_COUNT (default 1,500) seeded requests from tests/helpers/hostile.ts plus the issue's
 *    repros (bad gzip, 200 MB gzip bomb ×4 at once, XML, no type, 240 KB message while /healthz is probed).
 *    "Clear" = 2xx/4xx/503, JSON on refusals and invokes, no internal text. Crashes = the app process exited.
 * 2. Forged actions: every admin/manager/signatory verb by people who may not use it, other people's order ids,
 *    stale replays, another tenant, a stranger. "Succeeded" = the order (or catalog) entity changed in Azurite,
 *    or the answer showed the order's private marker / a henkilötunnus to someone who must not see it.
 * 3. Henkilötunnus variants: DVV test codes and codes computed with bot/domain/hetu, written loosely (no sign,
 *    space, Unicode hyphens, lower case), planted in chat, justification, names, cancel reasons and answers;
 *    then searched in the raw Azurite entities, the app's logs and every outgoing connector message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { TableServiceClient, TableClient } from '@azure/data-tables';
import { startAzurite } from '../../infra/local/azurite';
import { freePort } from '../../infra/local/ports';
import { ConnectorSink } from '../helpers/connectorSink';
import { rawPost, INTERNAL_TEXT, type RawAnswer } from '../helpers/rawHttp';
import { hostileRequest, makeBombs, prng, KNOWN_VERBS } from '../helpers/hostile';
import { PEOPLE, TENANT, ADMIN_CHANNEL, cardText } from '../helpers/botHarness';
import { Tables } from '../../bot/store/tables';
import { TableOrderStore } from '../../bot/store/orderStore';
import { hetuCheckChar } from '../../bot/domain/hetu';
import { EXECUTE_VERBS } from '../../bot/domain/verbs';

const COUNT = Number(process.env.ATTACK_COUNT ?? 1500);
const SEED = Number(process.env.ATTACK_SEED ?? 9);
const root = path.resolve(__dirname, '../../..');

interface AppProc { proc: ChildProcess; url: string; logs: string[]; peakRssKb: number; startRssKb: number; crashes: number }

async function main(): Promise<void> {
  const azurite = await startAzurite({ port: await freePort() });
  const sink = await ConnectorSink.start();
  const prefix = `atk${process.pid}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1',
    BOT_SERVICE_URL: sink.url, ADMIN_CHANNEL_ID: ADMIN_CHANNEL, LOG_LEVEL: 'debug',
    DIRECTORY_FILE: path.join(root, 'data/sample-org.json'),
    // The tenant gate as in production. ATTACK_TENANT=none runs local mode's default (no tenant pinned).
    ...(process.env.ATTACK_TENANT === 'none' ? {} : { MICROSOFT_APP_TENANT_ID: TENANT }),
  };
  const app: AppProc = { proc: undefined as unknown as ChildProcess, url: `http://127.0.0.1:${port}`, logs: [], peakRssKb: 0, startRssKb: 0, crashes: 0 };
  let stopping = false;
  const startChild = async () => {
    app.proc = spawn(process.execPath, [path.join(root, 'dist/bot/index.js')], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    app.proc.stdout?.on('data', (c: Buffer) => app.logs.push(c.toString()));
    app.proc.stderr?.on('data', (c: Buffer) => app.logs.push(c.toString()));
    app.proc.once('exit', () => { if (!stopping) { app.crashes++; void startChild(); } });
    await waitReady(app.url);
  };
  await startChild();
  app.startRssKb = rssKb(app.proc.pid);
  const sampler = setInterval(() => { app.peakRssKb = Math.max(app.peakRssKb, rssKb(app.proc.pid)); }, 100);
  const started = Date.now();
  try {
    const hostile = await hostileInputs(app, sink);
    const forged = await forgedActions(app, sink, azurite.connectionString, prefix);
    const hetus = await hetuVariants(app, sink, azurite.connectionString, prefix);
    clearInterval(sampler);
    report(hostile, forged, hetus, app, (Date.now() - started) / 1000);
  } finally {
    clearInterval(sampler);
    stopping = true;
    app.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await sink.close();
    await azurite.stop();
  }
}

// ------------------------------------------------------------------------------------------------------------
// 1. Hostile inputs
// ------------------------------------------------------------------------------------------------------------

interface HostileOutcome { tried: number; clear: number; unclear: string[]; byStatus: Record<string, number>; healthzMaxMs: number; bombMs: number }

async function hostileInputs(app: AppProc, sink: ConnectorSink): Promise<HostileOutcome> {
  const url = `${app.url}/api/messages`;
  const out: HostileOutcome = { tried: 0, clear: 0, unclear: [], byStatus: {}, healthzMaxMs: 0, bombMs: 0 };
  const judge = (label: string, a: RawAnswer, invoke: boolean) => {
    out.tried++;
    out.byStatus[a.status] = (out.byStatus[a.status] ?? 0) + 1;
    const okStatus = (a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500) || a.status === 503;
    const okBody = a.text === '' ? a.status < 300 && !invoke : /application\/json/.test(String(a.headers['content-type'])) && isJson(a.text);
    if (okStatus && okBody && !INTERNAL_TEXT.test(a.text)) out.clear++;
    else if (out.unclear.length < 10) out.unclear.push(`${label}: ${a.status} ${a.text.slice(0, 120)}`);
  };
  const json = { 'content-type': 'application/json' };
  const greeting = JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: 'hei' }, sink.url));

  // The repros first.
  judge('gzip header, plain body', await rawPost(url, greeting, { ...json, 'content-encoding': 'gzip' }), false);
  const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
  const t0 = Date.now();
  for (const a of await Promise.all([1, 2, 3, 4].map(() => rawPost(url, bomb, { ...json, 'content-encoding': 'gzip' })))) judge(`200 MB gzip bomb (${bomb.length} B)`, a, false);
  out.bombMs = Date.now() - t0;
  judge('application/xml', await rawPost(url, '<a/>', { 'content-type': 'application/xml' }), false);
  judge('no type', await rawPost(url, JSON.stringify({ text: 'hei' }), json), false);
  for (const verb of ['dropTables', '__proto__', 'constructor', 42]) {
    judge(`verb ${String(verb)}`, await rawPost(url, JSON.stringify(activity(PEOPLE.mikko, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb } } }, sink.url)), json), true);
  }
  const long = rawPost(url, JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: 'valtuus '.repeat(30_000) }, sink.url)), json);
  for (let i = 0; i < 10; i++) {
    const h0 = Date.now();
    await fetch(`${app.url}/healthz`);
    out.healthzMaxMs = Math.max(out.healthzMaxMs, Date.now() - h0);
  }
  judge('240 KB message', await long, false);

  // Then the seeded mix, 8 at a time.
  const r = prng(SEED);
  const bombs = makeBombs();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < COUNT) {
      next++;
      const q = hostileRequest(r, sink.url, bombs);
      judge(q.kind, await rawPost(url, q.body, q.headers, { chunked: q.chunked, timeoutMs: 20_000 }), q.activityType === 'invoke');
    }
  }));
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// 2. Forged actions
// ------------------------------------------------------------------------------------------------------------

interface ForgedOutcome { tried: number; succeeded: string[]; legit: number }

async function forgedActions(app: AppProc, sink: ConnectorSink, connectionString: string, prefix: string): Promise<ForgedOutcome> {
  const out: ForgedOutcome = { tried: 0, succeeded: [], legit: 0 };
  const tables = new Tables({ kind: 'connectionString', connectionString }, prefix);
  const orders = new TableOrderStore(tables);
  const ordersTable = tables.client('orders');
  const etag = async (id: string) => (await ordersTable.getEntity('' + id, 'order')).etag;
  const url = `${app.url}/api/messages`;

  // Real orders to aim at: Mikko's (with a private marker in the justification) and Sanna's.
  const made: Array<{ id: string; v: string; marker: string; owner: string }> = [];
  for (const [i, who] of [PEOPLE.mikko, PEOPLE.mikko, PEOPLE.sanna].entries()) {
    const marker = `PRIVATEMARK${i}x${Date.now() % 1e6}`;
    const card = await invoke(url, who, sink.url, 'orderSubmit', orderData(i, `Tarvitsen tämän palkanlaskennassa joka kuukausi ${marker}.`));
    const number = /(VB-\d{4}-\d{5})/.exec(cardText(card))?.[1];
    const order = number ? await orders.findByNumber(number) : undefined;
    if (order) made.push({ id: order.id, v: order.updatedAt, marker, owner: who });
  }
  if (made.length === 0) throw new Error('attack: could not create the target orders');

  const tryForged = async (label: string, actor: string, verb: string, data: Record<string, unknown>, target: typeof made[number], conversation?: Record<string, unknown>) => {
    out.tried++;
    const before = await etag(target.id);
    const answer = await rawPost(url, JSON.stringify(activity(actor, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, sink.url, conversation)), { 'content-type': 'application/json' });
    const after = await etag(target.id);
    // Administrators of our tenant may see any order; the owner their own; nobody else.
    const mayView = actor === target.owner || (!conversation && (actor === PEOPLE.eija || actor === PEOPLE.camilla));
    const leaked = !mayView && answer.text.includes(target.marker);
    if (before !== after || leaked) out.succeeded.push(`${label}: ${before !== after ? 'order changed' : 'private text shown'}`);
  };
  const fullData = (t: typeof made[number], v = t.v) => ({ orderId: t.id, v, line: 0, submit: true, reason: 'forged reason text', question: 'forged question', answer: 'forged answer',
    when: '2026-12-01 10:00', sentOn: '2026-12-01', validFrom: '2026-12-01', validUntil: '2027-12-01', themeId: 'veroilmoittaminen', version: '1' });
  const adminVerbs = EXECUTE_VERBS.filter((v) => /^(admin|manager|signatory)\./.test(v));
  const nonAdmins = [PEOPLE.mikko, PEOPLE.sanna, PEOPLE.aino, PEOPLE.johan, PEOPLE.kaarina];
  const target = made[0];
  // Admin, manager and signatory verbs by people outside the role (Aino is Mikko's manager but approval is off).
  for (const verb of adminVerbs) for (const actor of nonAdmins) await tryForged(`${verb} by non-admin`, actor, verb, fullData(target), target);
  // The owner's verbs on someone else's order.
  for (const verb of ['myOrderCancel', 'myOrderAnswer', 'myOrderDetails']) for (const actor of [PEOPLE.sanna, PEOPLE.johan, PEOPLE.eija]) {
    await tryForged(`${verb} on another's order`, actor, verb, fullData(target), target);
  }
  // Catalog toggle by non-admins.
  for (const actor of nonAdmins) {
    out.tried++;
    const meta = tables.client('catalog');
    const before = (await meta.getEntity('meta', 'current')).etag;
    await invoke(url, actor, sink.url, 'catalog.toggleHeld', { themeId: 'veroilmoittaminen', version: '1', held: true });
    if ((await meta.getEntity('meta', 'current')).etag !== before) out.succeeded.push('catalog.toggleHeld by non-admin: catalog changed');
  }
  // Another tenant, and a stranger not in the directory, using admin verbs.
  const foreign = { id: 'a:x', conversationType: 'personal', tenantId: '99999999-0000-4000-8000-000000000009' };
  for (const verb of adminVerbs) await tryForged(`${verb} from another tenant`, PEOPLE.eija, verb, fullData(target), target, foreign);
  for (const verb of adminVerbs) await tryForged(`${verb} by a stranger`, '12345678-0000-4000-8000-000000000000', verb, fullData(target), target);
  // Every verb the app knows, with the order id of someone else and random versions.
  const r = prng(SEED + 1);
  for (let i = 0; i < 100; i++) {
    const verb = KNOWN_VERBS[Math.floor(r() * KNOWN_VERBS.length)];
    if (verb.startsWith('admin.') || verb.startsWith('manager.') || verb.startsWith('signatory.') || verb.startsWith('catalog.') || verb.startsWith('myOrder')) {
      await tryForged(`${verb} random version`, nonAdmins[i % nonAdmins.length], verb, fullData(made[2], `2020-01-01T00:00:0${i % 10}.000Z`), made[2]);
    }
  }
  // Stale replays: Eija claims (legit), then the same click again, Camilla's click on the stale card, and a stale reject.
  const t1 = made[1];
  await invoke(url, PEOPLE.eija, sink.url, 'admin.claim', { orderId: t1.id, v: t1.v });
  out.legit++;
  await tryForged('admin.claim replayed with the old version', PEOPLE.eija, 'admin.claim', { orderId: t1.id, v: t1.v }, t1);
  await tryForged('admin.claim by another admin on a stale card', PEOPLE.camilla, 'admin.claim', { orderId: t1.id, v: t1.v }, t1);
  await tryForged('admin.reject by another admin on a stale card', PEOPLE.camilla, 'admin.reject', { orderId: t1.id, v: t1.v, submit: true, reason: 'stale reject' }, t1);
  await tryForged('admin.revealHetu by an admin who does not hold the order', PEOPLE.camilla, 'admin.revealHetu', { orderId: t1.id, v: t1.v, line: 0 }, t1);
  await tryForged('myOrderCancel replayed by the owner with an old version after the claim', PEOPLE.sanna, 'myOrderCancel', { orderId: t1.id, v: t1.v, reason: 'x' }, t1);
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// 3. Henkilötunnus variants
// ------------------------------------------------------------------------------------------------------------

interface Planted { code: string; variant: string; written: string; where: string; tag: string }
interface HetuOutcome { planted: Planted[]; found: { storage: Planted[]; logs: Planted[]; outgoing: Planted[] }; anyForm: { storage: string[]; logs: string[]; outgoing: string[] } }

/** A valid code: DDMMYY, century sign, individual number, check character (computed by the project's module). */
function computed(ddmmyy: string, sign: string, individual: string): string {
  return `${ddmmyy}${sign}${individual}${hetuCheckChar(ddmmyy + individual)}`;
}

function variantsOf(code: string): Array<[string, string]> {
  const date = code.slice(0, 6);
  const sign = code[6];
  const rest = code.slice(7);
  const v: Array<[string, string]> = [['canonical', code], ['no century sign', date + rest], ['space for sign', `${date} ${rest}`],
    ['space before sign', `${date} ${sign}${rest}`], ['lower case', code.toLowerCase()]];
  if (sign === '-') {
    for (const [name, ch] of [['U+2010', '\u2010'], ['U+2011', '\u2011'], ['U+2013', '\u2013'], ['U+2212', '\u2212']]) v.push([`hyphen ${name}`, `${date}${ch}${rest}`]);
  }
  return v;
}

async function hetuVariants(app: AppProc, sink: ConnectorSink, connectionString: string, prefix: string): Promise<HetuOutcome> {
  const url = `${app.url}/api/messages`;
  const codes = ['010594Y9032', '020594X903P', '020503F9037', computed('131052', '-', '308'), computed('071065', '-', '431'), computed('150805', 'A', '246')];
  const planted: Planted[] = [];
  const tables = new Tables({ kind: 'connectionString', connectionString }, prefix);
  const orders = new TableOrderStore(tables);
  let n = 100;
  for (const code of codes) {
    for (const [variant, written] of variantsOf(code)) {
      // Each plant carries a tag (Q<k>Z) next to the code, so a find names the place and spelling it came from.
      const plant = (where: string) => { const tag = `Q${planted.length}Z`; planted.push({ code, variant, written, where, tag }); return `${tag} ${written}`; };
      // Chat (the glossary and intent matching see it).
      await rawPost(url, JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: `mikä on valtuus ${plant('chat message')}` }, sink.url)), { 'content-type': 'application/json' });
      // Justification and given name of an order (a fresh subject code in the proper field each time).
      n++;
      const card = await invoke(url, PEOPLE.mikko, sink.url, 'orderSubmit', orderData(n, `Tarvitsen valtuuden palkanlaskentaan, tunnus ${plant('order justification')} kuukausittain.`));
      n++;
      await invoke(url, PEOPLE.mikko, sink.url, 'orderSubmit', { ...orderData(n, 'Palkanlaskenta vaatii tämän valtuuden joka kuukausi.'), givenName: `Mikko ${plant('given name')}` });
      // Cancel reason on the order just made (if it was accepted).
      const number = /(VB-\d{4}-\d{5})/.exec(cardText(card))?.[1];
      const order = number ? await orders.findByNumber(number) : undefined;
      if (order) {
        // An administrator asks, the requester answers with the code, then cancels with it.
        await invoke(url, PEOPLE.eija, sink.url, 'admin.claim', { orderId: order.id, v: order.updatedAt });
        const claimed = await orders.get(order.id);
        if (claimed) await invoke(url, PEOPLE.eija, sink.url, 'admin.ask', { orderId: order.id, v: claimed.order.updatedAt, submit: true, question: 'Mihin tarvitset tätä?' });
        const asked = await orders.get(order.id);
        if (asked) await invoke(url, PEOPLE.mikko, sink.url, 'myOrderAnswer', { orderId: order.id, v: asked.order.updatedAt, answer: `Tarvitsen, henkilötunnus ${plant('answer to administrator')}` });
        const answered = await orders.get(order.id);
        if (answered) await invoke(url, PEOPLE.mikko, sink.url, 'myOrderCancel', { orderId: order.id, v: answered.order.updatedAt, reason: `Peruutan, tunnus ${plant('cancel reason')}` });
      }
    }
  }
  await new Promise((r) => setTimeout(r, 4000)); // let the outbox deliver
  const storageText = await dumpTables(connectionString, prefix);
  const logsText = app.logs.join('');
  const outgoingText = sink.requests.map((q) => JSON.stringify(q.body)).join('\n');
  const foundIn = (text: string) => planted.filter((p) => new RegExp(`${p.tag}[\\s\\S]{0,12}?${detector(p.code).source}`, 'i').test(text));
  const anyForm = (text: string) => codes.filter((c) => detector(c).test(text));
  return { planted, found: { storage: foundIn(storageText), logs: foundIn(logsText), outgoing: foundIn(outgoingText) },
    anyForm: { storage: anyForm(storageText), logs: anyForm(logsText), outgoing: anyForm(outgoingText) } };
}

/** Any way of writing the code: its date, up to three separator/sign characters, its individual number + check. */
function detector(code: string): RegExp {
  return new RegExp(`${code.slice(0, 6)}[\\s\\u2010-\\u2015\\u2212+\\-A-Za-z]{0,3}${code.slice(7, 10)}${code[10]}`, 'i');
}

async function dumpTables(connectionString: string, prefix: string): Promise<string> {
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const parts: string[] = [];
  for await (const t of service.listTables()) {
    if (!t.name?.startsWith(prefix)) continue;
    const client = TableClient.fromConnectionString(connectionString, t.name, { allowInsecureConnection: true });
    for await (const e of client.listEntities()) parts.push(JSON.stringify(e));
  }
  return parts.join('\n');
}

// ------------------------------------------------------------------------------------------------------------
// Helpers and report
// ------------------------------------------------------------------------------------------------------------

let seq = 0;
function activity(userId: string, extra: Record<string, unknown>, serviceUrl: string, conversation?: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `atk-${++seq}`, channelId: 'msteams', serviceUrl,
    from: { id: `29:${userId}`, aadObjectId: userId }, recipient: { id: '28:bot', name: 'Valtuusbotti' },
    conversation: conversation ?? { id: `a:personal-${userId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: conversation?.tenantId ?? TENANT } }, locale: 'fi-FI', ...extra,
  };
}

async function invoke(url: string, userId: string, serviceUrl: string, verb: string, data: Record<string, unknown>): Promise<unknown> {
  const a = await rawPost(url, JSON.stringify(activity(userId, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, serviceUrl)), { 'content-type': 'application/json' });
  try { return (JSON.parse(a.text) as { value?: unknown }).value; } catch { return undefined; }
}

const THEMES = ['palkkatietojen-ilmoittaminen', 'palkkatietojen-katselu', 'veroilmoittaminen', 'veroasioiden-hoito', 'etuustietojen-ilmoittaminen', 'etuustietojen-katselu', 'tilinumeron-ilmoittaminen-palvelussuhteeseen-liittyvien-etuu', 'tyoterveyshuollon-korvausten-hakeminen'];

/** An order form for a distinct subject (a computed valid code) and theme, so no "already ordered" refusal. */
function orderData(i: number, justification: string): Record<string, unknown> {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0');
  const ddmmyy = `${day}${month}85`;
  const individual = String(100 + i).padStart(3, '0');
  return {
    token: `atk-${process.pid}-${i}`, givenName: 'Testi', surname: `Henkilö${i}`, hetu: computed(ddmmyy, '-', individual), department: 'Konsernipalvelut',
    themes: THEMES[i % THEMES.length], justification, validUntil: new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10),
    requesterMail: 'mikko.virtanen@porvoo.example',
  };
}

function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  try { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try { if ((await fetch(`${url}/healthz`)).status === 200) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('attack: the app did not become ready within 60 s');
}

const isJson = (s: string) => { try { JSON.parse(s); return true; } catch { return false; } };

function report(h: HostileOutcome, f: ForgedOutcome, x: HetuOutcome, app: AppProc, seconds: number): void {
  const line = (s = '') => process.stdout.write(`${s}\n`);
  const group = (list: Planted[]) => {
    const by = new Map<string, number>();
    for (const p of list) by.set(`${p.where} / ${p.variant}`, (by.get(`${p.where} / ${p.variant}`) ?? 0) + 1);
    return [...by].map(([k, v]) => `      ${k}: ${v}`).join('\n');
  };
  line();
  line(`npm run attack — ${seconds.toFixed(0)} s, seed ${SEED}, tenant ${process.env.ATTACK_TENANT === 'none' ? 'not pinned (local default)' : 'pinned'}`);
  line('Hostile inputs');
  line(`  tried ${h.tried}, clear answers ${h.clear}, unclear ${h.tried - h.clear}, crashes ${app.crashes}, peak RSS of the app ${(app.peakRssKb / 1024).toFixed(0)} MB (${(app.startRssKb / 1024).toFixed(0)} MB when ready)`);
  line(`  statuses ${JSON.stringify(h.byStatus)}; four 200 MB gzip bombs at once answered in ${h.bombMs} ms; /healthz max ${h.healthzMaxMs} ms during a 240 KB message`);
  for (const u of h.unclear) line(`    unclear: ${u}`);
  line('Forged actions');
  line(`  tried ${f.tried}, succeeded ${f.succeeded.length}`);
  for (const s of f.succeeded.slice(0, 20)) line(`    succeeded: ${s}`);
  line('Henkilötunnus variants');
  line(`  planted ${x.planted.length} (${new Set(x.planted.map((p) => p.written)).size} spellings of ${new Set(x.planted.map((p) => p.code)).size} codes)`);
  line(`  found in storage (raw Azurite entities): ${x.found.storage.length}`);
  if (x.found.storage.length) line(group(x.found.storage));
  line(`  found in logs: ${x.found.logs.length}`);
  if (x.found.logs.length) line(group(x.found.logs));
  line(`  found in outgoing messages: ${x.found.outgoing.length}`);
  if (x.found.outgoing.length) line(group(x.found.outgoing));
  line(`  codes found in any form, tagged or not (storage / logs / outgoing): ${x.anyForm.storage.length} / ${x.anyForm.logs.length} / ${x.anyForm.outgoing.length} of ${new Set(x.planted.map((p) => p.code)).size}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`attack could not run: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
