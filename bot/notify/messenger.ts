import { ActivityTypes } from 'botbuilder';
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { OutgoingMessage } from '../presenters/notifications';

/** A failed delivery as the dispatcher needs it: HTTP status and Retry-After, no payload. */
export class DeliveryError extends Error {
  constructor(readonly status: number, readonly retryAfterMs: number | undefined, message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}


export interface ChannelPost { conversationId: string; activityId: string }

/** What the outbox dispatcher needs from Teams. Implemented on the Bot Framework connector (CloudAdapter). */
export interface Messenger {
  postToChannel(channelId: string, message: OutgoingMessage): Promise<ChannelPost>;
  updateInChannel(post: ChannelPost, message: OutgoingMessage): Promise<void>;
  replyInThread(post: ChannelPost, message: OutgoingMessage): Promise<void>;
  /** A personal message: through the stored conversation, or a new 1:1 conversation with the user. */
  sendPersonal(target: { userId: string; reference?: Partial<ConversationReference> }, message: OutgoingMessage): Promise<void>;
}

export interface BotConnectorMessengerOptions {
  adapter: CloudAdapter;
  appId: string;
  /** The tenant (configured, or the one activities came from in local mode). */
  tenantId: () => string;
  /** Where the connector lives when no reference says it (Teams: the regional service URL). */
  serviceUrl: () => string;
}

export class BotConnectorMessenger implements Messenger {
  constructor(private readonly o: BotConnectorMessengerOptions) {}

  async postToChannel(channelId: string, message: OutgoingMessage): Promise<ChannelPost> {
    let post: ChannelPost | undefined;
    await this.guard(async (capture) => {
      await this.o.adapter.createConversationAsync(this.o.appId, 'msteams', this.o.serviceUrl(), '', {
        isGroup: true,
        channelData: { channel: { id: channelId }, tenant: { id: this.o.tenantId() } },
        activity: { type: ActivityTypes.Message, ...toActivity(message) },
        tenantId: this.o.tenantId(),
      } as never, async (ctx) => capture(async () => {
        const conversationId = ctx.activity.conversation.id;
        const activityId = /;messageid=(.+)$/.exec(conversationId)?.[1] ?? ctx.activity.id ?? '';
        post = { conversationId, activityId };
      }));
    });
    if (!post) throw new DeliveryError(0, undefined, 'Channel post returned no conversation');
    return post;
  }

  async updateInChannel(post: ChannelPost, message: OutgoingMessage): Promise<void> {
    await this.continueIn(this.channelRef(post), (ctx) => ctx.updateActivity({ id: post.activityId, type: ActivityTypes.Message, ...toActivity(message) }));
  }

  async replyInThread(post: ChannelPost, message: OutgoingMessage): Promise<void> {
    await this.continueIn(this.channelRef(post), (ctx) => ctx.sendActivity({ type: ActivityTypes.Message, ...toActivity(message) }));
  }

  async sendPersonal(target: { userId: string; reference?: Partial<ConversationReference> }, message: OutgoingMessage): Promise<void> {
    if (target.reference?.conversation?.id) {
      await this.continueIn(target.reference, (ctx) => ctx.sendActivity({ type: ActivityTypes.Message, ...toActivity(message) }));
      return;
    }
    await this.guard(async (capture) => {
      await this.o.adapter.createConversationAsync(this.o.appId, 'msteams', this.o.serviceUrl(), '', {
        isGroup: false,
        bot: { id: this.o.appId || 'bot', name: 'Valtuusbotti' },
        members: [{ id: target.userId, name: '' }],
        tenantId: this.o.tenantId(),
        channelData: { tenant: { id: this.o.tenantId() } },
      } as never, async (ctx) => capture(async () => { await ctx.sendActivity({ type: ActivityTypes.Message, ...toActivity(message) }); }));
    });
  }

  private channelRef(post: ChannelPost): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: this.o.serviceUrl(),
      conversation: { id: post.conversationId, isGroup: true, conversationType: 'channel', tenantId: this.o.tenantId(), name: '' },
      bot: { id: this.o.appId, name: 'Valtuusbotti' },
    } as Partial<ConversationReference>;
  }

  private async continueIn(ref: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<unknown>): Promise<void> {
    await this.guard(async (capture) => {
      await this.o.adapter.continueConversationAsync(this.o.appId, ref, async (ctx) => capture(async () => { await logic(ctx); }));
    });
  }

  /**
   * botbuilder routes errors thrown inside proactive logic to onTurnError and resolves; capture them so the
   * dispatcher learns the connector's status (429, 403, …) and can retry or give up.
   */
  private async guard(run: (capture: (fn: () => Promise<void>) => Promise<void>) => Promise<void>): Promise<void> {
    let failure: unknown;
    await run(async (fn) => { try { await fn(); } catch (err) { failure = err; } });
    if (failure !== undefined) throw toDeliveryError(failure);
  }
}

function toActivity(message: OutgoingMessage): Partial<Activity> {
  const out: Partial<Activity> = {};
  if (message.text) out.text = message.text;
  if (message.card) out.attachments = [{ contentType: 'application/vnd.microsoft.card.adaptive', content: message.card }];
  return out;
}

export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { statusCode?: number; status?: number; response?: { headers?: { get?: (n: string) => string | undefined | null } } ; message?: string };
  const status = Number(e?.statusCode ?? e?.status ?? 0);
  const header = e?.response?.headers?.get?.('retry-after') ?? undefined;
  let retryAfterMs: number | undefined;
  if (header) {
    const seconds = Number(header);
    retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(header) - Date.now());
  }
  return new DeliveryError(status, retryAfterMs, `Connector answered ${status || 'with an error'}`);
}
