import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../manifest/build';

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

function expectValue(problems: string[], where: string, actual: Json | undefined, expected: Json): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${where} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

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

/** The names bot/config.ts reads; anything else in app settings is a typo the bot would silently ignore. */
const APP_SETTINGS = [
  'MICROSOFT_APP_ID', 'MICROSOFT_APP_TYPE', 'MICROSOFT_APP_TENANT_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_CERT_THUMBPRINT',
  'MICROSOFT_APP_CERT_KEY_FILE', 'AZURE_CLIENT_ID', 'AZURE_TABLES_ACCOUNT_URL', 'TABLE_PREFIX', 'DIRECTORY', 'GRAPH_TENANT_ID',
  'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET', 'ADMIN_GROUP_ID', 'SIGNATORY_GROUP_ID', 'ADMIN_TEAM_ID', 'ADMIN_CHANNEL_ID',
  'KEY_VAULT_URL', 'HETU_KEY_SECRET_NAME', 'ORG_NAME_FI', 'ORG_NAME_SV', 'ORG_NAME_EN', 'MANAGER_APPROVAL',
  'APPLICATIONINSIGHTS_CONNECTION_STRING', 'LOG_LEVEL', 'HOST',
];

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
  for (const name of APP_SETTINGS) if (!settings.has(name)) problems.push(`app setting ${name} is missing`);
  for (const name of settings.keys()) {
    if (!APP_SETTINGS.includes(name) && !/^(WEBSITE|SCM)_/.test(name)) problems.push(`app setting ${name} is not one the bot reads`);
  }
  for (const localOnly of ['AZURE_TABLES_CONNECTION_STRING', 'HETU_KEYS']) if (settings.has(localOnly)) problems.push(`${localOnly} is for local use only`);
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
  const teams = resourcesOfType(t, 'Microsoft.BotService/botServices/channels').find((c) => at(c, 'properties', 'channelName') === 'MsTeamsChannel');
  if (!teams) problems.push('the bot has no MsTeamsChannel');
  expectValue(problems, 'Teams channel enabled', at(teams, 'properties', 'properties', 'isEnabled'), true);
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

const CHECKS = { structureProblems, storageProblems, webAppProblems, roleProblems, keyVaultProblems, observabilityProblems, botProblems, parameterProblems };

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
      ['a reference() without dependsOn', (t) => { single(t, 'Microsoft.Web/sites').dependsOn = []; }, 'structureProblems', /uses reference\(\) of Microsoft\.KeyVault\/vaults/],
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
