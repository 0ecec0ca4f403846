import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { projectRoot } from '../../bot/config';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { ConnectorSink } from '../helpers/connectorSink';
import { ADMIN_CHANNEL, PEOPLE, TENANT, cardText, validOrder } from '../helpers/botHarness';
import { Tables } from '../../bot/store/tables';
import { TABLES } from '../../bot/store/entities';
import { TableOrderStore } from '../../bot/store/orderStore';
import { OutboxStore } from '../../bot/store/outboxStore';
import { readOutboxBacklog } from '../../bot/telemetry';
import { sampleOrder } from '../helpers/cardCheck';
import { FakeGraph } from '../helpers/fakeGraph';

interface Envelope {
  name: string;
  time: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> };
}

/**
 * Application Insights' ingestion endpoint, locally: the real exporter posts gzip'd JSON envelopes to
 * /v2.1/track; we decode and keep them, and answer as the service does. HTTPS, because the exporter turns any
 * http:// IngestionEndpoint into https:// (the app trusts our test certificate through NODE_EXTRA_CA_CERTS).
 */
class FakeIngestion {
  readonly envelopes: Envelope[] = [];
  readonly raw: string[] = [];
  private constructor(private readonly server: https.Server, readonly port: number) {}

  static async start(tls: { cert: string; key: string }): Promise<FakeIngestion> {
    let self: FakeIngestion | undefined;
    const server = https.createServer(tls, (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8');
        let items: Envelope[] = [];
        if (req.url?.startsWith('/v2.1/track') || req.url?.startsWith('/v2/track')) {
          self?.raw.push(text);
          const parsed = JSON.parse(text) as Envelope | Envelope[];
          items = Array.isArray(parsed) ? parsed : [parsed];
          self?.envelopes.push(...items);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    self = new FakeIngestion(server, typeof a === 'object' && a ? a.port : 0);
    return self;
  }

  of(baseType: string): Envelope[] { return this.envelopes.filter((e) => e.data?.baseType === baseType); }
  metric(name: string): Array<{ value: number; properties: Record<string, string> }> {
    return this.of('MetricData').flatMap((e) => (e.data.baseData.metrics as Array<{ name: string; value: number }>)
      .filter((m) => m.name === name).map((m) => ({ value: m.value, properties: (e.data.baseData.properties ?? {}) as Record<string, string> })));
  }

  close(): Promise<void> { return new Promise((r) => { this.server.closeAllConnections?.(); this.server.close(() => r()); }); }
}

const opId = (e: Envelope) => e.tags['ai.operation.id'];

/** A fresh folder with a self-signed certificate for 127.0.0.1 (cert.pem, key.pem): the fake ingestion's HTTPS. */
function testCertificate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-otel-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  } catch {
    throw new Error('openssl is needed to make the test certificate (Debian package openssl)');
  }
  return dir;
}

/** The connection string that sends the exporter to the fake ingestion endpoint. */
const connectionStringFor = (ingestion: FakeIngestion) =>
  `InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://127.0.0.1:${ingestion.port}/;LiveEndpoint=https://127.0.0.1:${ingestion.port}/`;

describe('telemetry to Azure Monitor (real exporter → local ingestion endpoint)', function () {
  this.timeout(120_000);
  let ingestion: FakeIngestion;
  let sink: ConnectorSink;
  let child: ChildProcess | undefined;
  let azuritePort = 0;
  let exitCode: number | null = null;
  let stdout = '';

  before(async () => {
    const azurite = await testAzurite();
    azuritePort = azurite.port;
    const dir = testCertificate();
    ingestion = await FakeIngestion.start({ cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') });
    sink = await ConnectorSink.start();
    const port = await freePort();
    // An empty working folder: a developer's .env must not leak into the test.
    child = spawn(process.execPath, [path.join(projectRoot(), 'dist/bot/index.js')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
        APPLICATIONINSIGHTS_CONNECTION_STRING: connectionStringFor(ingestion),
        // Offline: no SDK statistics to Microsoft; exports quick enough for a test.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BLRP_SCHEDULE_DELAY: '200',
        AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
        TABLE_PREFIX: uniquePrefix('otel'),
        PORT: String(port),
        ADMIN_CHANNEL_ID: ADMIN_CHANNEL,
        BOT_SERVICE_URL: sink.url,
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.once('exit', (code) => { exitCode = code; });
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('Valtuusbotti listening')) {
      if (exitCode !== null || Date.now() > deadline) throw new Error(`the app did not start:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The channel card is refused (403): a dead letter, as when the app was removed from the team.
    sink.rule((r) => (r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path) && JSON.stringify(r.body).includes(ADMIN_CHANNEL)
      ? { status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'forbidden' } } } : undefined));

    const base = (userId: string) => ({
      channelId: 'msteams', serviceUrl: sink.url, from: { id: `29:${userId}`, aadObjectId: userId },
      recipient: { id: '28:bot', name: 'Valtuusbotti' }, channelData: { tenant: { id: TENANT } }, locale: 'fi-FI',
      conversation: { id: `a:personal-${userId}`, conversationType: 'personal', tenantId: TENANT },
    });
    const post = async (activity: Record<string, unknown>) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
    };
    assert.equal((await post({ ...base(PEOPLE.mikko), id: 'otel-1', type: 'message', text: 'hei' })).status, 200);
    await sink.waitFor(() => sink.sent().length > 0);
    const submit = await post({ ...base(PEOPLE.mikko), id: 'otel-2', type: 'invoke', name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data: validOrder() } } });
    assert.equal(submit.status, 200);
    assert.match(cardText(submit.body.value), /VB-\d{4}-\d{5}/, 'the order was confirmed');
    // Wait for the dead letter to be recorded (the dispatcher tries the channel once: 403 is final).
    await sink.waitFor(() => sink.requests.some((r) => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path)), 20_000);
    await waitUntil(() => ingestion.metric('valtuusbotti.outbox.dead_letters').length > 0 && ingestion.metric('valtuusbotti.orders.submitted').length > 0, 30_000)
      .catch((err: Error) => { throw new Error(`${err.message}: metrics arrived: ${[...new Set(ingestion.of('MetricData').flatMap((e) => (e.data.baseData.metrics as Array<{ name: string }>).map((m) => m.name)))].join(', ')}; envelopes: ${ingestion.envelopes.length}\n${stdout.slice(-3000)}`); });
    // SIGTERM: the app drains and flushes what is still buffered before it exits.
    child.kill('SIGTERM');
    await waitUntil(() => exitCode !== null, 30_000);
  });

  after(async () => {
    if (child && exitCode === null) child.kill('SIGKILL');
    await sink?.close();
    await ingestion?.close();
  });

  it('exits cleanly on SIGTERM after flushing', () => {
    assert.equal(exitCode, 0, stdout.slice(-2000));
  });

  it('sends the incoming turn as a request, and its Table Storage and Bot Connector calls as dependencies of it', () => {
    const requests = ingestion.of('RequestData').filter((e) => e.data.baseData.name === 'POST /api/messages');
    assert.ok(requests.length >= 2, `requests: ${ingestion.of('RequestData').map((e) => e.data.baseData.name).join(', ')}`);
    const deps = ingestion.of('RemoteDependencyData');
    const turnWithBoth = requests.find((req) => {
      const mine = deps.filter((d) => opId(d) === opId(req));
      return mine.some((d) => JSON.stringify(d.data.baseData).includes(`127.0.0.1:${azuritePort}`))
        && mine.some((d) => JSON.stringify(d.data.baseData).includes(`127.0.0.1:${sink.port}`));
    });
    assert.ok(turnWithBoth, `no turn with a Table Storage and a Bot Connector dependency under one operation id; dependencies: ${
      deps.slice(0, 20).map((d) => `${opId(d)} ${String(d.data.baseData.type)} ${String(d.data.baseData.target)} ${String(d.data.baseData.name)}`).join('\n')}`);
    assert.match(String(turnWithBoth.data.baseData.responseCode), /^200$/);
  });

  it('sends each outgoing call once: one dependency per request the connector received, no SDK span repeating a call', () => {
    const deps = ingestion.of('RemoteDependencyData');
    const to = (port: number) => deps.filter((d) => JSON.stringify(d.data.baseData).includes(`127.0.0.1:${port}`));
    const connector = to(sink.port);
    assert.equal(connector.length, sink.requests.length, `${connector.length} Bot Connector dependencies for ${sink.requests.length} requests`);
    assert.deepEqual(deps.filter((d) => String(d.data.baseData.type).startsWith('InProc')).map((d) => d.data.baseData.name), []);
    const storage = to(azuritePort);
    const storageIds = new Set(storage.map((d) => String(d.data.baseData.id)));
    assert.ok(storage.length > 0);
    assert.deepEqual(storage.filter((d) => storageIds.has(d.tags['ai.operation.parentId'])).map((d) => d.data.baseData.name), [],
      'a storage call recorded under another record of a storage call');
  });

  it('sends the logs as traces, those written during a turn under the turn\'s operation id', () => {
    const messages = ingestion.of('MessageData');
    assert.ok(messages.some((m) => m.data.baseData.message === 'Valtuusbotti listening'), 'the start log line arrived');
    const requestIds = new Set(ingestion.of('RequestData').map(opId));
    assert.ok(messages.some((m) => m.data.baseData.message === 'request' && requestIds.has(opId(m))), 'a log line carries its request\'s operation id');
    const deadLetter = messages.find((m) => m.data.baseData.message === 'outbox message dead-lettered' || m.data.baseData.message === 'recipient unreachable; not retried');
    assert.ok(deadLetter, 'the dead letter is logged');
  });

  it('sends the business metrics: orders submitted, dead letters, outbox backlog and its oldest age', () => {
    const submitted = ingestion.metric('valtuusbotti.orders.submitted');
    assert.equal(submitted.reduce((s, m) => s + m.value, 0), 1, 'one order');
    assert.equal(submitted[0].properties.paths, '1');
    const dead = ingestion.metric('valtuusbotti.outbox.dead_letters');
    assert.ok(dead.some((m) => m.value >= 1 && m.properties.kind === 'adminCard' && m.properties.status === '403'), JSON.stringify(dead));
    for (const name of ['valtuusbotti.outbox.backlog', 'valtuusbotti.outbox.oldest_age']) {
      const points = ingestion.metric(name);
      assert.ok(points.length > 0 && points.every((p) => Number.isFinite(p.value) && p.value >= 0), `${name}: ${JSON.stringify(points)}`);
    }
  });

  it('never sends personal data: no henkilötunnus, no names, no message text, no object or conversation ids', () => {
    const all = ingestion.raw.join('\n');
    assert.ok(ingestion.envelopes.length > 0);
    for (const secret of ['010594Y9032', 'Virtanen', 'Palkanlaskenta vaatii', PEOPLE.mikko, 'a%3Apersonal', 'a:personal']) {
      assert.ok(!all.includes(secret), `"${secret}" reached telemetry`);
    }
  });
});

describe('telemetry of Microsoft Graph calls (Node fetch, seen by the undici instrumentation)', function () {
  this.timeout(60_000);

  it('sends each Graph call once as a dependency, its URL without object ids, addresses or the query', async () => {
    const dir = testCertificate();
    const ingestion = await FakeIngestion.start({ cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') });
    const graph = await FakeGraph.start({ pageSize: 2 });
    try {
      const person = graph.org.users.find((u) => u.mail)!;
      // Not execFileSync: the Graph fake answers from this process's event loop.
      await promisify(execFile)(process.execPath, [path.join(projectRoot(), 'dist/tests/helpers/otelGraphProbe.js')], {
        cwd: dir, timeout: 30_000,
        env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'), APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
          OTEL_BSP_SCHEDULE_DELAY: '200', APPLICATIONINSIGHTS_CONNECTION_STRING: connectionStringFor(ingestion),
          GRAPH_BASE_URL: graph.baseUrl, PROBE_USER_ID: person.id, PROBE_ADDRESS: person.mail! },
      });
      const graphHost = new URL(graph.baseUrl).host;
      const calls = ingestion.of('RemoteDependencyData').filter((d) => JSON.stringify(d.data.baseData).includes(graphHost));
      assert.ok(graph.requests.some((r) => r.query.$filter) && graph.requests.some((r) => r.path.includes(person.id)), 'the probe looked up by id and by address');
      assert.equal(calls.length, graph.requests.length, `dependencies: ${calls.map((d) => String(d.data.baseData.name)).join(', ')}`);
      assert.ok(calls.every((d) => /^\d{3}$/.test(String(d.data.baseData.resultCode))), `each with Graph's status: ${JSON.stringify(calls.map((d) => d.data.baseData.resultCode))}`);
      const sent = ingestion.raw.join('\n');
      for (const secret of [person.id, person.mail!, encodeURIComponent(person.mail!), '$filter', '%24filter']) {
        assert.ok(!sent.includes(secret), `${secret} reached the telemetry`);
      }
    } finally {
      await graph.close();
      await ingestion.close();
    }
  });
});

describe('outbox backlog reading (the gauge behind valtuusbotti.outbox.backlog)', () => {
  it('counts undelivered messages across pending orders and reports the oldest one\'s age', async () => {
    const azurite = await testAzurite();
    const tables = new Tables({ kind: 'connectionString', connectionString: azurite.connectionString }, uniquePrefix('backlog'));
    await tables.ensure(TABLES);
    const orders = new TableOrderStore(tables);
    const outbox = new OutboxStore(tables);
    assert.deepEqual(await readOutboxBacklog(outbox, Date.now()), { messages: 0, oldestAgeSeconds: 0 });
    const a = sampleOrder({ id: 'backlog-a', number: 'VB-2026-09001' });
    const b = sampleOrder({ id: 'backlog-b', number: 'VB-2026-09002' });
    await orders.create(a, [], [{ kind: 'adminCard', orderId: a.id }, { kind: 'adminCard', orderId: a.id }]);
    await orders.create(b, [], [{ kind: 'adminCard', orderId: b.id }]);
    const later = Date.now() + 120_000;
    const backlog = await readOutboxBacklog(outbox, later);
    assert.equal(backlog.messages, 3);
    assert.ok(backlog.oldestAgeSeconds >= 119 && backlog.oldestAgeSeconds <= 180, String(backlog.oldestAgeSeconds));
  });
});

async function waitUntil(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
