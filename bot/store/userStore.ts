import type { TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import type { Lang } from '../i18n/lang';
import { isLang } from '../i18n/lang';
import { Tables, isStatus } from './tables';
import { safeKey } from './entities';

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
  /** The app was uninstalled from the personal scope: the reference goes (the chosen language stays). */
  forgetConversation(userId: string): Promise<void>;
}

/** Table-backed users with a short in-process cache: the greeting turn must not pay a storage round trip. */
export class TableUserStore implements UserStore {
  private readonly table: TableClient;
  private readonly cache = new Map<string, { record: UserRecord | undefined; until: number }>();
  /** Reads in flight, by person: a second get() while one is reading waits for that one. */
  private readonly reading = new Map<string, Promise<UserRecord | undefined>>();

  constructor(tables: Tables, private readonly ttlMs = 60_000, private readonly maxEntries = 20_000) {
    this.table = tables.client('users');
  }

  async get(userId: string): Promise<UserRecord | undefined> {
    const hit = this.cache.get(userId);
    if (hit && hit.until > Date.now()) return hit.record;
    // A turn asks twice at once (storing the conversation reference, and the language): one read answers both.
    const pending = this.reading.get(userId);
    if (pending) return pending;
    const read = this.load(userId, hit).finally(() => this.reading.delete(userId));
    this.reading.set(userId, read);
    return read;
  }

  private async load(userId: string, hit: { record: UserRecord | undefined; until: number } | undefined): Promise<UserRecord | undefined> {
    const e = await this.read(userRow(userId)) ?? await this.moveLegacy(userId);
    const record: UserRecord | undefined = e && {
      userId,
      lang: isLang(e.lang) ? e.lang : undefined,
      conversation: e.conversation ? (JSON.parse(e.conversation) as Partial<ConversationReference>) : undefined,
    };
    // A write of this person finished while we read (e.g. the turn's own reference being stored): what it
    // remembered is newer than what we read, and is kept.
    const meanwhile = this.cache.get(userId);
    if (meanwhile && meanwhile !== hit && meanwhile.until > Date.now()) return meanwhile.record;
    this.remember(userId, record);
    return record;
  }

  async setLanguage(userId: string, lang: Lang | undefined): Promise<void> {
    // Read first: a row in the old layout is moved before this write, never over it.
    await this.peek(userId);
    await this.table.upsertEntity({ ...userRow(userId), lang: lang ?? '' }, 'Merge');
    const current = await this.peek(userId);
    this.remember(userId, { ...(current ?? { userId }), lang });
  }

  async rememberConversation(userId: string, ref: Partial<ConversationReference>): Promise<void> {
    const current = await this.get(userId);
    const slim = slimReference(ref);
    if (current?.conversation && JSON.stringify(current.conversation) === JSON.stringify(slim)) return;
    await this.table.upsertEntity(conversationRow(userId, slim), 'Merge');
    // Merge into what is cached now: a language chosen while this write was in flight must not be overwritten.
    const latest = this.cache.get(userId)?.record ?? current;
    this.remember(userId, { ...(latest ?? { userId }), conversation: slim });
  }

  async forgetConversation(userId: string): Promise<void> {
    // Written whatever the cache says: a reference stored by another instance, or in flight here, must go too.
    const current = await this.get(userId);
    await this.table.upsertEntity({ ...userRow(userId), conversation: '' }, 'Merge');
    this.remember(userId, { ...(current ?? { userId }), conversation: undefined });
  }

  private async read(key: { partitionKey: string; rowKey: string }): Promise<StoredUser | undefined> {
    try {
      return await this.table.getEntity<StoredUser>(key.partitionKey, key.rowKey);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * A row of the old layout (everyone in partition `user`): copied to the person's own partition — only if that is
   * still empty, since anything written there is newer — then removed. A crash in between leaves a row no read sees.
   */
  private async moveLegacy(userId: string): Promise<StoredUser | undefined> {
    const old = await this.read({ partitionKey: LEGACY_PARTITION, rowKey: userId });
    if (!old) return undefined;
    const { lang, conversation } = old;
    let moved: StoredUser | undefined = old;
    try {
      await this.table.createEntity({ ...userRow(userId), ...(lang !== undefined ? { lang } : {}), ...(conversation !== undefined ? { conversation } : {}) });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      moved = await this.read(userRow(userId));
    }
    try {
      await this.table.deleteEntity(LEGACY_PARTITION, userId);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    return moved;
  }

  private async peek(userId: string): Promise<UserRecord | undefined> {
    return this.cache.get(userId)?.record ?? this.get(userId);
  }

  private remember(userId: string, record: UserRecord | undefined): void {
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(userId, { record, until: Date.now() + this.ttlMs });
  }
}

/** A person's stored row (the `users` table). */
interface StoredUser { lang?: string; conversation?: string }

/**
 * Where a person's row lives: their own partition (a point read at any size; Table Storage serves a partition from
 * one server, so one partition for tens of thousands of people would be a hot spot, and Azurite finds a row by
 * scanning its partition). Rows written before this layout are in LEGACY_PARTITION, RowKey = the id, and are moved
 * on first read.
 */
export function userRow(userId: string): { partitionKey: string; rowKey: string } {
  return { partitionKey: safeKey(userId), rowKey: 'user' };
}
const LEGACY_PARTITION = 'user';

/** A person's row with the conversation reference the bot keeps of them (their language, when chosen, is merged beside it). */
export function conversationRow(userId: string, ref: Partial<ConversationReference>): { partitionKey: string; rowKey: string; conversation: string } {
  return { ...userRow(userId), conversation: JSON.stringify(slimReference(ref)) };
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
