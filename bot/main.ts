/**
 * Production composition root: config → storage → directory → keys → stores → app → dispatcher → server.
 * Used by the process entry (index.ts), the local launcher (through infra/local/localApp.ts, which adds the
 * embedded Azurite) and the tests, so all run the same program. Nothing here comes from infra/local.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type TurnContext } from 'botbuilder';
import { ReusedClientsAuthentication, TeamsAdapter } from './botAdapter';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Logger } from 'pino';
import type { Config, HetuKeySource } from './config';
import { createLogger, safeError } from './log';
import { Metrics } from './metrics';
import { Tables, isStatus, type TableAccess } from './store/tables';
import { TABLES } from './store/entities';
import { TableOrderStore } from './store/orderStore';
import { TableGrantStore } from './store/grantStore';
import { TableExportLinkStore } from './store/exportLinkStore';
import { TableUserStore } from './store/userStore';
import { InstallStore } from './store/installStore';
import { CatalogStore } from './store/catalogStore';
import { recordHeldFlag } from './services/heldFlag';
import { BackgroundWork } from './services/backgroundWork';
import { HetuCipher, parseKeyring } from './security/hetuCipher';
import { FileDirectory } from '../graph/fileDirectory';
import { GraphDirectory } from '../graph/graphDirectory';
import { graphCredential } from '../graph/credentials';
import { GraphMeetingScheduler } from '../graph/calendar';
import type { Directory } from '../graph/directory';
import { loadSeedCatalog, loadSeedGlossary, loadScopeVariants } from './catalog/seed';
import { StoreCatalogReader } from './services/catalogReader';
import { createApp } from './app';
import { BotServer, type ServerOptions } from './server';
import { ASSET_TYPES, type ReportsPage } from './http/reportsPage';
import { downloadRegisterExport } from './handlers/registerSearch';
import { guardTurn } from './handlers/turnGuard';
import { OutboxStore } from './store/outboxStore';
import { OutboxDispatcher } from './notify/dispatcher';
import { TaskStore } from './store/taskStore';
import { ReviewStore } from './store/reviewStore';
import { DirectoryStateStore } from './store/directoryState';
import { RateLimiter } from './notify/rateLimiter';
import { TableSendBudget } from './notify/sendBudget';
import { CardTemplates, defaultTemplatesDir, formatProblem, sampleData } from './templates/cardTemplates';
import { BotConnectorMessenger, type Messenger } from './notify/messenger';
import { createRenderer } from './presenters/notifications';
import { SlaWatch } from './notify/slaWatch';
import { RegisterSweepJob } from './notify/registerSweepJob';
import { HetuRetention } from './services/hetuRetention';
import { registerGrant } from './services/confirmGrant';
import type { HandlerDeps } from './handlers/turn';
import { instrumentOrderStore, instrumentOutboxStore, readOutboxBacklog, type TelemetrySink } from './telemetry';
import { reportsApi } from './handlers/reportsApi';
import { teamsSsoVerifier } from './http/teamsSso';

export interface StartOptions {
  log?: Logger;
  now?: () => Date;
  /** Replace the Teams connector (tests); default: the Bot Framework connector through the adapter. */
  messenger?: (adapter: CloudAdapter, serviceUrl: () => string) => Messenger;
  /** A credential for AZURE_TABLES_ACCOUNT_URL / Key Vault / Graph (tests supply one); default DefaultAzureCredential. */
  credential?: TokenCredential;
  dispatcherPollMs?: number;
  /** Extra CA for Table Storage over TLS (tests with a self-signed Azurite; production uses the system store). */
  tablesCa?: string | Buffer;
  /** Background jobs (SLA watch, retention) on: default true. */
  jobs?: boolean;
  /** Business metrics to Azure Monitor (bot/otel.ts), when APPLICATIONINSIGHTS_CONNECTION_STRING is set. */
  telemetry?: TelemetrySink;
  /**
   * Storage started by whoever composes this app: the local launcher's embedded Azurite (infra/local/localApp.ts).
   * Needed when no storage is configured (config.storage.kind 'embedded'); its composer closes it if the start fails.
   */
  storage?: ProvidedStorage;
}

/** Table Storage brought up outside this root, and how it closes: last in stop(), after the outbox. */
export interface ProvidedStorage {
  access: TableAccess;
  close(): Promise<void>;
}

export interface RunningApp {
  config: Config;
  port: number;
  url: string;
  deps: HandlerDeps;
  dispatcher: OutboxDispatcher;
  tables: Tables;
  adapter: CloudAdapter;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? createLogger(config.logLevel);
  const credential = options.credential ?? lazyDefaultCredential();
  const now = options.now ?? (() => new Date());
  const metrics = new Metrics(log);
  const tables = await openTables(config, tableAccess(config, options, credential), options.tablesCa, metrics);
  const directory = createDirectory(config, credential);
  const meetings = createMeetings(config, credential);
  const cipher = new HetuCipher(await loadKeyring(config.hetuKeys, credential));
  const stores = await createStores(config, tables, now, options.telemetry, log);
  const { orders, grants, tasks, reviews, users, catalogStore, directoryState, exportLinks } = stores;
  const cardTemplates = loadCardTemplates(config, log);
  const teams = connectTeams(config, options, log);

  let dispatcher: OutboxDispatcher | undefined;
  const deps: HandlerDeps = {
    config, directory, directoryState, orders, grants, tasks, reviews, exportLinks, users, catalog: stores.catalog, cipher, log, catalogStore, cardTemplates,
    installs: stores.installs,
    catalogAdmin: { setHeldByOrganisation: (themeId, held) => recordHeldFlag(catalogStore, themeId, held) },
    background: new BackgroundWork(),
    glossary: loadSeedGlossary(),
    meetings,
    now,
    kick: () => dispatcher?.kick(),
  };
  dispatcher = createDispatcher(deps, tables, teams.messenger, options);
  const app = createApp(deps);
  const runApp = guardTurn(deps, (ctx) => app.run(ctx));
  const server = createServer(teams, tables, metrics, log, runApp, (token, lang) => downloadRegisterExport(deps, token, lang),
    reportsApi({ deps, local: config.mode === 'local', signIn: config.sso && teamsSsoVerifier(config.sso) }), loadReportsPage(log));
  await server.listen(config.port, config.host);
  dispatcher.start();
  if (options.telemetry) {
    const outbox = new OutboxStore(tables, { now });
    options.telemetry.observeOutbox(() => readOutboxBacklog(outbox, now().getTime()));
  }
  const jobs = options.jobs === false ? [] : backgroundJobs(deps, teams.messenger, log);
  jobs.forEach((j) => j.start());
  metrics.start();
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${server.port}`;
  deps.publicUrl = config.register.publicUrl ?? url;
  log.info({ url, mode: config.mode, directory: config.directory.kind, storage: config.storage.kind }, 'Valtuusbotti listening');
  return {
    config, port: server.port, url, deps, dispatcher, tables, adapter: teams.adapter,
    stop: orderedStop({ server, jobs, metrics, dispatcher, background: deps.background, storage: options.storage, log }),
  };
}

/** How this root reaches Table Storage: the configured connection, or the storage its composer started. */
function tableAccess(config: Config, options: StartOptions, credential: TokenCredential): TableAccess {
  if (options.storage) return options.storage.access;
  switch (config.storage.kind) {
    case 'connectionString': return { kind: 'connectionString', connectionString: config.storage.connectionString };
    case 'accountUrl': return { kind: 'accountUrl', url: config.storage.url, credential };
    case 'embedded':
      throw new Error('No Table Storage is configured, and the embedded Azurite is started by the local launcher only: run "npm start", or set AZURE_TABLES_CONNECTION_STRING (UseDevelopmentStorage=true for an Azurite of your own) or AZURE_TABLES_ACCOUNT_URL.');
  }
}

async function openTables(config: Config, access: TableAccess, ca: string | Buffer | undefined, metrics: Metrics): Promise<Tables> {
  const tables = new Tables(access, config.storage.prefix, ca ? { ca } : undefined, metrics.policy('tables'));
  try {
    await tables.ensure(TABLES);
  } catch (err) {
    throw new Error(`Table Storage did not answer (${describeStorage(config)}): ${(err as Error).message.split('\n')[0]}. Check the connection setting and that the storage is reachable.`);
  }
  return tables;
}

/** The stores on one clock (tests move it), the order store instrumented when telemetry is on; the catalog seeded if empty. */
async function createStores(config: Config, tables: Tables, now: () => Date, telemetry: TelemetrySink | undefined, log: Logger) {
  const orderStore = new TableOrderStore(tables, { now });
  const users = new TableUserStore(tables);
  const catalogStore = new CatalogStore(tables, { cacheMs: 10_000 });
  if (await catalogStore.seedIfEmpty(loadSeedCatalog())) log.info('catalog seeded from data/');
  return {
    orders: telemetry ? instrumentOrderStore(orderStore, telemetry) : orderStore,
    grants: new TableGrantStore(tables),
    tasks: new TaskStore(tables, { now }),
    reviews: new ReviewStore(tables),
    directoryState: new DirectoryStateStore(tables),
    exportLinks: new TableExportLinkStore(tables),
    users,
    catalogStore,
    catalog: new StoreCatalogReader(catalogStore, loadScopeVariants(undefined, config.directory.kind === 'file' ? config.directory.path : undefined)),
    installs: new InstallStore(tables),
  };
}

function createMeetings(config: Config, credential: TokenCredential): GraphMeetingScheduler | undefined {
  return config.meetingInvites && config.directory.kind === 'graph'
    ? new GraphMeetingScheduler({ credential: graphCredentialFor(config, credential), baseUrl: config.directory.baseUrl }) : undefined;
}

interface TeamsConnection {
  adapter: TeamsAdapter;
  messenger: Messenger;
  /** Learns the connector URL and (locally) the tenant from an authenticated activity of our own tenant. */
  learnFrom(ctx: TurnContext): void;
}

function connectTeams(config: Config, options: StartOptions, log: Logger): TeamsConnection {
  const adapter = createAdapter(config);
  adapter.onTurnError = async (_ctx, err) => { log.error({ err: safeError(err) }, 'unhandled turn error'); };
  let serviceUrl = config.botServiceUrl;
  let seenTenant = config.tenantId ?? '';
  const currentServiceUrl = () => serviceUrl;
  const appId = config.bot.kind === 'none' ? '' : config.bot.appId;
  const messenger = options.messenger?.(adapter, currentServiceUrl)
    ?? new BotConnectorMessenger({ adapter, appId, tenantId: () => seenTenant, serviceUrl: currentServiceUrl });
  return {
    adapter,
    messenger,
    learnFrom: (ctx) => {
      const tenant = ctx.activity.conversation?.tenantId;
      if (!config.tenantId || tenant === config.tenantId) {
        if (ctx.activity.serviceUrl) serviceUrl = ctx.activity.serviceUrl;
        if (!config.tenantId && tenant) seenTenant = tenant;
      }
    },
  };
}

/** The outbox's delivery loop, on the app's clock (so a message written at a moved time is due at that time). */
function createDispatcher(deps: HandlerDeps, tables: Tables, messenger: Messenger, options: StartOptions): OutboxDispatcher {
  const { config, orders, tasks, users, directory, grants, log, now } = deps;
  const store = new OutboxStore(tables, { now });
  return new OutboxDispatcher({
    store: options.telemetry ? instrumentOutboxStore(store, options.telemetry) : store, orders, tasks, messenger, log,
    render: createRenderer({ directory, users, adminLang: config.adminLang }),
    adminChannelId: () => config.adminChannel.channelId,
    personalReference: async (userId) => ({ userId, reference: (await users.get(userId))?.conversation }),
    registerGrant: (order, line) => registerGrant({ grants, now }, order, line),
    pollMs: options.dispatcherPollMs,
    // Several orders drained at once (channel posts still one at a time, through the channel lane), so one slow
    // order or a backlog of channel cards does not hold the rest.
    concurrency: 8,
    now: () => now().getTime(),
    // Teams' 30/s per app holds for all instances together: the budget is shared through Table Storage.
    limiter: new RateLimiter(7, 30, undefined, undefined, new TableSendBudget(tables)),
  });
}

/**
 * The reports tab's built page (scripts/build-web.js → dist/web/reports/), read once: a missing bundle (a build
 * without it) leaves the tab out with a warning instead of stopping the bot.
 */
function loadReportsPage(log: Logger, dir = path.join(__dirname, '..', 'web', 'reports')): ReportsPage | undefined {
  const assets: ReportsPage['assets'] = new Map();
  for (const name of Object.keys(ASSET_TYPES)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    const body = fs.readFileSync(file);
    assets.set(name, { body, gzip: name.endsWith('.map') ? undefined : zlib.gzipSync(body), etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  if (!assets.has('app.js')) {
    log.warn({ dir }, 'the reports tab is not built (node scripts/build-web.js): /reports is not served');
    return undefined;
  }
  return { assets };
}

function createServer(teams: TeamsConnection, tables: Tables, metrics: Metrics, log: Logger, run: (ctx: TurnContext) => Promise<void>,
  registerExport: ServerOptions['registerExport'], reportsApi: ServerOptions['reportsApi'], reportsPage: ReportsPage | undefined): BotServer {
  return new BotServer({
    registerExport,
    reportsApi,
    reportsPage,
    adapter: teams.adapter,
    log,
    run: async (ctx: TurnContext) => {
      teams.learnFrom(ctx);
      await run(ctx);
    },
    // A point read in one of our own tables: allowed by "Storage Table Data Contributor" (service properties are
    // not), and a 404 proves storage answered.
    ready: async () => {
      await tables.client('counters').getEntity('health', 'ping').catch((err: unknown) => { if (!isStatus(err, 404)) throw err; });
    },
    onRequest: (ms, status) => metrics.record('request', 'messages', ms, status >= 500),
  });
}

function backgroundJobs(deps: HandlerDeps, messenger: Messenger, log: Logger): Array<{ start(): void; stop(): void }> {
  const { config, orders, now } = deps;
  const channelId = config.adminChannel.channelId;
  return [
    new SlaWatch({ deps, log, postDigest: channelId
      ? async (card) => { await messenger.postToChannel(channelId, { card }); } : undefined }),
    new HetuRetention({ orders, retentionDays: config.hetuRetentionDays, now, log }),
    new RegisterSweepJob({ deps, log }),
  ];
}

/**
 * The order matters: turns drain first (they write orders and outbox rows), then the outbox round finishes
 * and hands its lease back (so the next start delivers at once), and only then the storage closes (the
 * embedded Azurite saves to disk as it closes). Each step is bounded, so a hung connector cannot keep the
 * storage from closing.
 */
function orderedStop(parts: { server: BotServer; jobs: Array<{ stop(): void }>; metrics: Metrics; dispatcher: OutboxDispatcher;
  background?: BackgroundWork; storage?: ProvidedStorage; log: Logger }): () => Promise<void> {
  const { server, jobs, metrics, dispatcher, background, storage, log } = parts;
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      await server.drain();
      log.info('stop: in-flight turns drained');
      // Work a turn left running (a calendar call) writes its outcome to the audit: it finishes before storage closes.
      if (background && !(await bounded(background.drain(), 15_000))) log.warn('stop: background work did not finish in 15 s');
      jobs.forEach((j) => j.stop());
      metrics.stop();
      if (!(await bounded(dispatcher.stop(), 15_000))) log.warn('stop: the outbox round did not finish in 15 s; its lease expires by itself');
      else log.info('stop: outbox stopped, lease released');
      await storage?.close();
    })();
    return stopping;
  };
}

/** Waits for `p` at most `ms`; true when it settled in time. */
async function bounded(p: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([Promise.resolve(p).then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The welcome, help and instructions cards: the shipped defaults, replaced by the organisation's templates that
 * pass the checks. A broken one is named with file, line and column (log and stderr) and its default is used.
 */
function loadCardTemplates(config: Config, log: Logger): CardTemplates {
  const { templates, problems, overrides } = CardTemplates.load({ defaultsDir: defaultTemplatesDir(), orgDir: config.cardTemplatesDir, sample: sampleData(config.orgName) });
  for (const p of problems) {
    const line = `Card template ${formatProblem(p)} — the default card is used instead.`;
    log.error({ file: p.file, line: p.line, column: p.column }, line);
    process.stderr.write(`${line}\n`);
  }
  if (overrides.length) log.info({ files: overrides }, 'organisation\'s card templates in use');
  return templates;
}

function describeStorage(config: Config): string {
  switch (config.storage.kind) {
    case 'embedded': return `embedded Azurite on port ${config.storage.port}`;
    case 'connectionString': return 'AZURE_TABLES_CONNECTION_STRING';
    case 'accountUrl': return `AZURE_TABLES_ACCOUNT_URL=${config.storage.url}`;
  }
}

function createAdapter(config: Config): TeamsAdapter {
  const b = config.bot;
  if (b.kind === 'none') return new TeamsAdapter(new ReusedClientsAuthentication(new ConfigurationBotFrameworkAuthentication({})));
  const options = b.kind === 'secret'
    ? { MicrosoftAppId: b.appId, MicrosoftAppPassword: b.password, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: b.tenantId }
    : b.kind === 'certificate'
      ? { MicrosoftAppId: b.appId, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: b.tenantId,
          CertificateThumbprint: b.thumbprint, CertificatePrivateKey: fs.readFileSync(b.keyFile, 'utf8') }
      : { MicrosoftAppId: b.appId, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: b.tenantId };
  return new TeamsAdapter(new ReusedClientsAuthentication(new ConfigurationBotFrameworkAuthentication(options, new ConfigurationServiceClientCredentialFactory(options))));
}

function createDirectory(config: Config, credential: TokenCredential): Directory {
  const d = config.directory;
  if (d.kind === 'file') return FileDirectory.fromFile(d.path);
  return new GraphDirectory({ credential: graphCredentialFor(config, credential), groupIds: config.groups, baseUrl: d.baseUrl, leaveDate: d.leaveDate });
}

/** Graph's credential: the app registration's secret or certificate when configured, else the managed identity. */
function graphCredentialFor(config: Config, fallback: TokenCredential): TokenCredential {
  const d = config.directory;
  if (d.kind !== 'graph') return fallback;
  return d.clientId && (d.clientSecret || d.certificatePath)
    ? graphCredential({ tenantId: d.tenantId, clientId: d.clientId, clientSecret: d.clientSecret, certificatePath: d.certificatePath })
    : fallback;
}

async function loadKeyring(source: HetuKeySource, credential: TokenCredential) {
  if (source.kind === 'inline') return parseKeyring(source.spec, source.activeKeyId);
  const client = new SecretClient(source.vaultUrl, credential);
  const secret = await client.getSecret(source.secretName);
  if (!secret.value) throw new Error(`Key Vault secret "${source.secretName}" is empty: put the henkilötunnus keys there (see docs/DEPLOY.md).`);
  return parseKeyring(secret.value, source.activeKeyId);
}

/** DefaultAzureCredential is created only if something needs it (local mode never does). */
function lazyDefaultCredential(): TokenCredential {
  let inner: DefaultAzureCredential | undefined;
  return { getToken: (scopes, opts) => (inner ??= new DefaultAzureCredential()).getToken(scopes, opts) };
}
