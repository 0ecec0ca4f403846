/**
 * Builds the Teams app package: fills manifest/manifest.template.json and the fi/sv localisation files
 * from the environment, validates them offline against the schemas bundled in @microsoft/app-manifest,
 * and zips them with the generated icons. A wrong or missing setting throws an Error that names the
 * variable and says how to fix it.
 */
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { colorIcon, outlineIcon } from './icons';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface BuiltApp {
  manifest: JsonObject;
  /** Localisation files keyed by their file name in the package (as localizationInfo names them). */
  localizations: Record<string, JsonObject>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Host name labels only: Teams matches validDomains literally, so no scheme, port, path or wildcard. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Teams wants MAJOR.MINOR.PATCH; the schema itself only checks it is a string. */
const APP_VERSION = /^\d{1,5}\.\d{1,5}\.\d{1,5}$/;
const DEVELOPER_NAME_MAX = 32; // developer.name maxLength in the manifest schema
const PLACEHOLDER = /\{\{([A-Z0-9_]+)\}\}/g;
const COMMAND_KEY = /^bots\[0\]\.commandLists\[(\d+)\]\.commands\[(\d+)\]\.(title|description)$/;
/** Fixed zip timestamps make the same inputs give a byte-identical package. */
const ZIP_DATE = new Date('2024-01-01T00:00:00Z');

/** The folder holding package.json, found by walking up from this compiled file (dist/manifest/…). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}: run from inside the project.`);
  }
}

function readJson(file: string): JsonObject {
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} must hold a JSON object`);
  return parsed as JsonObject;
}

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function httpsUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = setting(env, name) ?? fallback;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:') {
    throw new Error(`${name}="${value}" must be an absolute https:// address (Teams shows it in the app details), e.g. ${name}=https://www.example.fi/valtuusbotti`);
  }
  return value;
}

/** Resolves every placeholder the template and the localisation files use. */
export function manifestSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const appId = setting(env, 'MICROSOFT_APP_ID');
  if (!appId) {
    throw new Error('MICROSOFT_APP_ID is not set. Set it to the Application (client) ID of the bot\'s Entra app registration (or the managed identity\'s client id with MICROSOFT_APP_TYPE=UserAssignedMSI), in .env or the environment, e.g. MICROSOFT_APP_ID=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.');
  }
  if (!GUID.test(appId)) throw new Error(`MICROSOFT_APP_ID="${appId}" is not a GUID. Copy the Application (client) ID from Azure portal → App registrations → your bot → Overview.`);
  const teamsAppId = setting(env, 'TEAMS_APP_ID') ?? appId;
  if (!GUID.test(teamsAppId)) throw new Error(`TEAMS_APP_ID="${teamsAppId}" is not a GUID. Leave it unset to reuse MICROSOFT_APP_ID, or set a GUID of your own (keep it stable: Teams identifies the app by it).`);

  const rawDomain = setting(env, 'BOT_DOMAIN');
  if (!rawDomain) throw new Error('BOT_DOMAIN is not set. Set it to the host name of the bot\'s web app, e.g. BOT_DOMAIN=valtuus-bot-abc123.azurewebsites.net (the webAppHostName output of infra/azure/main.json).');
  const domain = rawDomain.toLowerCase();
  if (!HOST_NAME.test(domain)) throw new Error(`BOT_DOMAIN="${rawDomain}" must be a host name only, e.g. valtuus-bot-abc123.azurewebsites.net: no https://, path, port or wildcard.`);

  const version = setting(env, 'APP_VERSION') ?? packageVersion();
  if (!APP_VERSION.test(version)) throw new Error(`APP_VERSION="${version}" must be MAJOR.MINOR.PATCH such as 1.0.3 (Teams compares versions when you update the app); leave it unset to use package.json's version.`);

  const names = orgNames(env);
  const developerVariable = ['ORG_NAME_EN', 'ORG_NAME_FI', 'ORG_NAME_SV'].find((n) => setting(env, n)) ?? 'ORG_NAME_EN';
  if (names.en.length > DEVELOPER_NAME_MAX) {
    throw new Error(`${developerVariable}="${names.en}" is longer than ${DEVELOPER_NAME_MAX} characters, the limit for the manifest's developer name: use a shorter form such as "City of Porvoo".`);
  }
  const website = httpsUrl(env, 'PUBLISHER_WEBSITE_URL', `https://${domain}/`);
  const tab = tabOrigin(env, domain);
  return {
    MICROSOFT_APP_ID: appId,
    TEAMS_APP_ID: teamsAppId,
    BOT_DOMAIN: domain,
    APP_VERSION: version,
    DEVELOPER_NAME: names.en,
    ORG_NAME_EN: names.en,
    ORG_NAME_FI: names.fi,
    ORG_NAME_SV: names.sv,
    PUBLISHER_WEBSITE_URL: website,
    PRIVACY_URL: httpsUrl(env, 'PRIVACY_URL', website),
    TERMS_URL: httpsUrl(env, 'TERMS_URL', website),
    PUBLIC_URL: tab.origin,
    PUBLIC_HOST: tab.host,
  };
}

/**
 * Where Teams finds the reports tab: PUBLIC_URL (the bot's public origin, as the bot itself reads it), else the
 * bot's domain. Its host names the SSO resource (api://<host>/<app id>) and must be among validDomains.
 */
function tabOrigin(env: NodeJS.ProcessEnv, domain: string): { origin: string; host: string } {
  const value = setting(env, 'PUBLIC_URL');
  if (!value) return { origin: `https://${domain}`, host: domain };
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.port || url.pathname !== '/' || url.search || url.hash || !HOST_NAME.test(url.hostname)) {
    throw new Error(`PUBLIC_URL="${value}" must be the bot's public https origin without a port or path, e.g. PUBLIC_URL=https://valtuusbotti.example.fi (Teams loads the reports tab from it), or leave it unset to use BOT_DOMAIN.`);
  }
  return { origin: url.origin, host: url.hostname };
}

/** Each language falls back to any other name given, so one ORG_NAME_FI is enough to package. */
function orgNames(env: NodeJS.ProcessEnv): { fi: string; sv: string; en: string } {
  const fi = setting(env, 'ORG_NAME_FI');
  const sv = setting(env, 'ORG_NAME_SV');
  const en = setting(env, 'ORG_NAME_EN');
  const any = en ?? fi ?? sv;
  return { fi: fi ?? any ?? 'oma organisaatiosi', sv: sv ?? any ?? 'din organisation', en: en ?? any ?? 'Your organisation' };
}

function packageVersion(): string {
  const version = readJson(path.join(projectRoot(), 'package.json')).version;
  return typeof version === 'string' ? version : '';
}

/** Settings that package fine but that a municipality should set before publishing. */
export function manifestWarnings(env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  if (!['ORG_NAME_FI', 'ORG_NAME_SV', 'ORG_NAME_EN'].some((n) => setting(env, n))) {
    warnings.push('ORG_NAME_FI / ORG_NAME_SV / ORG_NAME_EN are not set: the app says it is provided by "Your organisation".');
  }
  const fallback = setting(env, 'PUBLISHER_WEBSITE_URL') ? 'PUBLISHER_WEBSITE_URL' : 'the bot\'s own domain';
  const pages = { PRIVACY_URL: 'your privacy notice (tietosuojaseloste)', TERMS_URL: 'your terms of use' };
  for (const [name, page] of Object.entries(pages)) {
    if (!setting(env, name)) warnings.push(`${name} is not set: Teams links to ${fallback} instead; publish ${page} and set ${name}.`);
  }
  return warnings;
}

function fill(value: JsonValue, values: Record<string, string>, source: string): JsonValue {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, name: string) => {
      const replacement = values[name];
      if (replacement === undefined) throw new Error(`${source} uses {{${name}}} but the manifest builder has no value for it.`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, values, source));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, values, source)]));
  }
  return value;
}

function objectAt(value: JsonValue | undefined, where: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} must be an object`);
  return value;
}

function arrayAt(value: JsonValue | undefined, where: string): JsonValue[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be an array`);
  return value;
}

/** Number of commands in each bot command list: what the localisation files must translate. */
function commandCounts(manifest: JsonObject): number[] {
  const bots = arrayAt(manifest.bots, 'bots');
  const lists = arrayAt(objectAt(bots[0], 'bots[0]').commandLists, 'bots[0].commandLists');
  return lists.map((list, i) => arrayAt(objectAt(list, `commandLists[${i}]`).commands, `commandLists[${i}].commands`).length);
}

/** A missing translation would silently show the English command in a Finnish Teams: fail instead. */
function checkCommandCoverage(file: string, localization: JsonObject, counts: number[]): void {
  for (const [list, count] of counts.entries()) {
    for (let command = 0; command < count; command++) {
      const key = `bots[0].commandLists[${list}].commands[${command}].title`;
      if (typeof localization[key] !== 'string') throw new Error(`manifest/${file} has no "${key}": translate every bot command.`);
    }
  }
  for (const key of Object.keys(localization)) {
    const match = COMMAND_KEY.exec(key);
    if (match && !(Number(match[2]) < (counts[Number(match[1])] ?? 0))) {
      throw new Error(`manifest/${file} has "${key}" but the manifest has no such command.`);
    }
  }
}

/** Fills the template and the localisation files from `env`. */
export function buildManifest(env: NodeJS.ProcessEnv): BuiltApp {
  const values = manifestSettings(env);
  const dir = path.join(projectRoot(), 'manifest');
  const manifest = objectAt(fill(readJson(path.join(dir, 'manifest.template.json')), values, 'manifest/manifest.template.json'), 'manifest');
  // The tab's host may differ from the bot's (a custom domain in front of the web app): Teams loads only valid domains.
  const domains = arrayAt(manifest.validDomains, 'validDomains');
  if (!domains.includes(values.PUBLIC_HOST)) domains.push(values.PUBLIC_HOST);
  const counts = commandCounts(manifest);
  const languages = arrayAt(objectAt(manifest.localizationInfo, 'localizationInfo').additionalLanguages, 'localizationInfo.additionalLanguages');
  const localizations: Record<string, JsonObject> = {};
  for (const [i, language] of languages.entries()) {
    const file = objectAt(language, `additionalLanguages[${i}]`).file;
    if (typeof file !== 'string' || path.basename(file) !== file) throw new Error(`localizationInfo.additionalLanguages[${i}].file must be a file name at the package root`);
    const localization = objectAt(fill(readJson(path.join(dir, file)), values, `manifest/${file}`), file);
    checkCommandCoverage(file, localization, counts);
    localizations[file] = localization;
  }
  return { manifest, localizations };
}

/** Accepts only schema URLs that @microsoft/app-manifest bundles, so validation never goes online. */
function bundledSchemaUrl(value: JsonValue | undefined, where: string): string {
  const match = typeof value === 'string' ? /\/json-schemas\/teams\/(v[0-9.]+)\/([A-Za-z.]+\.json)$/.exec(value) : null;
  if (!match) throw new Error(`${where} has no Teams $schema URL`);
  const file = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams', match[1], match[2]);
  if (!fs.existsSync(file)) throw new Error(`${where}: schema ${match[1]}/${match[2]} is not bundled with @microsoft/app-manifest, so it cannot be validated offline; pick a bundled version.`);
  return value as string;
}

type Schema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

/**
 * The bundled localisation schemas (v1.20–v1.30) hold patterns such as `…\b]\.description$`: a lone `]` is
 * fine in a plain RegExp but ajv compiles with the `u` flag, which rejects it ("Lone quantifier brackets").
 * Escaping a `]` that closes no character class keeps the meaning and lets the schema compile.
 */
export function escapeLoneBrackets(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if (ch === ']' && !inClass) {
      out += '\\]';
    } else {
      if (ch === '[') inClass = true;
      if (ch === ']') inClass = false;
      out += ch;
    }
  }
  return out;
}

function unicodeSafeSchema(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(unicodeSafeSchema);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => {
    if (key === 'patternProperties' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      return [key, Object.fromEntries(Object.entries(child).map(([p, s]) => [escapeLoneBrackets(p), unicodeSafeSchema(s)]))];
    }
    if (key === 'pattern' && typeof child === 'string') return [key, escapeLoneBrackets(child)];
    return [key, unicodeSafeSchema(child)];
  }));
}

/** Schema errors of the manifest and of every localisation file, each prefixed with its file; [] when valid. */
export async function validateApp(app: BuiltApp): Promise<string[]> {
  bundledSchemaUrl(app.manifest.$schema, 'manifest.json');
  const problems = (await AppManifestUtils.validateAgainstSchema(app.manifest as unknown as AppManifest)).map((p) => `manifest.json: ${p}`);
  for (const [file, localization] of Object.entries(app.localizations)) {
    const bundled = await AppManifestUtils.fetchSchema(bundledSchemaUrl(localization.$schema, file));
    const schema = unicodeSafeSchema(bundled as unknown as JsonValue) as unknown as Schema;
    const errors = await AppManifestUtils.validateAgainstSchema(localization as unknown as AppManifest, schema);
    problems.push(...errors.map((p) => `${file}: ${p}`));
  }
  return problems;
}

/** Builds, validates and writes the Teams app zip; returns the entry names. */
export async function packageApp(env: NodeJS.ProcessEnv, outFile: string): Promise<string[]> {
  const app = buildManifest(env);
  const problems = await validateApp(app);
  if (problems.length) throw new Error(`The Teams manifest does not match its schema:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const files: [string, string | Buffer][] = [
    ['manifest.json', JSON.stringify(app.manifest, null, 2)],
    ['color.png', colorIcon()],
    ['outline.png', outlineIcon()],
    ...Object.entries(app.localizations).map(([file, json]): [string, string] => [file, JSON.stringify(json, null, 2)]),
  ];
  const zip = new JSZip();
  for (const [name, content] of files) zip.file(name, content, { date: ZIP_DATE });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, bytes);
  return files.map(([name]) => name);
}
