import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { startAzurite, type AzuriteHandle } from '../../infra/local/azurite';
import { freePort } from '../../infra/local/ports';
import { generateKeySpec } from '../../bot/security/hetuCipher';

const TENANT = '00000000-0000-4000-8000-000000000001';

/** An Entra-shaped access token for Table Storage (Azurite's oauth "basic" checks audience, issuer and lifetime). */
class TestStorageCredential implements TokenCredential {
  scopes: string[] = [];
  constructor(private readonly lifetimeSeconds = 3600) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${TENANT}/`,
      nbf: now - 60, iat: now - 60, exp: now + this.lifetimeSeconds, oid: '11111111-0000-4000-8000-000000000002', tid: TENANT })}.c2lnbmF0dXJl`;
    return { token, expiresOnTimestamp: (now + this.lifetimeSeconds) * 1000 };
  }
}

describe('production mode against Azurite with production-style settings (account URL + Entra credential over HTTPS)', function () {
  this.timeout(60_000);
  let dir: string;
  let azurite: AzuriteHandle;
  let app: RunningApp | undefined;
  let cert: string;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-prod-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-days', '1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      throw new Error('openssl is needed to make the test certificate (Debian package openssl)');
    }
    cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    azurite = await startAzurite({ port: await freePort(), https: { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), oauth: true } });
  });
  after(async () => {
    await app?.stop();
    await azurite?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const productionEnv = async (): Promise<NodeJS.ProcessEnv> => ({
    MICROSOFT_APP_ID: '11111111-2222-4333-8444-555555555555',
    MICROSOFT_APP_TENANT_ID: TENANT,
    MICROSOFT_APP_PASSWORD: 'test-secret-not-used-offline',
    AZURE_TABLES_ACCOUNT_URL: `https://127.0.0.1:${azurite.port}/devstoreaccount1`,
    TABLE_PREFIX: 'prod',
    DIRECTORY: 'file',
    HETU_KEYS: generateKeySpec('k2026'),
    ADMIN_CHANNEL_ID: '19:tilaukset@thread.tacv2',
    ORG_NAME_FI: 'Porvoon kaupunki',
    PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
  });

  it('starts in production mode, reaches the tables with the supplied credential, and authenticates /api/messages', async () => {
    const config = loadConfig(await productionEnv());
    assert.equal(config.mode, 'production');
    assert.equal(config.acceptTestHetus, false);
    const credential = new TestStorageCredential();
    app = await startApp(config, { log: createLogger('silent'), credential, tablesCa: cert, jobs: false });
    assert.ok(credential.scopes.some((s) => s.startsWith('https://storage.azure.com')), 'the Table SDK asked the credential for a storage token');

    const ready = await fetch(`${app.url}/healthz`);
    assert.equal(ready.status, 200);
    assert.equal((await fetch(`${app.url}/healthz/live`)).status, 200);
    assert.equal(await app.deps.orders.nextSequence(2026), 1, 'writes go through with the bearer token');

    const unauthenticated = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hei', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'x' }, conversation: { id: 'c' }, recipient: { id: 'b' } }) });
    assert.equal(unauthenticated.status, 401, 'production never runs an unauthenticated turn');

    await app.stop();
    app = undefined;
  });

  it('fails clearly when the credential is not accepted by storage', async () => {
    const config = loadConfig(await productionEnv());
    await assert.rejects(startApp(config, { log: createLogger('silent'), credential: new TestStorageCredential(-120), tablesCa: cert, jobs: false }),
      /Table Storage did not answer \(AZURE_TABLES_ACCOUNT_URL=https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\)/);
  });

  it('readiness turns 503 when storage stops answering, while liveness stays 200', async () => {
    const config = loadConfig(await productionEnv());
    app = await startApp(config, { log: createLogger('silent'), credential: new TestStorageCredential(), tablesCa: cert, jobs: false });
    await azurite.stop();
    const ready = await fetch(`${app.url}/healthz`);
    assert.equal(ready.status, 503);
    assert.equal((await fetch(`${app.url}/healthz/live`)).status, 200);
  });
});
