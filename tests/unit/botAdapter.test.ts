import assert from 'node:assert/strict';
import {
  AuthenticationConstants, BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory,
  type AuthenticateRequestResult, type UserTokenClient,
} from 'botframework-connector';
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { ReusedClientsAuthentication } from '../../bot/botAdapter';

const activity = { type: 'message', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/' } as Activity;

/** The real (unauthenticated, local-mode) Bot Framework authentication, counting the clients it makes. */
function countingAuth(): { auth: BotFrameworkAuthentication; made: { connectors: number; tokenClients: number }; failNext: () => void } {
  const real = new ConfigurationBotFrameworkAuthentication({});
  const made = { connectors: 0, tokenClients: 0 };
  let fail = false;
  const counting = (factory: ConnectorFactory): ConnectorFactory => new (class extends ConnectorFactory {
    async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
      if (fail) { fail = false; throw new Error('credentials unavailable'); }
      made.connectors++;
      return factory.create(serviceUrl, audience);
    }
  })();
  const auth = new (class extends BotFrameworkAuthentication {
    async authenticateRequest(a: Activity, header: string): Promise<AuthenticateRequestResult> {
      const r = await real.authenticateRequest(a, header);
      assert.ok(r.connectorFactory);
      return { ...r, connectorFactory: counting(r.connectorFactory) };
    }
    authenticateStreamingRequest(h: string, c: string): Promise<AuthenticateRequestResult> { return real.authenticateStreamingRequest(h, c); }
    createConnectorFactory(claims: ClaimsIdentity): ConnectorFactory { return counting(real.createConnectorFactory(claims)); }
    async createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient> { made.tokenClients++; return real.createUserTokenClient(claims); }
  })();
  return { auth, made, failNext: () => { fail = true; } };
}

describe('ReusedClientsAuthentication: one connector client per app id, service URL and audience, not one per turn', () => {
  it('turns and proactive sends to the same service URL share one ConnectorClient and one UserTokenClient', async () => {
    const { auth, made } = countingAuth();
    const reused = new ReusedClientsAuthentication(auth);
    const clients: ConnectorClient[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await reused.authenticateRequest(activity, '');
      assert.ok(r.connectorFactory);
      clients.push(await r.connectorFactory.create(activity.serviceUrl, r.audience));
      await reused.createUserTokenClient(r.claimsIdentity);
    }
    const proactive = reused.createConnectorFactory(new ClaimsIdentity([], true));
    clients.push(await proactive.create(activity.serviceUrl, (await reused.authenticateRequest(activity, '')).audience));
    assert.ok(clients[0] instanceof ConnectorClient);
    assert.ok(clients.every((c) => c === clients[0]), 'the same client every time');
    assert.deepEqual(made, { connectors: 1, tokenClients: 1 });
  });

  it('another service URL, audience or bot app id gets a client of its own', async () => {
    const { auth, made } = countingAuth();
    const reused = new ReusedClientsAuthentication(auth);
    const anonymous = new ClaimsIdentity([], true);
    const other = new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: 'other-bot' }], true);
    const a = await reused.createConnectorFactory(anonymous).create('http://127.0.0.1:1/', 'aud');
    const b = await reused.createConnectorFactory(anonymous).create('http://127.0.0.1:2/', 'aud');
    const c = await reused.createConnectorFactory(anonymous).create('http://127.0.0.1:1/', 'other-aud');
    const d = await reused.createConnectorFactory(other).create('http://127.0.0.1:1/', 'aud');
    assert.equal(new Set([a, b, c, d]).size, 4);
    assert.equal(made.connectors, 4);
  });

  it('a creation that failed is not kept: the next call makes the client', async () => {
    const { auth, made, failNext } = countingAuth();
    const reused = new ReusedClientsAuthentication(auth);
    const factory = reused.createConnectorFactory(new ClaimsIdentity([], true));
    failNext();
    await assert.rejects(factory.create('http://127.0.0.1:1/'), /credentials unavailable/);
    assert.ok(await factory.create('http://127.0.0.1:1/') instanceof ConnectorClient);
    assert.equal(made.connectors, 1);
  });

  it('keeps at most 64 clients: a stream of service URLs (local mode takes them from the activity) does not grow it', async () => {
    const { auth, made } = countingAuth();
    const reused = new ReusedClientsAuthentication(auth);
    const factory = reused.createConnectorFactory(new ClaimsIdentity([], true));
    for (let i = 0; i < 200; i++) await factory.create(`http://127.0.0.1:${1000 + i}/`);
    await factory.create('http://127.0.0.1:1199/');
    assert.equal(made.connectors, 200, 'the newest is still kept');
    await factory.create('http://127.0.0.1:1000/');
    assert.equal(made.connectors, 201, 'the oldest was dropped');
  });
});
