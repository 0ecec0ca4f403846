import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { freePort } from '../../infra/local/ports';
import { generateKeySpec } from '../../bot/security/hetuCipher';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { PEOPLE } from '../helpers/botHarness';

const TENANT = '00000000-0000-4000-8000-000000000001';
const APP_ID = '11111111-2222-4333-8444-555555555555';
const PUBLIC_HOST = 'valtuusbotti.example.fi';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** The tenant's signing keys, served like login.microsoftonline.com's discovery/v2.0/keys. */
async function keyServer(jwks: JWK[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: jwks }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${TENANT}/discovery/v2.0/keys`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('reports API in production mode: Teams SSO tokens checked against the tenant keys', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let keys: { url: string; close(): Promise<void> };
  let signing: Key;
  let stranger: Key;

  before(async () => {
    const pair = await generateKeyPair('RS256');
    signing = pair.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    keys = await keyServer([{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }]);
    const azurite = await testAzurite();
    const config = loadConfig({
      MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TENANT_ID: TENANT, MICROSOFT_APP_PASSWORD: 'test-secret-not-used-offline',
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: uniquePrefix('sso'), DIRECTORY: 'file',
      HETU_KEYS: generateKeySpec('k2026'), ADMIN_CHANNEL_ID: '19:tilaukset@thread.tacv2', ORG_NAME_FI: 'Porvoon kaupunki',
      PUBLIC_URL: `https://${PUBLIC_HOST}`, SSO_JWKS_URL: keys.url, PORT: String(await freePort()), LOG_LEVEL: 'silent',
    });
    assert.equal(config.mode, 'production');
    app = await startApp(config, { log: createLogger('silent'), jobs: false });
  });
  after(async () => {
    await app?.stop();
    await keys?.close();
  });

  /** A token as Teams issues it for the tab (v2 endpoint), with any claim or key overridden. */
  async function token(over: { oid?: string; aud?: string; iss?: string; tid?: string; key?: Key; kid?: string; exp?: number; alg?: string } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ oid: over.oid ?? PEOPLE.eija, tid: over.tid ?? TENANT, scp: 'access_as_user' })
      .setProtectedHeader({ alg: over.alg ?? 'RS256', kid: over.kid ?? 'k1', typ: 'JWT' })
      .setIssuer(over.iss ?? `https://login.microsoftonline.com/${TENANT}/v2.0`)
      .setAudience(over.aud ?? `api://${PUBLIC_HOST}/${APP_ID}`)
      .setIssuedAt(now - 60).setNotBefore(now - 60).setExpirationTime(over.exp ?? now + 3600)
      .sign(over.key ?? signing);
  }

  const get = (path: string, bearer?: string) => fetch(`${app.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  it('answers an administrator with the data, marked not local and not cached', async () => {
    const res = await get('/reports/api/data?from=2026-01-01&to=2026-06-30&lang=sv', await token());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.json() as { local: boolean; filters: unknown; labels: Record<string, string>; tables: Record<string, unknown> };
    assert.equal(body.local, false);
    assert.deepEqual(body.filters, { from: '2026-01-01', to: '2026-06-30' });
    assert.equal(body.labels['reports.col.week'], 'Vecka (måndag)');
    assert.deepEqual(Object.keys(body.tables).sort(), ['coverage', 'expiring', 'leadTimes', 'openWork']);
  });

  it('accepts the v1 issuer and the bare app id as the audience', async () => {
    const res = await get('/reports/api/csv?view=expiring', await token({ iss: `https://sts.windows.net/${TENANT}/`, aud: APP_ID }));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  });

  const refused: Array<[string, () => Promise<string | undefined>]> = [
    ['no token', async () => undefined],
    ['a wrong audience', () => token({ aud: 'api://elsewhere.example/99999999-2222-4333-8444-555555555555' })],
    ['a wrong issuer', () => token({ iss: 'https://login.microsoftonline.com/99999999-0000-4000-8000-000000000001/v2.0' })],
    ['another tenant in tid', () => token({ tid: '99999999-0000-4000-8000-000000000001' })],
    ['a signature by another key (same key id)', () => token({ key: stranger })],
    ['a signature by another key (unknown key id)', () => token({ key: stranger, kid: 'k2' })],
    ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 600 })],
    ['an unsigned token', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ oid: PEOPLE.eija, tid: TENANT })).toString('base64url')}.`],
    ['junk', async () => 'not.a.token'],
  ];
  for (const [what, make] of refused) {
    it(`refuses ${what} with 401 and WWW-Authenticate: Bearer`, async () => {
      for (const path of ['/reports/api/data', '/reports/api/csv?view=coverage']) {
        const res = await get(path, await make());
        assert.equal(res.status, 401, `${path}: ${res.status}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        assert.deepEqual(await res.json(), { error: 'unauthorized' });
      }
    });
  }

  it('refuses a valid token of someone who is not an administrator with 403', async () => {
    const res = await get('/reports/api/data', await token({ oid: PEOPLE.mikko }));
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { error: 'forbidden' });
    assert.equal((await get('/reports/api/csv?view=openWork', await token({ oid: PEOPLE.mikko }))).status, 403);
  });

  it('answers junk query strings with 400 or 414, never a 5xx', async () => {
    const bearer = await token();
    const junk = [
      '?from=2026-02-30', '?from=yesterday', '?from=2026-05-01&to=2026-04-01', '?from=2020-01-01&to=2026-01-01', '?from=1999-01-01&to=1999-02-01',
      `?department=${'x'.repeat(201)}`, '?department=%00a', '?from=%zz', '?to=%E0%A4%A', '?from=2026-01-01T00:00',
    ];
    for (const q of junk) {
      const res = await get(`/reports/api/data${q}`, bearer);
      assert.equal(res.status, 400, `${q}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /Error|at |stack/);
    }
    for (const q of ['', '?view=nothing', '?view=', '?view=__proto__']) assert.equal((await get(`/reports/api/csv${q}`, bearer)).status, 400, q);
    assert.equal((await get(`/reports/api/data?department=${'y'.repeat(3000)}`, bearer)).status, 414);
    // Unknown parameters and an unknown language are ignored (Finnish).
    const ok = await get('/reports/api/data?lang=de&x=1&department=', bearer);
    assert.equal(ok.status, 200);
    assert.equal((await ok.json() as { labels: Record<string, string> }).labels['reports.col.week'], 'Viikko (maanantai)');
  });
});
