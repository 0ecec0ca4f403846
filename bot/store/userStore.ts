import type { TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import type { Lang } from '../i18n/lang';
import { isLang } from '../i18n/lang';
import { Tables, isStatus } from './tables';

/** What the bot remembers of a person: a chosen language and where to reach them proactively. */
export interface UserRecord {
  userId: string;
  /** Language the person chose with the "language" command; undefined = follow Teams and the directory. */
  lang?: Lang;
  /** The personal conversation, stored at install and first message, for proactive messages. */
  conversation?: Partial<ConversationReference>;
}

export interface UserStore {
  get(userId: string): Promise<UserRecord | undefined>;
  setLanguage(userId: string, lang: Lang | undefined): Promise<void>;
  /** Stores the reference when it is new or changed (cheap to call on every turn). */
  rememberConversation(userId: string, ref: Partial<ConversationReference>): Promise<void>;
}

/** Table-backed users with a short in-process cache: the greeting turn must not pay a storage round trip. */
export class TableUserStore implements UserStore {
  private readonly table: TableClient;
  private readonly cache = new Map<string, { record: UserRecord | undefined; until: number }>();

  constructor(tables: Tables, private readonly ttlMs = 60_000, private readonly maxEntries = 20_000) {
    this.table = tables.client('users');
  }

  async get(userId: string): Promise<UserRecord | undefined> {
    const hit = this.cache.get(userId);
    if (hit && hit.until > Date.now()) return hit.record;
    let record: UserRecord | undefined;
    try {
      const e = await this.table.getEntity<{ lang?: string; conversation?: string }>('user', userId);
      record = {
        userId,
        lang: isLang(e.lang) ? e.lang : undefined,
        conversation: e.conversation ? (JSON.parse(e.conversation) as Partial<ConversationReference>) : undefined,
      };
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    this.remember(userId, record);
    return record;
  }

  async setLanguage(userId: string, lang: Lang | undefined): Promise<void> {
    await this.table.upsertEntity({ partitionKey: 'user', rowKey: userId, lang: lang ?? '' }, 'Merge');
    const current = await this.peek(userId);
    this.remember(userId, { ...(current ?? { userId }), lang });
  }

  async rememberConversation(userId: string, ref: Partial<ConversationReference>): Promise<void> {
    const current = await this.get(userId);
    const slim = slimReference(ref);
    if (current?.conversation && JSON.stringify(current.conversation) === JSON.stringify(slim)) return;
    await this.table.upsertEntity({ partitionKey: 'user', rowKey: userId, conversation: JSON.stringify(slim) }, 'Merge');
    // Runs beside the turn (not awaited): a language chosen meanwhile is in the cache now and must not be undone.
    const latest = this.cache.get(userId)?.record ?? current;
    this.remember(userId, { ...(latest ?? { userId }), conversation: slim });
  }

  private async peek(userId: string): Promise<UserRecord | undefined> {
    return this.cache.get(userId)?.record ?? this.get(userId);
  }

  private remember(userId: string, record: UserRecord | undefined): void {
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(userId, { record, until: Date.now() + this.ttlMs });
  }
}

/** Keeps only what continueConversation needs (no message text, no activity id). */
export function slimReference(ref: Partial<ConversationReference>): Partial<ConversationReference> {
  return {
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    conversation: ref.conversation && { id: ref.conversation.id, conversationType: ref.conversation.conversationType,
      tenantId: ref.conversation.tenantId, isGroup: ref.conversation.isGroup, name: '' },
    bot: ref.bot && { id: ref.bot.id, name: ref.bot.name },
    user: ref.user && { id: ref.user.id, name: '', aadObjectId: ref.user.aadObjectId },
  } as Partial<ConversationReference>;
}
