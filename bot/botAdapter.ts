import {
  AuthenticationConstants, BotFrameworkAuthentication, ConnectorFactory,
  type AuthenticateRequestResult, type BotFrameworkClient, type ClaimsIdentity, type ConnectorClient, type UserTokenClient,
} from 'botframework-connector';
import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';

/**
 * The app's adapter: CloudAdapter with one more way in, for a request whose body our front door has already read
 * and checked (bot/http). CloudAdapter.process() builds its zod schemas anew on every request, which cost more
 * than the rest of its work; this is the processActivity it calls after them, with the same answers.
 */
export class TeamsAdapter extends CloudAdapter {
  processTurn(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** Connector clients kept (app id × service URL × audience); Teams uses a handful of regional service URLs. */
const MAX_CLIENTS = 64;

/**
 * Bot Framework authentication that makes each connector client once and reuses it, as Microsoft's guidance for
 * the connector has it (botbuilder-dotnet #875, #883; the old BotFrameworkAdapter cached them too). CloudAdapter
 * asks for a new ConnectorClient and a new UserTokenClient on every turn and every proactive send, and each
 * builds an HTTP pipeline of a dozen policies: in the bench that was about 7 % of the app's CPU, plus the garbage.
 * Authentication itself (the token check of each request) is the wrapped one's, unchanged; a client depends only
 * on the bot's app id (from the claims), the service URL and the audience, and its credentials renew their own
 * tokens. A creation that fails is not kept.
 */
export class ReusedClientsAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new BoundedCache<ConnectorClient>(MAX_CLIENTS);
  private readonly tokenClients = new BoundedCache<UserTokenClient>(MAX_CLIENTS);

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusing(await this.inner.authenticateRequest(activity, authHeader));
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusing(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusingConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity), this.connectors);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient { return this.inner.createBotFrameworkClient(); }
  override getOriginatingAudience(): string { return this.inner.getOriginatingAudience(); }
  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> { return this.inner.authenticateChannelRequest(authHeader); }

  private reusing(result: AuthenticateRequestResult): AuthenticateRequestResult {
    const factory = result.connectorFactory;
    return factory ? { ...result, connectorFactory: new ReusingConnectorFactory(factory, appIdOf(result.claimsIdentity), this.connectors) } : result;
  }
}

class ReusingConnectorFactory extends ConnectorFactory {
  constructor(private readonly inner: ConnectorFactory, private readonly appId: string, private readonly clients: BoundedCache<ConnectorClient>) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.clients.get(`${this.appId}\n${serviceUrl}\n${audience ?? ''}`, () => this.inner.create(serviceUrl, audience));
  }
}

/** The bot's app id as the connector factories read it from the claims ('' for unauthenticated local mode). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** Promises by key, the oldest dropped past `max`; a rejected one is forgotten so the next call tries again. */
class BoundedCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  constructor(private readonly max: number) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) return known;
    const made = make();
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, made);
    made.catch(() => { if (this.entries.get(key) === made) this.entries.delete(key); });
    return made;
  }
}
