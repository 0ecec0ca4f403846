import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { projectRoot } from '../../manifest/build';
import { createLogger } from '../../bot/log';
import { HetuRetention } from '../../bot/services/hetuRetention';
import type { OrderStore } from '../../bot/store/orderStore';

/*
 * The ARM template cannot be deployed here, so these tests read it as data: the security settings a
 * municipality relies on, and the references ARM would only check at deployment time (a typo in a
 * parameter name or a dependsOn otherwise surfaces as a failed deployment in the customer's tenant).
 * Every check is a function returning problems, so the last tests can prove each one catches a careless edit.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Template {
  parameters: Record<string, JsonObject>;
  variables: Record<string, Json>;
  resources: JsonObject[];
  outputs: Record<string, JsonObject>;
}

const TEMPLATE_FILE = path.join(projectRoot(), 'infra', 'azure', 'main.json');
const PARAMETERS_FILE = path.join(projectRoot(), 'infra', 'azure', 'main.parameters.example.json');

function loadTemplate(): Template {
  return JSON.parse(fs.readFileSync(TEMPLATE_FILE, 'utf8')) as Template;
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a property path, or undefined when any step is missing. */
function at(value: Json | undefined, ...keys: string[]): Json | undefined {
  let current = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return current;
}

// ---- a parser for the ARM expression language (enough for this template) --------------------------------

type Expr =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: Expr[]; access: string[] };

function parseExpression(text: string): Expr {
  let i = 0;
  const skip = (): void => {
    while (text[i] === ' ') i++;
  };
  const expect = (ch: string): void => {
    skip();
    if (text[i] !== ch) throw new Error(`expected "${ch}" at ${i} in ${text}`);
    i++;
  };
  const parse = (): Expr => {
    skip();
    if (text[i] === "'") {
      let value = '';
      for (i++; ; i++) {
        if (i >= text.length) throw new Error(`unterminated string in ${text}`);
        if (text[i] === "'" && text[i + 1] === "'") value += text[i++];
        else if (text[i] === "'") break;
        else value += text[i];
      }
      i++;
      return { kind: 'string', value };
    }
    const number = /^-?\d+/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(text.slice(i));
    if (!name) throw new Error(`unexpected "${text[i]}" at ${i} in ${text}`);
    i += name[0].length;
    expect('(');
    const args: Expr[] = [];
    skip();
    if (text[i] !== ')') {
      args.push(parse());
      for (skip(); text[i] === ','; skip()) {
        i++;
        args.push(parse());
      }
    }
    expect(')');
    const access: string[] = [];
    for (;;) {
      const property = /^\.([A-Za-z][A-Za-z0-9]*)/.exec(text.slice(i));
      if (!property) break;
      access.push(property[1]);
      i += property[0].length;
    }
    return { kind: 'call', name: name[0], args, access };
  };
  const expr = parse();
  skip();
  if (i !== text.length) throw new Error(`trailing text at ${i} in ${text}`);
  return expr;
}

function print(expr: Expr): string {
  if (expr.kind === 'string') return `'${expr.value.replace(/'/g, "''")}'`;
  if (expr.kind === 'number') return String(expr.value);
  return `${expr.name}(${expr.args.map(print).join(', ')})${expr.access.map((a) => `.${a}`).join('')}`;
}

/** The expression inside "[…]", or undefined for a literal ("[[" escapes a literal bracket). */
function expressionOf(value: string): Expr | undefined {
  return value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']') ? parseExpression(value.slice(1, -1)) : undefined;
}

function calls(expr: Expr, out: Extract<Expr, { kind: 'call' }>[] = []): Extract<Expr, { kind: 'call' }>[] {
  if (expr.kind === 'call') {
    out.push(expr);
    for (const arg of expr.args) calls(arg, out);
  }
  return out;
}

/** Every expression in a JSON value, property names included (userAssignedIdentities keys are expressions). */
function expressionsIn(value: Json | undefined): Expr[] {
  if (typeof value === 'string') {
    const expr = expressionOf(value);
    return expr ? [expr] : [];
  }
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => [...expressionsIn(k), ...expressionsIn(v)]);
  return [];
}

function callsIn(value: Json | undefined): Extract<Expr, { kind: 'call' }>[] {
  return expressionsIn(value).flatMap((e) => calls(e));
}

// ---- an evaluator for the same subset: what a setting becomes for given parameter values -------------------

/**
 * Evaluates expressions the way ARM would for the functions whose result matters to a security setting (if,
 * equals, createArray, map, format, …). Functions that need Azure (resourceId, reference, uniqueString, …) stay as
 * their printed text between ⟨⟩, so a value can still be compared with the resource it must name.
 */
type Bindings = { parameters: Record<string, Json>; lambdas: Record<string, Json> };

const AZURE_CLOUD = { suffixes: { storage: 'core.windows.net', keyvaultDns: '.vault.azure.net' } };

function evaluate(t: Template, expr: Expr, b: Bindings): Json {
  if (expr.kind !== 'call') return expr.value;
  const arg = (i: number): Json => evaluate(t, expr.args[i], b);
  const all = (): Json[] => expr.args.map((_a, i) => arg(i));
  let value: Json;
  switch (expr.name) {
    case 'parameters': value = b.parameters[String(arg(0))] ?? null; break;
    case 'variables': value = evaluateJson(t, t.variables[String(arg(0))] ?? null, b); break;
    case 'if': value = arg(0) === true ? arg(1) : arg(2); break;
    case 'equals': value = JSON.stringify(arg(0)) === JSON.stringify(arg(1)); break;
    case 'not': value = arg(0) !== true; break;
    case 'and': value = all().every((v) => v === true); break;
    case 'or': value = all().some((v) => v === true); break;
    case 'empty': { const v = arg(0); value = v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0); break; }
    case 'true': value = true; break;
    case 'false': value = false; break;
    case 'string': value = String(arg(0)); break;
    case 'toLower': value = String(arg(0)).toLowerCase(); break;
    case 'concat': value = all().map(String).join(''); break;
    case 'format': { const [f, ...rest] = all(); value = String(f).replace(/\{(\d+)\}/g, (_m, n: string) => String(rest[Number(n)])); break; }
    case 'createArray': value = all(); break;
    case 'createObject': { const a = all(); value = Object.fromEntries(a.flatMap((k, i) => (i % 2 === 0 ? [[String(k), a[i + 1]]] : []))); break; }
    case 'json': value = JSON.parse(String(arg(0))) as Json; break;
    case 'length': { const v = arg(0); value = Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys(v ?? {}).length; break; }
    case 'environment': value = AZURE_CLOUD; break;
    case 'lambdaVariables': value = b.lambdas[String(arg(0))] ?? null; break;
    case 'map': {
      const items = arg(0);
      const lambda = expr.args[1];
      assert.ok(Array.isArray(items) && lambda?.kind === 'call' && lambda.name === 'lambda' && lambda.args[0]?.kind === 'string', `map needs an array and a lambda: ${print(expr)}`);
      const name = (lambda.args[0] as { value: string }).value;
      value = items.map((item) => evaluate(t, lambda.args[1], { ...b, lambdas: { ...b.lambdas, [name]: item } }));
      break;
    }
    default: return `⟨${print(expr)}⟩`;
  }
  for (const key of expr.access) value = isObject(value) ? value[key] ?? null : null;
  return value;
}

/** A JSON value with every "[…]" expression in it evaluated. */
function evaluateJson(t: Template, value: Json, b: Bindings): Json {
  if (typeof value === 'string') {
    const expr = expressionOf(value);
    return expr ? evaluate(t, expr, b) : value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluateJson(t, v, b));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateJson(t, v, b)]));
  return value;
}

/** Parameter values: the template's defaults, overridden by the given ones (required ones get a placeholder). */
function bindings(t: Template, given: Record<string, Json> = {}): Bindings {
  const parameters: Record<string, Json> = {};
  const b: Bindings = { parameters, lambdas: {} };
  for (const [name, p] of Object.entries(t.parameters)) parameters[name] = name in given ? given[name] : p.defaultValue === undefined ? `<${name}>` : evaluateJson(t, p.defaultValue, b);
  return b;
}

// ---- resource identity: "type|name segment|…" ----------------------------------------------------------

/** Splits a "{0}/default"-style format into name segments, with the format's arguments printed. */
function formatSegments(template: string, args: Expr[]): string[] {
  return template.split('/').map((piece) => {
    const slot = /^\{(\d+)\}$/.exec(piece);
    return slot ? print(args[Number(slot[1])]) : `'${piece}'`;
  });
}

function nameSegments(name: string): string[] {
  const expr = expressionOf(name);
  if (!expr) return name.split('/').map((piece) => `'${piece}'`);
  if (expr.kind === 'call' && expr.name === 'format' && expr.args[0]?.kind === 'string') return formatSegments(expr.args[0].value, expr.args.slice(1));
  return [print(expr)];
}

/** "Microsoft.Web/sites/{0}" (a scope property) → the key of the resource it names. */
function scopeKey(scope: string): string {
  const expr = expressionOf(scope);
  const [format, ...args] = expr?.kind === 'call' && expr.name === 'format' ? expr.args : [];
  assert.ok(format?.kind === 'string', `scope ${scope} must be format('<namespace>/<type>/{0}', …)`);
  const [namespace, ...rest] = format.value.split('/');
  const types = rest.filter((_p, i) => i % 2 === 0);
  const names = formatSegments(rest.filter((_p, i) => i % 2 === 1).join('/'), args);
  return [`${namespace}/${types.join('/')}`, ...names].join('|');
}

function resourceKey(resource: JsonObject): string {
  const own = [String(resource.type), ...nameSegments(String(resource.name))].join('|');
  return typeof resource.scope === 'string' ? `${scopeKey(resource.scope)}::${own}` : own;
}

/** The key a resourceId(…) / extensionResourceId(…) call points at, or undefined for other calls. */
function idKey(call: Extract<Expr, { kind: 'call' }>): string | undefined {
  const [first, ...rest] = call.args;
  if (call.name === 'resourceId' && first?.kind === 'string') return [first.value, ...rest.map(print)].join('|');
  if (call.name === 'extensionResourceId') {
    const [scope, type, ...names] = call.args;
    assert.ok(scope?.kind === 'call' && type?.kind === 'string', `extensionResourceId needs a resourceId scope: ${print(call)}`);
    return `${idKey(scope)}::${[type.value, ...names.map(print)].join('|')}`;
  }
  return undefined;
}

// ---- checks ----------------------------------------------------------------------------------------------

function resourcesOfType(t: Template, type: string): JsonObject[] {
  return t.resources.filter((r) => r.type === type);
}

function single(t: Template, type: string): JsonObject {
  const found = resourcesOfType(t, type);
  assert.equal(found.length, 1, `exactly one ${type}`);
  return found[0];
}

function expectValue(problems: string[], where: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${where} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

/**
 * API versions checked to exist (Azure/azure-rest-api-specs, stable folders), per resource type. A typo such as
 * 2023-12-10 otherwise fails only at deployment, in the customer's subscription.
 */
const API_VERSIONS: Record<string, string[]> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2023-01-31'],
  'Microsoft.Storage/storageAccounts': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/tableServices': ['2023-05-01'],
  'Microsoft.Authorization/roleAssignments': ['2022-04-01'],
  'Microsoft.KeyVault/vaults': ['2023-07-01'],
  'Microsoft.Insights/diagnosticSettings': ['2021-05-01-preview'],
  'Microsoft.OperationalInsights/workspaces': ['2023-09-01'],
  'Microsoft.Insights/components': ['2020-02-02'],
  'Microsoft.Web/serverfarms': ['2023-12-01'],
  'Microsoft.Web/sites': ['2023-12-01'],
  'Microsoft.Web/sites/config': ['2023-12-01'],
  'Microsoft.Web/sites/slots': ['2023-12-01'],
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': ['2023-12-01'],
  'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies': ['2023-12-01'],
  'Microsoft.BotService/botServices': ['2022-09-15'],
  'Microsoft.BotService/botServices/channels': ['2022-09-15'],
  'Microsoft.Network/virtualNetworks': ['2023-11-01'],
  'Microsoft.Network/privateEndpoints': ['2023-11-01'],
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups': ['2023-11-01'],
  'Microsoft.Network/privateDnsZones': ['2020-06-01'],
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks': ['2020-06-01'],
  'Microsoft.Insights/actionGroups': ['2023-01-01'],
  'Microsoft.Insights/metricAlerts': ['2018-03-01'],
  'Microsoft.Insights/scheduledQueryRules': ['2023-12-01'],
};

function structureProblems(t: Template): string[] {
  const problems: string[] = [];
  const everything: Json = { variables: t.variables, resources: t.resources, outputs: t.outputs, defaults: Object.values(t.parameters).map((p) => p.defaultValue ?? null) };
  const used = { parameters: new Set<string>(), variables: new Set<string>() };
  for (const call of callsIn(everything)) {
    if (call.name === 'parameters' || call.name === 'variables') {
      const name = call.args[0]?.kind === 'string' ? call.args[0].value : print(call);
      used[call.name].add(name);
      const declared = call.name === 'parameters' ? t.parameters : t.variables;
      if (!(name in declared)) problems.push(`${call.name}('${name}') is not declared`);
    }
  }
  for (const name of Object.keys(t.parameters)) if (!used.parameters.has(name)) problems.push(`parameter ${name} is never used`);
  for (const name of Object.keys(t.variables)) if (!used.variables.has(name)) problems.push(`variable ${name} is never used`);

  const byKey = new Map<string, JsonObject>();
  for (const r of t.resources) {
    const key = resourceKey(r);
    if (byKey.has(key)) problems.push(`resource ${key} is declared twice`);
    byKey.set(key, r);
    // Subnets are declared inside their network (a separate subnet resource is deleted by the next network deployment).
    const subnets = at(r, 'properties', 'subnets');
    if (r.type === 'Microsoft.Network/virtualNetworks' && Array.isArray(subnets)) {
      for (const subnet of subnets) byKey.set(['Microsoft.Network/virtualNetworks/subnets', ...nameSegments(String(r.name)), ...nameSegments(String(at(subnet, 'name')))].join('|'), r);
    }
    const known = API_VERSIONS[String(r.type)];
    if (!known) problems.push(`resource type ${String(r.type)} has no known API version in this test: add the one you checked exists`);
    else if (!known.includes(String(r.apiVersion))) problems.push(`${String(r.type)} apiVersion ${String(r.apiVersion)} is not one known to exist (${known.join(', ')})`);
  }
  for (const call of callsIn(everything)) {
    const key = idKey(call);
    if (key !== undefined && !byKey.has(key)) problems.push(`${print(call)} names no resource in the template`);
  }
  const dependencies = new Map<string, string[]>();
  for (const r of t.resources) {
    const keys: string[] = [];
    for (const entry of Array.isArray(r.dependsOn) ? r.dependsOn : []) {
      const expr = typeof entry === 'string' ? expressionOf(entry) : undefined;
      const key = expr?.kind === 'call' ? idKey(expr) : undefined;
      if (!key || !byKey.has(key)) problems.push(`dependsOn ${JSON.stringify(entry)} of ${resourceKey(r)} names no resource in the template`);
      else keys.push(key);
    }
    dependencies.set(resourceKey(r), keys);
  }
  // reference(resourceId(…)) does not add an implicit dependency: the target must be deployed first.
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    for (const dep of dependencies.get(key) ?? []) if (!seen.has(dep)) closure(dep, seen.add(dep));
    return seen;
  };
  for (const r of t.resources) {
    const deps = closure(resourceKey(r));
    for (const call of callsIn(r)) {
      const target = call.name === 'reference' && call.args[0]?.kind === 'call' ? idKey(call.args[0]) : undefined;
      if (target && !deps.has(target)) problems.push(`${resourceKey(r)} uses reference() of ${target} without depending on it`);
    }
  }
  return problems;
}

function storageProblems(t: Template): string[] {
  const problems: string[] = [];
  const storage = single(t, 'Microsoft.Storage/storageAccounts');
  expectValue(problems, 'storage kind', storage.kind, 'StorageV2');
  expectValue(problems, 'storage allowSharedKeyAccess', at(storage, 'properties', 'allowSharedKeyAccess'), false);
  expectValue(problems, 'storage minimumTlsVersion', at(storage, 'properties', 'minimumTlsVersion'), 'TLS1_2');
  expectValue(problems, 'storage supportsHttpsTrafficOnly', at(storage, 'properties', 'supportsHttpsTrafficOnly'), true);
  expectValue(problems, 'storage allowBlobPublicAccess', at(storage, 'properties', 'allowBlobPublicAccess'), false);
  if (resourcesOfType(t, 'Microsoft.Storage/storageAccounts/tableServices').length !== 1) problems.push('storage has no table service');
  return problems;
}

function appSettings(t: Template): Map<string, Json> {
  const list = at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig', 'appSettings');
  assert.ok(Array.isArray(list), 'appSettings is an array');
  return new Map(list.map((s) => [String(at(s, 'name')), at(s, 'value') ?? null]));
}

const IDENTITY_ID = "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', variables('identityName'))";

/** Every environment variable bot/config.ts reads (get('X'), int('X', …), bool('X', …)). */
function configVariables(): string[] {
  const source = fs.readFileSync(path.join(projectRoot(), 'bot', 'config.ts'), 'utf8');
  return [...new Set([...source.matchAll(/\b(?:get|int|bool)\('([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]))];
}

/** Settings bot/config.ts reads that production must NOT set, each with the reason. */
const LOCAL_ONLY: Record<string, string> = {
  AZURE_TABLES_CONNECTION_STRING: 'account keys; production signs in with the managed identity (AZURE_TABLES_ACCOUNT_URL)',
  AZURITE_PORT: 'embedded Azurite, local only',
  LOCAL_DATA_DIR: 'where the embedded Azurite keeps its data, local only',
  DIRECTORY_FILE: 'the sample organisation file, local only',
  HETU_KEYS: 'inline keys; production reads them from Key Vault',
  ACCEPT_TEST_HETUS: 'only ever true in local mode',
  ADMIN_CHANNEL_NAME: 'the Agents Playground channel name, local only',
  PORT: 'App Service sets PORT itself',
};

/** Variables the SDKs read (not bot/config.ts): the managed identity's client id for DefaultAzureCredential. */
const SDK_SETTINGS = ['AZURE_CLIENT_ID'];

/** App settings whose value is fixed by design, with the reason; every other value must come from a parameter or a resource. */
const FIXED_SETTINGS: Record<string, string> = {
  HOST: 'listen on every interface inside the App Service container',
  DIRECTORY: 'production reads the directory from Microsoft Graph',
  WEBSITE_RUN_FROM_PACKAGE: 'run the uploaded zip as is',
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'the package is built before upload',
  WEBSITE_SWAP_WARMUP_PING_PATH: 'a swap waits until /healthz answers',
  WEBSITE_SWAP_WARMUP_PING_STATUSES: 'only 200 counts as warm',
};

/** Settings derived from a resource of this template (not something an operator chooses). */
const DERIVED_SETTINGS = ['AZURE_CLIENT_ID', 'AZURE_TABLES_ACCOUNT_URL', 'KEY_VAULT_URL', 'APPLICATIONINSIGHTS_CONNECTION_STRING'];

/** Whether an expression reads a parameter, directly or through variables. */
function readsParameter(t: Template, value: Json | undefined, seen = new Set<string>()): boolean {
  return callsIn(value ?? null).some((c) => {
    if (c.name === 'parameters') return true;
    if (c.name !== 'variables' || c.args[0]?.kind !== 'string' || seen.has(c.args[0].value)) return false;
    seen.add(c.args[0].value);
    return readsParameter(t, t.variables[c.args[0].value], seen);
  });
}

/**
 * The template replaces the whole app-settings list on every deployment, so a value an operator sets by hand is
 * wiped by the next one: every setting the bot reads must be here, and its value must come from a parameter
 * (or from a resource of this template, or be fixed by design).
 */
function settingsProblems(t: Template, settings: Map<string, Json>, where: string): string[] {
  const problems: string[] = [];
  for (const name of configVariables()) {
    if (name in LOCAL_ONLY) {
      if (settings.has(name)) problems.push(`${where}: ${name} must not be set in production (${LOCAL_ONLY[name]})`);
    } else if (!settings.has(name)) {
      problems.push(`${where}: app setting ${name} is missing: bot/config.ts reads it, so an operator would set it by hand and the next deployment would wipe it`);
    }
  }
  for (const [name, value] of settings) {
    const known = configVariables().includes(name) || SDK_SETTINGS.includes(name) || name in FIXED_SETTINGS;
    if (!known && !/^(WEBSITE|SCM)_/.test(name)) problems.push(`${where}: app setting ${name} is not one the bot reads`);
    if (name in FIXED_SETTINGS || DERIVED_SETTINGS.includes(name)) continue;
    if (!readsParameter(t, value)) problems.push(`${where}: app setting ${name} = ${JSON.stringify(value)} does not come from a parameter`);
  }
  return problems;
}

function webAppProblems(t: Template): string[] {
  const problems: string[] = [];
  const site = single(t, 'Microsoft.Web/sites');
  expectValue(problems, 'web app httpsOnly', at(site, 'properties', 'httpsOnly'), true);
  const config = (key: string): Json | undefined => at(site, 'properties', 'siteConfig', key);
  expectValue(problems, 'linuxFxVersion', config('linuxFxVersion'), 'NODE|22-lts');
  expectValue(problems, 'minTlsVersion', config('minTlsVersion'), '1.2');
  expectValue(problems, 'ftpsState', config('ftpsState'), 'Disabled');
  expectValue(problems, 'healthCheckPath', config('healthCheckPath'), '/healthz');
  expectValue(problems, 'alwaysOn', config('alwaysOn'), true);
  expectValue(problems, 'appCommandLine', config('appCommandLine'), 'node dist/bot/index.js');
  expectValue(problems, 'identity type', at(site, 'identity', 'type'), 'UserAssigned');
  const assigned = at(site, 'identity', 'userAssignedIdentities');
  expectValue(problems, 'assigned identities', isObject(assigned) ? Object.keys(assigned) : [], [`[${IDENTITY_ID}]`]);
  expectValue(problems, 'keyVaultReferenceIdentity', at(site, 'properties', 'keyVaultReferenceIdentity'), `[${IDENTITY_ID}]`);
  const plan = single(t, 'Microsoft.Web/serverfarms');
  expectValue(problems, 'plan is Linux (reserved)', at(plan, 'properties', 'reserved'), true);
  expectValue(problems, 'default plan SKU', t.parameters.appServiceSku?.defaultValue, 'P0v3');
  expectValue(problems, 'default instance count', t.parameters.appServiceCapacity?.defaultValue, 2);
  for (const policy of ['ftp', 'scm']) {
    const found = resourcesOfType(t, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies').find((r) => String(r.name).includes(`/${policy}'`));
    expectValue(problems, `basic publishing credentials (${policy}) allowed`, at(found, 'properties', 'allow'), false);
  }

  const settings = appSettings(t);
  problems.push(...settingsProblems(t, settings, 'web app'));
  expectValue(problems, 'HOST', settings.get('HOST'), '0.0.0.0');
  if (settings.has('PORT')) problems.push('PORT is set by App Service and must not be overridden');
  for (const secret of ['MICROSOFT_APP_PASSWORD', 'GRAPH_CLIENT_SECRET']) {
    const referenceVariable = callsIn(settings.get(secret) ?? null).find((c) => c.name === 'variables');
    const value = referenceVariable?.args[0]?.kind === 'string' ? t.variables[referenceVariable.args[0].value] : settings.get(secret);
    if (!String(value).includes('@Microsoft.KeyVault(')) problems.push(`${secret} must be a Key Vault reference, not ${JSON.stringify(value)}`);
  }
  if (!String(settings.get('AZURE_CLIENT_ID')).includes(`reference(${IDENTITY_ID}, '2023-01-31').clientId`)) problems.push('AZURE_CLIENT_ID must be the identity\'s client id');
  return problems;
}

function roleProblems(t: Template): string[] {
  const problems: string[] = [];
  const assignments = resourcesOfType(t, 'Microsoft.Authorization/roleAssignments');
  const wanted = [
    { role: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', variable: 'roleStorageTableDataContributor', scope: 'Microsoft.Storage/storageAccounts' },
    { role: '4633458b-17de-408a-b874-0445c86b69e6', variable: 'roleKeyVaultSecretsUser', scope: 'Microsoft.KeyVault/vaults' },
  ];
  for (const { role, variable, scope } of wanted) {
    if (t.variables[variable] !== role) problems.push(`variable ${variable} must be the built-in role id ${role}`);
    const found = assignments.find((a) => String(at(a, 'properties', 'roleDefinitionId')).includes(`variables('${variable}')`));
    if (!found) {
      problems.push(`no role assignment of ${variable}`);
      continue;
    }
    if (!String(found.scope).startsWith(`[format('${scope}/{0}'`)) problems.push(`${variable} must be scoped to the ${scope} resource, not ${String(found.scope)}`);
    expectValue(problems, `${variable} principal`, at(found, 'properties', 'principalId'), `[reference(${IDENTITY_ID}, '2023-01-31').principalId]`);
    expectValue(problems, `${variable} principalType`, at(found, 'properties', 'principalType'), 'ServicePrincipal');
    if (found.condition !== undefined) problems.push(`${variable} must always be assigned`);
  }
  return problems;
}

function keyVaultProblems(t: Template): string[] {
  const problems: string[] = [];
  const vault = single(t, 'Microsoft.KeyVault/vaults');
  expectValue(problems, 'Key Vault enableRbacAuthorization', at(vault, 'properties', 'enableRbacAuthorization'), true);
  expectValue(problems, 'Key Vault enableSoftDelete', at(vault, 'properties', 'enableSoftDelete'), true);
  expectValue(problems, 'Key Vault enablePurgeProtection', at(vault, 'properties', 'enablePurgeProtection'), true);
  if (at(vault, 'properties', 'accessPolicies') !== undefined) problems.push('Key Vault must not use access policies (RBAC only)');
  return problems;
}

function observabilityProblems(t: Template): string[] {
  const problems: string[] = [];
  const insights = single(t, 'Microsoft.Insights/components');
  expectValue(problems, 'Application Insights workspace', at(insights, 'properties', 'WorkspaceResourceId'),
    "[resourceId('Microsoft.OperationalInsights/workspaces', variables('workspaceName'))]");
  single(t, 'Microsoft.OperationalInsights/workspaces');
  return problems;
}

function botProblems(t: Template): string[] {
  const problems: string[] = [];
  const bot = single(t, 'Microsoft.BotService/botServices');
  expectValue(problems, 'bot kind', bot.kind, 'azurebot');
  expectValue(problems, 'bot msaAppType', at(bot, 'properties', 'msaAppType'), "[variables('botAppType')]");
  expectValue(problems, 'botAppType', t.variables.botAppType, "[if(equals(parameters('botAuth'), 'managedIdentity'), 'UserAssignedMSI', 'SingleTenant')]");
  expectValue(problems, 'default botAuth (single-tenant app registration)', t.parameters.botAuth?.defaultValue, 'secret');
  expectValue(problems, 'bot msaAppTenantId', at(bot, 'properties', 'msaAppTenantId'), "[parameters('tenantId')]");
  if (JSON.stringify(t).includes('MultiTenant')) problems.push('multi-tenant bots are not supported by bot/config.ts');
  if (!/^\[format\('https:\/\/\{0\}\/api\/messages', reference\(resourceId\('Microsoft\.Web\/sites'/.test(String(at(bot, 'properties', 'endpoint')))) {
    problems.push(`bot endpoint must be https://<web app>/api/messages, not ${String(at(bot, 'properties', 'endpoint'))}`);
  }
  if (!t.parameters.botSku) problems.push('bot SKU must be a parameter');
  // Azure offers regional (data residency) bots in westeurope and centralindia only; EU municipalities get the EU one.
  expectValue(problems, 'bot location', bot.location, "[parameters('botLocation')]");
  expectValue(problems, 'default bot location (EU data residency)', t.parameters.botLocation?.defaultValue, 'westeurope');
  expectValue(problems, 'bot locations offered', t.parameters.botLocation?.allowedValues, ['westeurope', 'centralindia', 'global']);
  const teams = resourcesOfType(t, 'Microsoft.BotService/botServices/channels').find((c) => at(c, 'properties', 'channelName') === 'MsTeamsChannel');
  if (!teams) problems.push('the bot has no MsTeamsChannel');
  expectValue(problems, 'Teams channel enabled', at(teams, 'properties', 'properties', 'isEnabled'), true);
  expectValue(problems, 'Teams channel location (as the bot)', teams?.location, "[parameters('botLocation')]");
  return problems;
}

// ---- network: Storage and Key Vault reachable only from the app ------------------------------------------

const MODES = ['privateEndpoints', 'networkRules'] as const;
type NetworkMode = (typeof MODES)[number];
const APP_SUBNET = "resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), variables('appSubnetName'))";
const OPERATOR_IP = '203.0.113.7';

/** Resources ARM deploys for these parameter values (a false condition leaves a resource out). */
function deployed(t: Template, b: Bindings): JsonObject[] {
  return t.resources.filter((r) => r.condition === undefined || evaluateJson(t, r.condition, b) === true);
}

function networkProblems(t: Template, mode: NetworkMode): string[] {
  const problems: string[] = [];
  const where = (what: string) => `${mode}: ${what}`;
  const parameter = t.parameters.networkMode;
  expectValue(problems, 'networkMode choices', parameter?.allowedValues, [...MODES]);
  expectValue(problems, 'default networkMode (private endpoints)', parameter?.defaultValue, 'privateEndpoints');
  const b = bindings(t, { networkMode: mode, operatorIpAddresses: [OPERATOR_IP] });
  const resources = deployed(t, b);
  const subnetId = `⟨${APP_SUBNET}⟩`;
  const targets = [
    { type: 'Microsoft.Storage/storageAccounts', group: 'table', zone: 'privatelink.table.core.windows.net', ipRule: { value: OPERATOR_IP, action: 'Allow' } },
    { type: 'Microsoft.KeyVault/vaults', group: 'vault', zone: 'privatelink.vaultcore.azure.net', ipRule: { value: OPERATOR_IP } },
  ];
  for (const { type, group, zone, ipRule } of targets) {
    const resource = single(t, type);
    const properties = evaluateJson(t, resource.properties, b);
    expectValue(problems, where(`${type} networkAcls.defaultAction`), at(properties, 'networkAcls', 'defaultAction'), 'Deny');
    expectValue(problems, where(`${type} networkAcls.bypass`), at(properties, 'networkAcls', 'bypass'), 'None');
    const vnetRules = at(properties, 'networkAcls', 'virtualNetworkRules');
    const ipRules = at(properties, 'networkAcls', 'ipRules');
    const endpoints = resources.filter((r) => r.type === 'Microsoft.Network/privateEndpoints'
      && JSON.stringify(evaluateJson(t, r.properties, b)).includes(`"groupIds":["${group}"]`));
    if (mode === 'privateEndpoints') {
      expectValue(problems, where(`${type} publicNetworkAccess`), at(properties, 'publicNetworkAccess'), 'Disabled');
      expectValue(problems, where(`${type} firewall rules`), [vnetRules, ipRules], [[], []]);
      if (endpoints.length !== 1) { problems.push(where(`${type} needs exactly one private endpoint (group ${group}), found ${endpoints.length}`)); continue; }
      const endpoint = evaluateJson(t, endpoints[0].properties, b);
      const linked = at(endpoint, 'privateLinkServiceConnections');
      const service = Array.isArray(linked) ? at(linked[0], 'properties', 'privateLinkServiceId') : undefined;
      if (!String(service).includes(`resourceId('${type}'`)) problems.push(where(`the ${group} private endpoint points at ${String(service)}, not the ${type}`));
      if (!String(at(endpoint, 'subnet', 'id')).includes("variables('privateEndpointSubnetName')")) problems.push(where(`the ${group} private endpoint is not in the private-endpoint subnet`));
      const zoneResource = resources.find((r) => r.type === 'Microsoft.Network/privateDnsZones' && evaluateJson(t, r.name, b) === zone);
      if (!zoneResource) problems.push(where(`no private DNS zone ${zone}`));
      const links = resources.filter((r) => r.type === 'Microsoft.Network/privateDnsZones/virtualNetworkLinks' && String(evaluateJson(t, r.name, b)).startsWith(`${zone}/`));
      if (!links.some((l) => String(evaluateJson(t, at(l, 'properties', 'virtualNetwork', 'id') ?? null, b)).includes("Microsoft.Network/virtualNetworks', variables('vnetName')"))) {
        problems.push(where(`the private DNS zone ${zone} is not linked to the bot's virtual network`));
      }
      const groups = resources.filter((r) => r.type === 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups'
        && String(evaluateJson(t, r.name, b)).startsWith(`${String(evaluateJson(t, endpoints[0].name, b))}/`));
      const zoneId = zoneResource ? `resourceId('Microsoft.Network/privateDnsZones', ${String(zoneResource.name).slice(1, -1)})` : '(no zone)';
      if (!groups.some((g) => JSON.stringify(g.properties).includes(zoneId))) problems.push(where(`the ${group} private endpoint registers no address in ${zone}`));
    } else {
      expectValue(problems, where(`${type} firewall admits the app subnet`), Array.isArray(vnetRules) ? vnetRules.map((r) => at(r, 'id')) : vnetRules, [subnetId]);
      expectValue(problems, where(`${type} firewall admits the operators' addresses`), ipRules, [ipRule]);
      if (endpoints.length) problems.push(where(`${type} has a private endpoint although the mode is networkRules`));
    }
  }
  const vnet = resources.find((r) => r.type === 'Microsoft.Network/virtualNetworks');
  const subnets = at(evaluateJson(t, vnet ?? null, b), 'properties', 'subnets');
  const appSubnet = Array.isArray(subnets) ? subnets.find((x) => at(x, 'name') === 'app') : undefined;
  expectValue(problems, where('app subnet delegation'), JSON.stringify(at(appSubnet, 'properties', 'delegations')).includes('"serviceName":"Microsoft.Web/serverFarms"'), true);
  const endpointsOfSubnet = at(appSubnet, 'properties', 'serviceEndpoints');
  expectValue(problems, where('app subnet service endpoints'), Array.isArray(endpointsOfSubnet) ? endpointsOfSubnet.map((e) => at(e, 'service')) : endpointsOfSubnet,
    mode === 'networkRules' ? ['Microsoft.Storage', 'Microsoft.KeyVault'] : []);
  for (const site of [single(t, 'Microsoft.Web/sites'), ...resourcesOfType(t, 'Microsoft.Web/sites/slots')]) {
    const name = `${String(site.type)} ${String(site.name)}`;
    expectValue(problems, where(`${name} regional VNet integration`), at(site, 'properties', 'virtualNetworkSubnetId'), `[${APP_SUBNET}]`);
    expectValue(problems, where(`${name} vnetRouteAllEnabled`), at(site, 'properties', 'vnetRouteAllEnabled'), true);
    expectValue(problems, where(`${name} siteConfig.vnetRouteAllEnabled`), at(site, 'properties', 'siteConfig', 'vnetRouteAllEnabled'), true);
  }
  return problems;
}

// ---- staging slot: the next version warms up and is health-checked before it takes traffic --------------

function slotSettings(slot: JsonObject): Map<string, Json> {
  const list = at(slot, 'properties', 'siteConfig', 'appSettings');
  return new Map(Array.isArray(list) ? list.map((s) => [String(at(s, 'name')), at(s, 'value') ?? null]) : []);
}

function slotProblems(t: Template): string[] {
  const problems: string[] = [];
  const slots = resourcesOfType(t, 'Microsoft.Web/sites/slots');
  if (slots.length !== 1) return [`expected one staging slot, found ${slots.length}`];
  const slot = slots[0];
  const site = single(t, 'Microsoft.Web/sites');
  expectValue(problems, 'slot name', evaluateJson(t, slot.name, bindings(t)), `⟨format('{0}-bot-{1}', variables('prefix'), ⟨uniqueString(resourceGroup().id, parameters('namePrefix'))⟩)⟩/staging`.replace(/⟨format.*⟩\)⟩/, String(evaluateJson(t, site.name, bindings(t)))));
  const config = (key: string): Json | undefined => at(slot, 'properties', 'siteConfig', key);
  expectValue(problems, 'slot healthCheckPath', config('healthCheckPath'), '/healthz');
  if (![undefined, ''].includes(config('autoSwapSlotName') as string | undefined)) problems.push(`slot autoSwapSlotName is ${JSON.stringify(config('autoSwapSlotName'))}: swaps must be started by a person after checking staging`);
  for (const key of ['linuxFxVersion', 'appCommandLine', 'ftpsState', 'minTlsVersion', 'alwaysOn', 'http20Enabled', 'remoteDebuggingEnabled']) {
    expectValue(problems, `slot ${key} (as production)`, config(key), at(site, 'properties', 'siteConfig', key) ?? null);
  }
  for (const key of ['httpsOnly', 'keyVaultReferenceIdentity', 'serverFarmId', 'clientAffinityEnabled']) expectValue(problems, `slot ${key} (as production)`, at(slot, 'properties', key), at(site, 'properties', key) ?? null);
  expectValue(problems, 'slot identity (as production)', slot.identity, site.identity);
  const production = appSettings(t);
  const staging = slotSettings(slot);
  problems.push(...settingsProblems(t, staging, 'staging slot'));
  const sticky = resourcesOfType(t, 'Microsoft.Web/sites/config').find((c) => /slotConfigNames/i.test(String(c.name)));
  const stickyNames = at(sticky, 'properties', 'appSettingNames');
  if (!Array.isArray(stickyNames)) problems.push('no slotConfigNames: which settings stay with their slot must be explicit');
  for (const [name, value] of production) {
    const isSticky = Array.isArray(stickyNames) && stickyNames.includes(name);
    if (!staging.has(name)) problems.push(`staging slot lacks ${name}`);
    else if (!isSticky && JSON.stringify(staging.get(name)) !== JSON.stringify(value)) problems.push(`staging ${name} differs from production but is not a slot setting: the swap would carry it into production`);
  }
  for (const name of Array.isArray(stickyNames) ? stickyNames : []) if (!production.has(String(name))) problems.push(`slot setting ${String(name)} is not an app setting`);
  for (const settings of [production, staging]) {
    expectValue(problems, 'swap warm-up path', settings.get('WEBSITE_SWAP_WARMUP_PING_PATH'), '/healthz');
    expectValue(problems, 'swap warm-up statuses', settings.get('WEBSITE_SWAP_WARMUP_PING_STATUSES'), '200');
  }
  for (const policy of ['ftp', 'scm']) {
    const found = resourcesOfType(t, 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies').find((r) => String(r.name).includes(`/${policy}'`));
    expectValue(problems, `slot basic publishing credentials (${policy}) allowed`, at(found, 'properties', 'allow'), false);
  }
  return problems;
}

// ---- alerts: every signal an operator must hear about goes to the action group ----------------------------

const ACTION_GROUP_ID = "[resourceId('Microsoft.Insights/actionGroups', variables('actionGroupName'))]";

/** Log messages the bot writes (the second argument of a pino call), read from its source. */
function loggedMessages(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/log\.(?:fatal|error|warn|info)\([^\n]*?'([^'\n]+)'\)/g)) out.add(m[1]);
    }
  };
  walk(path.join(projectRoot(), 'bot'));
  return out;
}

/** Custom metric names the bot defines ('valtuusbotti.…' string literals), read from its source. */
function definedMetrics(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/'(valtuusbotti\.[a-z_.]+)'/g)) out.add(m[1]);
    }
  };
  walk(path.join(projectRoot(), 'bot'));
  return out;
}

function alertProblems(t: Template): string[] {
  const problems: string[] = [];
  const group = resourcesOfType(t, 'Microsoft.Insights/actionGroups');
  if (group.length !== 1) return [`expected one action group, found ${group.length}`];
  const receivers = at(group[0], 'properties', 'emailReceivers');
  expectValue(problems, 'action group e-mail', Array.isArray(receivers) ? receivers.map((r) => at(r, 'emailAddress')) : receivers, ["[parameters('alertEmail')]"]);
  expectValue(problems, 'action group enabled', at(group[0], 'properties', 'enabled'), true);
  if (t.parameters.alertEmail?.defaultValue !== undefined) problems.push('alertEmail must be required (no default): alerts nobody receives are no alerts');
  const metricAlerts = resourcesOfType(t, 'Microsoft.Insights/metricAlerts');
  const logAlerts = resourcesOfType(t, 'Microsoft.Insights/scheduledQueryRules');
  for (const alert of [...metricAlerts, ...logAlerts]) {
    const name = String(alert.name);
    expectValue(problems, `${name} enabled`, at(alert, 'properties', 'enabled'), true);
    const actions = alert.type === 'Microsoft.Insights/metricAlerts'
      ? (at(alert, 'properties', 'actions') as Json[] | undefined)?.map((a) => at(a, 'actionGroupId'))
      : at(alert, 'properties', 'actions', 'actionGroups');
    expectValue(problems, `${name} notifies`, actions ?? null, [ACTION_GROUP_ID]);
    if (alert.condition !== undefined) problems.push(`${name} must always be deployed`);
  }
  const siteId = "[resourceId('Microsoft.Web/sites', variables('webAppName'))]";
  const metric = (metricName: string) => metricAlerts.find((a) => {
    const all = at(a, 'properties', 'criteria', 'allOf');
    return Array.isArray(all) && all.some((c) => at(c, 'metricName') === metricName);
  });
  for (const [metricName, operator] of [['Http5xx', 'GreaterThan'], ['HealthCheckStatus', 'LessThan']] as const) {
    const alert = metric(metricName);
    if (!alert) { problems.push(`no metric alert on ${metricName}`); continue; }
    expectValue(problems, `${metricName} alert scope`, at(alert, 'properties', 'scopes'), [siteId]);
    const criterion = (at(alert, 'properties', 'criteria', 'allOf') as Json[]).find((c) => at(c, 'metricName') === metricName);
    expectValue(problems, `${metricName} alert operator`, at(criterion, 'operator'), operator);
    expectValue(problems, `${metricName} metric namespace`, at(criterion, 'metricNamespace'), 'Microsoft.Web/sites');
  }
  const workspaceId = "[resourceId('Microsoft.OperationalInsights/workspaces', variables('workspaceName'))]";
  const queryOf = (a: JsonObject) => String((at(a, 'properties', 'criteria', 'allOf') as Json[] | undefined)?.map((c) => at(c, 'query')).join('\n'));
  const logged = loggedMessages();
  const wanted = [
    { what: 'a dead-lettered notification', pattern: /'outbox message dead-lettered'/ },
    { what: 'the retention job failing', pattern: /'retention job failed'/ },
    { what: 'an outbox backlog older than 15 minutes', pattern: /Name == 'valtuusbotti\.outbox\.oldest_age'.*> 900\b/ },
  ];
  for (const { what, pattern } of wanted) {
    const alert = logAlerts.find((a) => pattern.test(queryOf(a)));
    if (!alert) { problems.push(`no log alert for ${what}`); continue; }
    expectValue(problems, `${what}: scope`, at(alert, 'properties', 'scopes'), [workspaceId]);
    expectValue(problems, `${what}: kind`, alert.kind, 'LogAlert');
  }
  for (const alert of logAlerts) {
    const query = queryOf(alert);
    for (const m of query.matchAll(/contains '([^']+)'/g)) if (!logged.has(m[1])) problems.push(`${String(alert.name)} searches for the log line "${m[1]}", which the bot never writes`);
    // Until the telemetry code defines its metric names this check has nothing to compare with; once it does,
    // an alert on a misspelt metric (that would never fire) fails here.
    const metrics = definedMetrics();
    for (const m of query.matchAll(/Name == '([^']+)'/g)) if (metrics.size > 0 && !metrics.has(m[1])) problems.push(`${String(alert.name)} watches the metric ${m[1]}, which the bot never records`);
  }
  return problems;
}

const SECRET_NAME = /password|secret|connectionstring|apikey|accountkey|privatekey/i;
const SECRET_VALUE = /AccountKey=|InstrumentationKey=|SharedAccessSignature=|-----BEGIN|[A-Za-z0-9+/]{32,}={0,2}/;

function parameterProblems(t: Template): string[] {
  const problems: string[] = [];
  // Only literal text can carry a pasted secret; "[…]" expressions are checked by the other rules.
  const literal = (value: Json | undefined): boolean => typeof value === 'string' && !expressionOf(value);
  for (const [name, parameter] of Object.entries(t.parameters)) {
    const holdsSecret = SECRET_NAME.test(name) && !/(Name|Id)$/.test(name); // a secret's name or an object id is not a secret
    if (holdsSecret && parameter.type !== 'securestring') problems.push(`parameter ${name} holds a secret: make it securestring`);
    if (holdsSecret && parameter.defaultValue !== undefined) problems.push(`parameter ${name} holds a secret: it must have no default`);
    if (literal(parameter.defaultValue) && SECRET_VALUE.test(String(parameter.defaultValue))) problems.push(`parameter ${name} has a default that looks like a secret`);
  }
  for (const [name, value] of appSettings(t)) {
    if (literal(value) && SECRET_VALUE.test(String(value))) problems.push(`app setting ${name} holds what looks like a secret`);
  }
  return problems;
}

const CHECKS = {
  structureProblems, storageProblems, webAppProblems, roleProblems, keyVaultProblems, observabilityProblems, botProblems, parameterProblems,
  slotProblems, alertProblems,
  privateNetworkProblems: (t: Template) => networkProblems(t, 'privateEndpoints'),
  networkRulesProblems: (t: Template) => networkProblems(t, 'networkRules'),
};

describe('Azure ARM template (infra/azure/main.json)', () => {
  const template = loadTemplate();

  it('parses every expression it holds', () => {
    const count = expressionsIn(template as unknown as Json).length;
    assert.ok(count > 50, `expressions found: ${count}`);
  });

  it('references only declared parameters, variables and resources, and uses every one it declares', () => {
    assert.deepEqual(structureProblems(template), []);
  });

  it('keeps Table Storage key-less, TLS 1.2, https-only and without public blobs', () => {
    assert.deepEqual(storageProblems(template), []);
  });

  it('runs the web app on Node 22 LTS, https-only, TLS 1.2, no FTP, health-checked, as the managed identity, with the bot\'s settings', () => {
    assert.deepEqual(webAppProblems(template), []);
  });

  it('gives the identity Storage Table Data Contributor on the account and Key Vault Secrets User on the vault', () => {
    assert.deepEqual(roleProblems(template), []);
  });

  it('makes Key Vault RBAC-only with soft delete and purge protection', () => {
    assert.deepEqual(keyVaultProblems(template), []);
  });

  it('sends telemetry to workspace-based Application Insights', () => {
    assert.deepEqual(observabilityProblems(template), []);
  });

  it('registers a single-tenant Azure Bot with its endpoint on the web app and the Teams channel enabled', () => {
    assert.deepEqual(botProblems(template), []);
  });

  it('makes Storage and Key Vault reachable only through private endpoints by default: public access off, private DNS linked to the VNet', () => {
    assert.deepEqual(networkProblems(template, 'privateEndpoints'), []);
  });

  it('in networkRules mode admits only the app\'s subnet (service endpoints) and the operators\' addresses', () => {
    assert.deepEqual(networkProblems(template, 'networkRules'), []);
  });

  it('takes every setting the bot reads from a parameter, so a redeployment never wipes what an operator chose', () => {
    assert.deepEqual(settingsProblems(template, appSettings(template), 'web app'), []);
    const settings = appSettings(template);
    for (const name of ['MEETING_INVITES', 'HETU_RETENTION_DAYS', 'HETU_ACTIVE_KEY_ID', 'MANAGER_APPROVAL', 'ADMIN_LANG', 'ORG_NAME_SV']) {
      assert.ok(readsParameter(template, settings.get(name)), `${name} comes from a parameter`);
    }
    const b = bindings(template, { hetuRetentionDays: 30, meetingInvites: true, adminLang: 'sv' });
    assert.equal(evaluateJson(template, settings.get('HETU_RETENTION_DAYS') ?? null, b), '30');
    assert.equal(evaluateJson(template, settings.get('MEETING_INVITES') ?? null, b), 'true');
    assert.equal(evaluateJson(template, settings.get('ADMIN_LANG') ?? null, b), 'sv');
  });

  it('has a staging slot configured as production, health-checked on swap, no auto swap, LOG_LEVEL sticky', () => {
    assert.deepEqual(slotProblems(template), []);
  });

  it('alerts by e-mail on 5xx, failed health checks, dead letters, an outbox backlog over 15 minutes and a failed retention job', () => {
    assert.deepEqual(alertProblems(template), []);
  });

  it('holds no secret in a parameter default or an app setting', () => {
    assert.deepEqual(parameterProblems(template), []);
  });

  it('ships an example parameter file that sets only declared parameters, with clearly fake ids, and every required one', () => {
    const example = JSON.parse(fs.readFileSync(PARAMETERS_FILE, 'utf8')) as { parameters: Record<string, { value: Json }> };
    for (const name of Object.keys(example.parameters)) assert.ok(name in template.parameters, `${name} is declared`);
    const required = Object.entries(template.parameters).filter(([, p]) => p.defaultValue === undefined).map(([n]) => n);
    for (const name of required) assert.ok(name in example.parameters, `required parameter ${name} is in the example`);
    for (const [name, { value }] of Object.entries(example.parameters)) {
      const guids = JSON.stringify(value).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
      for (const guid of guids) assert.match(guid, /^00000000-0000-0000-0000-0000000000\d\d$/, `${name} uses an obviously fake id`);
    }
  });

  it('the retention job, when it fails, writes the error line the retention-failed alert searches for', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    // Storage failing is the fault injected here; the job, its timer and the logger are the real ones.
    const orders = { hetuHolders: async () => { throw new Error('storage unreachable'); } } as unknown as OrderStore;
    const job = new HetuRetention({ orders, retentionDays: 90, now: () => new Date(), log: createLogger('info', stream), intervalMs: 20 });
    job.start();
    const deadline = Date.now() + 5000;
    while (!lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    job.stop();
    const line = JSON.parse(lines[0] ?? '{}') as { level?: number; msg?: string; err?: string };
    assert.equal(line.msg, 'retention job failed');
    assert.equal(line.level, 50, 'logged as an error');
    assert.equal(line.err, 'storage unreachable');
    const rule = resourcesOfType(template, 'Microsoft.Insights/scheduledQueryRules').find((r) => JSON.stringify(r).includes(`'${line.msg}'`));
    assert.ok(rule, 'an alert searches for exactly this message');
  });

  it('points error messages only at sections of docs/DEPLOY.md that exist', () => {
    const guide = fs.readFileSync(path.join(projectRoot(), 'docs', 'DEPLOY.md'), 'utf8');
    const headings = new Set([...guide.replace(/```[\s\S]*?```/g, '').matchAll(/^#+\s+(.+)$/gm)].map((m) => m[1].replace(/^[\d.]+\s+/, '').trim()));
    const references: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/docs\/DEPLOY\.md, \\?"([^"\\]+)\\?"/g)) references.push(m[1]);
      }
    };
    walk(path.join(projectRoot(), 'bot'));
    assert.ok(references.length > 0, 'the bot refers to sections of the guide');
    for (const section of references) assert.ok(headings.has(section), `docs/DEPLOY.md has no section "${section}" (headings: ${[...headings].join(' | ')})`);
  });

  describe('catches careless edits', () => {
    const edits: [string, (t: Template) => void, keyof typeof CHECKS, RegExp][] = [
      ['shared key access turned on', (t) => { (single(t, 'Microsoft.Storage/storageAccounts').properties as JsonObject).allowSharedKeyAccess = true; }, 'storageProblems', /allowSharedKeyAccess/],
      ['TLS 1.0 on storage', (t) => { (single(t, 'Microsoft.Storage/storageAccounts').properties as JsonObject).minimumTlsVersion = 'TLS1_0'; }, 'storageProblems', /minimumTlsVersion/],
      ['FTP allowed', (t) => { (at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig') as JsonObject).ftpsState = 'AllAllowed'; }, 'webAppProblems', /ftpsState/],
      ['Node 20', (t) => { (at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig') as JsonObject).linuxFxVersion = 'NODE|20-lts'; }, 'webAppProblems', /linuxFxVersion/],
      ['a client secret pasted into app settings', (t) => {
        const list = at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig', 'appSettings') as JsonObject[];
        list.find((s) => s.name === 'MICROSOFT_APP_PASSWORD')!.value = 'abc~DEF123ghiJKL456mnoPQR789stuVWX0';
      }, 'webAppProblems', /MICROSOFT_APP_PASSWORD must be a Key Vault reference/],
      ['a misspelt app setting', (t) => {
        (at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig', 'appSettings') as JsonObject[]).push({ name: 'ADMIN_CHANEL_ID', value: 'x' });
      }, 'webAppProblems', /ADMIN_CHANEL_ID is not one the bot reads/],
      ['the wrong role (Contributor)', (t) => { t.variables.roleStorageTableDataContributor = 'b24988ac-6180-42a0-ab88-20f58085e8c1'; }, 'roleProblems', /roleStorageTableDataContributor/],
      ['Key Vault access policies instead of RBAC', (t) => { (single(t, 'Microsoft.KeyVault/vaults').properties as JsonObject).enableRbacAuthorization = false; }, 'keyVaultProblems', /enableRbacAuthorization/],
      ['purge protection off', (t) => { delete (single(t, 'Microsoft.KeyVault/vaults').properties as JsonObject).enablePurgeProtection; }, 'keyVaultProblems', /enablePurgeProtection/],
      ['a multi-tenant bot', (t) => { (single(t, 'Microsoft.BotService/botServices').properties as JsonObject).msaAppType = 'MultiTenant'; }, 'botProblems', /msaAppType/],
      ['the Teams channel removed', (t) => { t.resources = t.resources.filter((r) => r.type !== 'Microsoft.BotService/botServices/channels'); }, 'botProblems', /MsTeamsChannel/],
      ['a plain-string password parameter', (t) => { t.parameters.botAppPassword = { type: 'string', defaultValue: '' }; }, 'parameterProblems', /botAppPassword holds a secret/],
      ['a misspelt parameter reference', (t) => { t.variables.prefix = "[toLower(parameters('namePrefx'))]"; }, 'structureProblems', /parameters\('namePrefx'\) is not declared/],
      ['a dependsOn on a missing resource', (t) => { (single(t, 'Microsoft.Web/sites').dependsOn as Json[]).push("[resourceId('Microsoft.Web/serverfarms', variables('planNme'))]"); }, 'structureProblems', /planNme/],
      ['a reference() without dependsOn', (t) => { single(t, 'Microsoft.Web/sites').dependsOn = []; }, 'structureProblems', /uses reference\(\) of Microsoft\.ManagedIdentity/],
      ['an API version that does not exist', (t) => { single(t, 'Microsoft.KeyVault/vaults').apiVersion = '2023-07-10'; }, 'structureProblems', /apiVersion 2023-07-10 is not one known/],
      ['public network access left on in private mode', (t) => { (single(t, 'Microsoft.Storage/storageAccounts').properties as JsonObject).publicNetworkAccess = 'Enabled'; }, 'privateNetworkProblems', /publicNetworkAccess/],
      ['the vault firewall open to all', (t) => { ((single(t, 'Microsoft.KeyVault/vaults').properties as JsonObject).networkAcls as JsonObject).defaultAction = 'Allow'; }, 'networkRulesProblems', /KeyVault\/vaults networkAcls\.defaultAction/],
      ['the private DNS zone unlinked', (t) => { t.resources = t.resources.filter((r) => r.type !== 'Microsoft.Network/privateDnsZones/virtualNetworkLinks'); }, 'privateNetworkProblems', /not linked to the bot's virtual network/],
      ['VNet integration without route-all', (t) => { (single(t, 'Microsoft.Web/sites').properties as JsonObject).vnetRouteAllEnabled = false; }, 'privateNetworkProblems', /vnetRouteAllEnabled/],
      ['a hard-coded setting', (t) => {
        (at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig', 'appSettings') as JsonObject[]).find((s) => s.name === 'HETU_RETENTION_DAYS')!.value = '90';
      }, 'webAppProblems', /HETU_RETENTION_DAYS = "90" does not come from a parameter/],
      ['a setting the bot reads left out', (t) => {
        const site = at(single(t, 'Microsoft.Web/sites'), 'properties', 'siteConfig') as JsonObject;
        site.appSettings = (site.appSettings as JsonObject[]).filter((s) => s.name !== 'MEETING_INVITES');
      }, 'webAppProblems', /MEETING_INVITES is missing/],
      ['auto swap into production', (t) => { (at(single(t, 'Microsoft.Web/sites/slots'), 'properties', 'siteConfig') as JsonObject).autoSwapSlotName = 'production'; }, 'slotProblems', /autoSwapSlotName/],
      ['a staging setting that would swap into production', (t) => {
        (at(single(t, 'Microsoft.Web/sites/slots'), 'properties', 'siteConfig', 'appSettings') as JsonObject[]).find((s) => s.name === 'ADMIN_LANG')!.value = "[parameters('orgNameFi')]";
      }, 'slotProblems', /staging ADMIN_LANG differs/],
      ['the staging health check removed', (t) => { delete (at(single(t, 'Microsoft.Web/sites/slots'), 'properties', 'siteConfig') as JsonObject).healthCheckPath; }, 'slotProblems', /slot healthCheckPath/],
      ['an alert without the action group', (t) => { (at(resourcesOfType(t, 'Microsoft.Insights/scheduledQueryRules')[0], 'properties', 'actions') as JsonObject).actionGroups = []; }, 'alertProblems', /notifies/],
      ['the dead-letter alert removed', (t) => { t.resources = t.resources.filter((r) => !JSON.stringify(r).includes('dead-lettered')); }, 'alertProblems', /no log alert for a dead-lettered notification/],
      ['an alert on a log line the bot never writes', (t) => {
        const rule = resourcesOfType(t, 'Microsoft.Insights/scheduledQueryRules').find((r) => JSON.stringify(r).includes('retention job failed'))!;
        const criterion = (at(rule, 'properties', 'criteria', 'allOf') as JsonObject[])[0];
        criterion.query = String(criterion.query).replace(/retention job failed/g, 'retention failed');
      }, 'alertProblems', /"retention failed", which the bot never writes/],
      ['the health alert removed', (t) => { t.resources = t.resources.filter((r) => !JSON.stringify(r).includes('HealthCheckStatus')); }, 'alertProblems', /no metric alert on HealthCheckStatus/],
      ['a global bot by default', (t) => { t.parameters.botLocation.defaultValue = 'global'; }, 'botProblems', /default bot location/],
    ];
    for (const [what, edit, check, expected] of edits) {
      it(`reports ${what}`, () => {
        const copy = loadTemplate();
        edit(copy);
        const problems = CHECKS[check](copy);
        assert.ok(problems.some((p) => expected.test(p)), `expected a problem matching ${String(expected)}, got:\n${problems.join('\n')}`);
      });
    }
  });
});
