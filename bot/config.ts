/**
 * Environment → one typed, validated Config. A wrong or missing setting fails at start with a message that
 * names the variable and says how to fix it. No secret value is ever echoed in a message.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Mode = 'local' | 'production';
export type BotAuth =
  | { kind: 'none' }
  | { kind: 'secret'; appId: string; tenantId: string; password: string }
  | { kind: 'certificate'; appId: string; tenantId: string; thumbprint: string; keyFile: string }
  | { kind: 'managedIdentity'; appId: string; tenantId: string };

export type StorageConfig =
  | { kind: 'connectionString'; connectionString: string; prefix: string }
  | { kind: 'accountUrl'; url: string; prefix: string }
  | { kind: 'embedded'; port: number; location: string; prefix: string };

export type DirectoryConfig =
  | { kind: 'file'; path: string }
  | { kind: 'graph'; tenantId: string; clientId?: string; clientSecret?: string; certificatePath?: string;
      baseUrl?: string;
      /** DIRECTORY_LEAVE_DATE: the users delta also reads employeeLeaveDateTime (needs User-LifeCycleInfo.Read.All). */
      leaveDate?: boolean };

export type HetuKeySource =
  | { kind: 'inline'; spec: string; activeKeyId?: string }
  | { kind: 'keyVault'; vaultUrl: string; secretName: string; activeKeyId?: string };

export interface Config {
  mode: Mode;
  host: string;
  port: number;
  bot: BotAuth;
  /**
   * The Entra tenant activities must come from: MICROSOFT_APP_TENANT_ID, or in local mode without it the local
   * client's (the Agents Playground's, LOCAL_CLIENT_TENANT_ID). Undefined never happens in either mode.
   */
  tenantId?: string;
  storage: StorageConfig;
  directory: DirectoryConfig;
  groups: { administrators: string; signatories: string };
  /** The administrators' channel: configured ids; locally the Playground team's channel. */
  adminChannel: { teamId?: string; channelId?: string; name: string };
  hetuKeys: HetuKeySource;
  /** Local mode accepts DVV's published test codes (temporary range); production never does. */
  acceptTestHetus: boolean;
  managerApproval: boolean;
  /** Administrators may process their own orders (audited, marked on the card); also on when there is only one administrator. */
  allowSelfProcessing: boolean;
  /** Review-meeting invitations also create a Teams meeting in the inviting administrator's calendar (Graph). */
  meetingInvites: boolean;
  /** Use the Teams client's locale for the language (the Agents Playground always says en-US, so local mode does not). */
  trustClientLocale: boolean;
  /** Connector URL for proactive messages before any activity has told it (Teams public cloud default). */
  botServiceUrl: string;
  /** The organisation's name (the assignor in Suomi.fi), in each language. */
  orgName: { fi: string; sv: string; en: string };
  /** Language of the administrators' channel cards. */
  adminLang: 'fi' | 'sv' | 'en';
  maxValidityYears: number;
  /** Days after which any henkilötunnus still stored is purged by the retention job. */
  hetuRetentionDays: number;
  logLevel: string;
  appInsightsConnectionString?: string;
  dataDir: string;
  /** The organisation's own card templates (welcome, help, instructions): <name>.<lang>.json; unset = the shipped ones. */
  cardTemplatesDir?: string;
  register: RegisterConfig;
  /** Teams single sign-on of the reports tab (production only; local mode serves the tab without a token). */
  sso?: SsoConfig;
}

/**
 * Whose tokens the reports tab accepts: signed by the tenant's keys, issued by the tenant, for this app (its
 * `webApplicationInfo.resource` or its id). SSO_JWKS_URL overrides the keys' address (sovereign clouds, tests).
 */
export interface SsoConfig {
  tenantId: string;
  jwksUrl: string;
  issuers: string[];
  audiences: string[];
}

/** The register's daily work: when renewal reminders go out, how often managers review, how soon tasks are reminded. */
export interface RegisterConfig {
  /** Days before an entry's end its holder and manager are reminded, largest first (RENEWAL_LEAD_DAYS, default 30,7). */
  renewalLeadDays: number[];
  /** The same for a theme the organisation does not hold (a DVV application first: 4–6 weeks; default 60,30). */
  renewalLeadDaysMissing: number[];
  /** Months between reviews of one person's mandates by their manager (REVIEW_MONTHS, default 12; 0 = no reviews). */
  reviewMonths: number;
  /** Working days a manager has to answer a review before the reminder (REVIEW_ANSWER_WORKDAYS, default 10). */
  reviewAnswerWorkdays: number;
  /** Working days after a revocation task's due day before it is reminded (REVOCATION_REMINDER_WORKDAYS, default 1). */
  revocationReminderWorkdays: number;
  /** Helsinki hour after which the day's sweep runs (REGISTER_SWEEP_HOUR, default 7). */
  sweepHour: number;
  /** The bot's public origin for the administrators' CSV download links (PUBLIC_URL); undefined = the local server. */
  publicUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A fixed, documented development key for local mode only (never used when MICROSOFT_APP_ID is set). */
/**
 * The tenant the local Teams client (the Microsoft 365 Agents Playground, .m365agentsplayground.yml written by
 * infra/local/playgroundConfig.ts) puts in every activity. Local mode answers this tenant only.
 */
export const LOCAL_CLIENT_TENANT_ID = '00000000-0000-4000-8000-000000000001';

export const LOCAL_DEV_HETU_KEYS = 'local-dev:' + Buffer.alloc(32, 7).toString('base64');

/** Finds the project root (the folder holding package.json) from a compiled file's location. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(file = path.join(process.cwd(), '.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const settings = readerOf(env);
  const { get, int, bool, guid, problems } = settings;
  const root = projectRoot();
  const appId = get('MICROSOFT_APP_ID');
  const mode: Mode = appId ? 'production' : 'local';
  const tenantId = get('MICROSOFT_APP_TENANT_ID');
  guid('MICROSOFT_APP_ID', appId);
  guid('MICROSOFT_APP_TENANT_ID', tenantId);
  const bot = botAuth(settings, appId, tenantId);
  const storage = storageConfig(settings, mode, root);
  const directory = directoryConfig(settings, mode, tenantId, root);
  const groups = groupIds(settings, directory);
  const channel = adminChannel(settings, mode);
  const hetuKeys = hetuKeySource(settings, mode);
  const host = listenHost(settings, mode);
  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) problems.push(`LOG_LEVEL="${logLevel}" must be one of fatal, error, warn, info, debug, trace, silent.`);

  const config: Config = {
    mode,
    host,
    port: int('PORT', 3978, 1, 65535),
    bot,
    tenantId: tenantId ?? (mode === 'local' ? LOCAL_CLIENT_TENANT_ID : undefined),
    storage,
    directory,
    groups,
    adminChannel: channel,
    hetuKeys,
    acceptTestHetus: mode === 'local' && bool('ACCEPT_TEST_HETUS', true),
    managerApproval: bool('MANAGER_APPROVAL', false),
    allowSelfProcessing: bool('ALLOW_SELF_PROCESSING', false),
    meetingInvites: meetingInvites(settings, directory),
    trustClientLocale: bool('TRUST_CLIENT_LOCALE', mode === 'production'),
    botServiceUrl: get('BOT_SERVICE_URL') ?? 'https://smba.trafficmanager.net/teams/',
    adminLang: adminLang(settings, get('ADMIN_LANG')),
    orgName: orgName(settings, mode),
    maxValidityYears: int('MAX_VALIDITY_YEARS', 5, 1, 10),
    hetuRetentionDays: int('HETU_RETENTION_DAYS', 90, 1, 3650),
    logLevel,
    appInsightsConnectionString: appInsights(settings, get('APPLICATIONINSIGHTS_CONNECTION_STRING')),
    dataDir: path.join(root, 'data'),
    cardTemplatesDir: cardTemplatesDir(settings, get('CARD_TEMPLATES_DIR')),
    register: registerConfig(settings),
    sso: ssoConfig(settings, appId, tenantId),
  };
  if (get('BOT_SERVICE_URL') && !/^https?:\/\/\S+$/.test(get('BOT_SERVICE_URL') ?? '')) problems.push('BOT_SERVICE_URL must be a URL.');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function registerConfig(settings: SettingsReader): RegisterConfig {
  const { get, int, problems } = settings;
  return {
    renewalLeadDays: leadDays(problems, 'RENEWAL_LEAD_DAYS', get('RENEWAL_LEAD_DAYS'), [30, 7]),
    renewalLeadDaysMissing: leadDays(problems, 'RENEWAL_LEAD_DAYS_MISSING', get('RENEWAL_LEAD_DAYS_MISSING'), [60, 30]),
    reviewMonths: int('REVIEW_MONTHS', 12, 0, 60),
    reviewAnswerWorkdays: int('REVIEW_ANSWER_WORKDAYS', 10, 1, 60),
    revocationReminderWorkdays: int('REVOCATION_REMINDER_WORKDAYS', 1, 1, 30),
    sweepHour: int('REGISTER_SWEEP_HOUR', 7, 0, 23),
    publicUrl: publicUrl(problems, get('PUBLIC_URL')),
  };
}

function ssoConfig({ get, problems }: SettingsReader, appId: string | undefined, tenantId: string | undefined): SsoConfig | undefined {
  if (!appId || !tenantId) return undefined;
  const jwksUrl = get('SSO_JWKS_URL') ?? `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;
  // Plain http only to this machine (a test's key server): the keys decide whom the tab trusts.
  if (!/^https:\/\/\S+$/.test(jwksUrl) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S*$/.test(jwksUrl)) {
    problems.push(`SSO_JWKS_URL="${jwksUrl}" must be an https:// URL of the tenant's signing keys (e.g. https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys).`);
  }
  const host = get('PUBLIC_URL')?.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return {
    tenantId,
    jwksUrl,
    issuers: [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`],
    audiences: [...(host ? [`api://${host}/${appId}`] : []), appId],
  };
}

/** The bot's public https origin (the administrators' CSV links point there); unset = the local server's address. */
function publicUrl(problems: string[], raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^\s/]+\/?$/.test(raw)) problems.push(`PUBLIC_URL="${raw}" must be an origin such as https://valtuusbotti.example.fi`);
  return raw.replace(/\/+$/, '');
}

/** A comma-separated list of 1–5 day counts from 1 to 365 (e.g. "30,7"), largest first. */
function leadDays(problems: string[], name: string, raw: string | undefined, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  const days = raw.split(',').map((x) => Number(x.trim()));
  if (days.length > 5 || days.some((d) => !Number.isInteger(d) || d < 1 || d > 365) || new Set(days).size !== days.length) {
    problems.push(`${name}="${raw}" must be one to five different whole numbers of days from 1 to 365, separated by commas (e.g. 30,7).`);
    return fallback;
  }
  return days.sort((a, b) => b - a);
}

/** Reads one environment's settings, collecting every problem, so a start reports them all at once. */
interface SettingsReader {
  problems: string[];
  get(name: string): string | undefined;
  int(name: string, fallback: number, min: number, max: number): number;
  bool(name: string, fallback: boolean): boolean;
  guid(name: string, value: string | undefined): void;
}

function readerOf(env: NodeJS.ProcessEnv): SettingsReader {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    problems.push(`${name}="${raw}" must be true or false.`);
    return fallback;
  };
  const guid = (name: string, value: string | undefined): void => {
    if (value !== undefined && !GUID.test(value)) problems.push(`${name} must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) as shown in the Azure portal.`);
  };
  return { problems, get, int, bool, guid };
}

/** How the bot authenticates to the Bot Framework: none locally, else a secret, a certificate or a managed identity. */
function botAuth({ get, problems }: SettingsReader, appId: string | undefined, tenantId: string | undefined): BotAuth {
  if (!appId) return { kind: 'none' };
  if (!tenantId) problems.push('MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_ID is set (single-tenant bot): your Entra tenant id.');
  const type = (get('MICROSOFT_APP_TYPE') ?? 'SingleTenant');
  const password = get('MICROSOFT_APP_PASSWORD');
  const thumbprint = get('MICROSOFT_APP_CERT_THUMBPRINT');
  const keyFile = get('MICROSOFT_APP_CERT_KEY_FILE');
  if (type === 'UserAssignedMSI') return { kind: 'managedIdentity', appId, tenantId: tenantId ?? '' };
  if (type !== 'SingleTenant') {
    problems.push(`MICROSOFT_APP_TYPE="${type}" must be SingleTenant or UserAssignedMSI (multi-tenant bots are not supported).`);
    return { kind: 'none' };
  }
  if (password) return { kind: 'secret', appId, tenantId: tenantId ?? '', password };
  if (thumbprint && keyFile) {
    if (!fs.existsSync(keyFile)) problems.push(`MICROSOFT_APP_CERT_KEY_FILE points to a file that does not exist: ${keyFile}`);
    return { kind: 'certificate', appId, tenantId: tenantId ?? '', thumbprint, keyFile };
  }
  problems.push('MICROSOFT_APP_ID is set but there is no credential: set MICROSOFT_APP_PASSWORD (client secret), or MICROSOFT_APP_CERT_THUMBPRINT with MICROSOFT_APP_CERT_KEY_FILE, or MICROSOFT_APP_TYPE=UserAssignedMSI for a managed identity.');
  return { kind: 'none' };
}

/** Table Storage: a connection string, an account URL (managed identity), or locally the embedded Azurite. */
function storageConfig({ get, int, problems }: SettingsReader, mode: Mode, root: string): StorageConfig {
  const prefix = get('TABLE_PREFIX') ?? '';
  if (!/^[A-Za-z][A-Za-z0-9]{0,20}$|^$/.test(prefix)) problems.push(`TABLE_PREFIX="${prefix}" must start with a letter and hold only letters and digits (at most 21).`);
  const connectionString = get('AZURE_TABLES_CONNECTION_STRING');
  const accountUrl = get('AZURE_TABLES_ACCOUNT_URL');
  if (connectionString && accountUrl) {
    problems.push('Set either AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ACCOUNT_URL, not both.');
    return { kind: 'accountUrl', url: accountUrl, prefix };
  }
  if (connectionString) {
    const problem = connectionStringProblem(connectionString);
    if (problem) problems.push(`AZURE_TABLES_CONNECTION_STRING is malformed: ${problem}. Copy it from the storage account's "Access keys" page, or use "UseDevelopmentStorage=true" for Azurite.`);
    return { kind: 'connectionString', connectionString, prefix };
  }
  if (accountUrl) {
    if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(accountUrl)) problems.push(`AZURE_TABLES_ACCOUNT_URL="${accountUrl}" must be a URL such as https://<account>.table.core.windows.net`);
    else if (mode === 'production' && !accountUrl.startsWith('https://')) problems.push('AZURE_TABLES_ACCOUNT_URL must use https:// in production.');
    return { kind: 'accountUrl', url: accountUrl.replace(/\/+$/, ''), prefix };
  }
  if (mode === 'production') problems.push('Production needs Table Storage: set AZURE_TABLES_ACCOUNT_URL (managed identity) or AZURE_TABLES_CONNECTION_STRING.');
  return { kind: 'embedded', port: int('AZURITE_PORT', 10002, 1, 65535), location: path.join(path.resolve(root, get('LOCAL_DATA_DIR') ?? '.data'), 'azurite'), prefix };
}

/** Where people come from: the sample organisation's file, or Microsoft Graph. */
function directoryConfig({ get, guid, bool, problems }: SettingsReader, mode: Mode, tenantId: string | undefined, root: string): DirectoryConfig {
  const directoryKind = get('DIRECTORY') ?? (mode === 'production' ? 'graph' : 'file');
  if (directoryKind === 'file') {
    const file = get('DIRECTORY_FILE') ?? path.join(root, 'data', 'sample-org.json');
    if (!fs.existsSync(file)) problems.push(`DIRECTORY_FILE points to a file that does not exist: ${file}`);
    return { kind: 'file', path: file };
  }
  if (directoryKind === 'graph') {
    const graphTenant = get('GRAPH_TENANT_ID') ?? tenantId;
    if (!graphTenant) problems.push('DIRECTORY=graph needs GRAPH_TENANT_ID (or MICROSOFT_APP_TENANT_ID).');
    guid('GRAPH_TENANT_ID', get('GRAPH_TENANT_ID'));
    guid('GRAPH_CLIENT_ID', get('GRAPH_CLIENT_ID'));
    const directory: DirectoryConfig = { kind: 'graph', tenantId: graphTenant ?? '', clientId: get('GRAPH_CLIENT_ID'), clientSecret: get('GRAPH_CLIENT_SECRET'),
      certificatePath: get('GRAPH_CERTIFICATE_PATH'), baseUrl: get('GRAPH_BASE_URL'), leaveDate: bool('DIRECTORY_LEAVE_DATE', false) };
    if (get('GRAPH_CLIENT_SECRET') && !get('GRAPH_CLIENT_ID')) problems.push('GRAPH_CLIENT_SECRET is set without GRAPH_CLIENT_ID.');
    return directory;
  }
  problems.push(`DIRECTORY="${directoryKind}" must be "file" (sample organisation) or "graph" (Microsoft Graph).`);
  return { kind: 'file', path: '' };
}

/** The Entra groups of administrators and signatories (the sample organisation's names with the file directory). */
function groupIds({ get, guid, problems }: SettingsReader, directory: DirectoryConfig): Config['groups'] {
  const adminGroup = get('ADMIN_GROUP_ID');
  const signatoryGroup = get('SIGNATORY_GROUP_ID');
  if (directory.kind === 'graph') {
    if (!adminGroup) problems.push('ADMIN_GROUP_ID is required with DIRECTORY=graph: the object id of the Entra group of mandate administrators.');
    if (!signatoryGroup) problems.push('SIGNATORY_GROUP_ID is required with DIRECTORY=graph: the object id of the Entra group of authorised signatories.');
    guid('ADMIN_GROUP_ID', adminGroup);
    guid('SIGNATORY_GROUP_ID', signatoryGroup);
  }
  return { administrators: adminGroup ?? 'mandateAdministrators', signatories: signatoryGroup ?? 'signatories' };
}

function adminChannel({ get, problems }: SettingsReader, mode: Mode): Config['adminChannel'] {
  const teamId = get('ADMIN_TEAM_ID');
  const channelId = get('ADMIN_CHANNEL_ID');
  if (mode === 'production' && !channelId) problems.push('ADMIN_CHANNEL_ID is required in production: the id of the administrators\' channel (see docs/DEPLOY.md, "Find the channel id").');
  return { teamId, channelId, name: get('ADMIN_CHANNEL_NAME') ?? 'Tilaukset' };
}

/** The henkilötunnus keys: Key Vault, inline, or locally the fixed development key. */
function hetuKeySource({ get, problems }: SettingsReader, mode: Mode): HetuKeySource {
  const vaultUrl = get('KEY_VAULT_URL');
  const inlineKeys = get('HETU_KEYS');
  if (vaultUrl) {
    if (!/^https:\/\/[^\s/]+\/?$/.test(vaultUrl)) problems.push(`KEY_VAULT_URL="${vaultUrl}" must look like https://<vault>.vault.azure.net/`);
    return { kind: 'keyVault', vaultUrl, secretName: get('HETU_KEY_SECRET_NAME') ?? 'hetu-keys', activeKeyId: get('HETU_ACTIVE_KEY_ID') };
  }
  if (inlineKeys) return { kind: 'inline', spec: inlineKeys, activeKeyId: get('HETU_ACTIVE_KEY_ID') };
  if (mode === 'production') problems.push('Production needs the henkilötunnus encryption key: set KEY_VAULT_URL (and HETU_KEY_SECRET_NAME), or HETU_KEYS.');
  return { kind: 'inline', spec: LOCAL_DEV_HETU_KEYS };
}

function listenHost({ get, problems }: SettingsReader, mode: Mode): string {
  const host = get('HOST') ?? '127.0.0.1';
  if (mode === 'local' && host !== '127.0.0.1' && host !== 'localhost') {
    problems.push(`HOST="${host}" is not allowed in local mode (no MICROSOFT_APP_ID): an unauthenticated bot must listen on 127.0.0.1 only.`);
  }
  return host;
}

function appInsights({ problems }: SettingsReader, value: string | undefined): string | undefined {
  const problem = value === undefined ? undefined : appInsightsProblem(value);
  if (problem) problems.push(`APPLICATIONINSIGHTS_CONNECTION_STRING is not valid (${problem}): copy the connection string from the Application Insights resource's overview page.`);
  return value;
}

function cardTemplatesDir({ problems }: SettingsReader, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const dir = path.resolve(raw);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) problems.push(`CARD_TEMPLATES_DIR points to a folder that does not exist: ${dir} (it holds welcome.fi.json, help.sv.json, … — see README "The organisation's own words").`);
  return dir;
}

function meetingInvites({ bool, problems }: SettingsReader, directory: DirectoryConfig): boolean {
  const on = bool('MEETING_INVITES', false);
  if (on && directory.kind !== 'graph') problems.push('MEETING_INVITES=true needs DIRECTORY=graph (meetings are created through Microsoft Graph, permission Calendars.ReadWrite).');
  return on;
}

function orgName({ get, problems }: SettingsReader, mode: Mode): Config['orgName'] {
  const fi = get('ORG_NAME_FI') ?? (mode === 'local' ? 'Porvoon kaupunki' : undefined);
  if (!fi) problems.push('ORG_NAME_FI is required in production: the organisation\'s name as it appears in Suomi.fi (e.g. "Porvoon kaupunki").');
  const sv = get('ORG_NAME_SV') ?? (mode === 'local' ? 'Borgå stad' : fi);
  const en = get('ORG_NAME_EN') ?? (mode === 'local' ? 'City of Porvoo' : fi);
  return { fi: fi ?? '', sv: sv ?? '', en: en ?? '' };
}

function adminLang({ problems }: SettingsReader, raw: string | undefined): 'fi' | 'sv' | 'en' {
  if (raw === undefined) return 'fi';
  if (raw === 'fi' || raw === 'sv' || raw === 'en') return raw;
  problems.push(`ADMIN_LANG="${raw}" must be fi, sv or en.`);
  return 'fi';
}

/** Why a Table Storage connection string cannot work, or undefined when it looks right. */
export function connectionStringProblem(value: string): string | undefined {
  if (/^UseDevelopmentStorage=true;?$/i.test(value)) return undefined;
  const parts = new Map<string, string>();
  for (const piece of value.split(';').filter((p) => p.trim() !== '')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) return `"${piece.slice(0, 20)}…" is not a Key=Value pair`;
    parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  if (parts.has('sharedaccesssignature')) {
    return parts.has('tableendpoint') ? undefined : 'a SharedAccessSignature needs a TableEndpoint';
  }
  if (!parts.get('accountname')) return 'AccountName is missing';
  const key = parts.get('accountkey');
  if (!key) return 'AccountKey is missing';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return 'AccountKey is not base64';
  const endpoint = parts.get('tableendpoint');
  if (endpoint && !/^https?:\/\/\S+$/.test(endpoint)) return 'TableEndpoint is not a URL';
  if (!endpoint && !parts.get('endpointsuffix') && !parts.get('defaultendpointsprotocol')) return 'TableEndpoint (or DefaultEndpointsProtocol) is missing';
  return undefined;
}

/** Why an Application Insights connection string cannot work, or undefined when it looks right (never echoes it). */
export function appInsightsProblem(value: string): string | undefined {
  const parts = new Map<string, string>();
  for (const piece of value.split(';').filter((p) => p.trim() !== '')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) return 'it is not a list of Key=Value pairs separated by ";"';
    parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  const key = parts.get('instrumentationkey');
  if (!key) return 'InstrumentationKey is missing';
  if (!GUID.test(key)) return 'InstrumentationKey is not a GUID';
  for (const name of ['IngestionEndpoint', 'LiveEndpoint']) {
    const url = parts.get(name.toLowerCase());
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) return `${name} is not a URL`;
  }
  return undefined;
}
