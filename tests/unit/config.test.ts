import assert from 'node:assert/strict';
import { loadConfig, ConfigError, connectionStringProblem } from '../../bot/config';

const GUID = '11111111-2222-4333-8444-555555555555';
const TENANT = '99999999-2222-4333-8444-555555555555';
const AZURITE = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
}

const production = {
  MICROSOFT_APP_ID: GUID, MICROSOFT_APP_TENANT_ID: TENANT, MICROSOFT_APP_PASSWORD: 'secret-value',
  AZURE_TABLES_ACCOUNT_URL: 'https://acct.table.core.windows.net', ADMIN_GROUP_ID: GUID, SIGNATORY_GROUP_ID: GUID,
  ADMIN_CHANNEL_ID: '19:x@thread.tacv2', KEY_VAULT_URL: 'https://kv.vault.azure.net/', ORG_NAME_FI: 'Porvoon kaupunki', HOST: '0.0.0.0',
};

describe('configuration', () => {
  it('runs in local mode on embedded defaults with no settings at all', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'local');
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.storage.kind, 'embedded');
    assert.equal(c.directory.kind, 'file');
    assert.equal(c.acceptTestHetus, true);
    assert.equal(c.trustClientLocale, false, 'the Agents Playground always says en-US');
  });

  it('refuses to listen beyond loopback in local mode', () => {
    assert.match(problems({ HOST: '0.0.0.0' }).join('\n'), /HOST="0\.0\.0\.0" is not allowed in local mode/);
  });

  it('names a malformed connection string and how to fix it', () => {
    const p = problems({ AZURE_TABLES_CONNECTION_STRING: 'AccountName=x;AccountKey=not base64!' });
    assert.equal(p.length, 1);
    assert.match(p[0], /AZURE_TABLES_CONNECTION_STRING is malformed: AccountKey is not base64/);
    assert.match(p[0], /Access keys/);
  });

  it('accepts Azurite connection strings', () => {
    assert.equal(connectionStringProblem(AZURITE), undefined);
    assert.equal(connectionStringProblem('UseDevelopmentStorage=true'), undefined);
    assert.match(connectionStringProblem('garbage') ?? '', /Key=Value/);
  });

  it('accepts a complete production configuration and never accepts test henkilötunnus codes there', () => {
    const c = loadConfig(production);
    assert.equal(c.mode, 'production');
    assert.equal(c.acceptTestHetus, false);
    assert.equal(c.trustClientLocale, true);
    assert.deepEqual(c.bot, { kind: 'secret', appId: GUID, tenantId: TENANT, password: 'secret-value' });
    assert.equal(c.storage.kind, 'accountUrl');
    assert.equal(c.directory.kind, 'graph');
    assert.equal(c.hetuKeys.kind, 'keyVault');
  });

  for (const missing of ['MICROSOFT_APP_TENANT_ID', 'AZURE_TABLES_ACCOUNT_URL', 'ADMIN_GROUP_ID', 'SIGNATORY_GROUP_ID', 'ADMIN_CHANNEL_ID', 'KEY_VAULT_URL', 'ORG_NAME_FI'] as const) {
    it(`production without ${missing} fails with a message naming it`, () => {
      const env: NodeJS.ProcessEnv = { ...production };
      delete env[missing];
      const p = problems(env).join('\n');
      assert.ok(p.includes(missing) || (missing === 'AZURE_TABLES_ACCOUNT_URL' && p.includes('AZURE_TABLES_ACCOUNT_URL')), p);
    });
  }

  it('checks the reports tab sign-in against the tenant: its keys, its two issuers, the app as the audience', () => {
    assert.equal(loadConfig({}).sso, undefined, 'local mode: no sign-in');
    assert.deepEqual(loadConfig(production).sso, {
      tenantId: TENANT,
      jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      issuers: [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
      audiences: [GUID],
    });
    const c = loadConfig({ ...production, PUBLIC_URL: 'https://valtuudet.porvoo.fi/', SSO_JWKS_URL: 'https://login.microsoftonline.us/t/discovery/v2.0/keys' });
    assert.deepEqual(c.sso?.audiences, [`api://valtuudet.porvoo.fi/${GUID}`, GUID]);
    assert.equal(c.sso?.jwksUrl, 'https://login.microsoftonline.us/t/discovery/v2.0/keys');
    assert.equal(loadConfig({ ...production, SSO_JWKS_URL: 'http://127.0.0.1:4000/keys' }).sso?.jwksUrl, 'http://127.0.0.1:4000/keys');
    assert.match(problems({ ...production, SSO_JWKS_URL: 'http://keys.example.com/keys' }).join('\n'), /SSO_JWKS_URL="http:\/\/keys\.example\.com\/keys" must be an https:\/\/ URL/);
  });

  it('production needs a credential for the app id', () => {
    const env: NodeJS.ProcessEnv = { ...production };
    delete env.MICROSOFT_APP_PASSWORD;
    assert.match(problems(env).join('\n'), /MICROSOFT_APP_PASSWORD.*MICROSOFT_APP_CERT_THUMBPRINT.*UserAssignedMSI/);
    assert.equal(loadConfig({ ...env, MICROSOFT_APP_TYPE: 'UserAssignedMSI' }).bot.kind, 'managedIdentity');
  });

  it('never echoes a secret in its messages', () => {
    const p = problems({ ...production, MICROSOFT_APP_PASSWORD: 'super-secret-123', PORT: 'abc' }).join('\n');
    assert.match(p, /PORT="abc"/);
    assert.ok(!p.includes('super-secret-123'));
  });

  it('rejects ids that are not GUIDs and unknown values', () => {
    const p = problems({ MICROSOFT_APP_ID: 'bot', DIRECTORY: 'ldap', LOG_LEVEL: 'loud', MANAGER_APPROVAL: 'maybe' }).join('\n');
    assert.match(p, /MICROSOFT_APP_ID must be a GUID/);
    assert.match(p, /DIRECTORY="ldap"/);
    assert.match(p, /LOG_LEVEL="loud"/);
    assert.match(p, /MANAGER_APPROVAL="maybe" must be true or false/);
  });

  it('takes a valid Application Insights connection string and names the variable when one is broken', () => {
    const good = `InstrumentationKey=${GUID};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/`;
    assert.equal(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: good }).appInsightsConnectionString, good);
    assert.equal(loadConfig({}).appInsightsConnectionString, undefined);
    for (const [bad, why] of [
      ['just-a-key', /not a list of Key=Value pairs/],
      ['IngestionEndpoint=https://x.example/', /InstrumentationKey is missing/],
      ['InstrumentationKey=abc', /InstrumentationKey is not a GUID/],
      [`InstrumentationKey=${GUID};IngestionEndpoint=westeurope`, /IngestionEndpoint is not a URL/],
    ] as const) {
      const p = problems({ APPLICATIONINSIGHTS_CONNECTION_STRING: bad }).join('\n');
      assert.match(p, /APPLICATIONINSIGHTS_CONNECTION_STRING is not valid/);
      assert.match(p, why);
      if (bad.length > 12) assert.ok(!p.includes(bad), 'the value itself is not echoed');
    }
  });
});
