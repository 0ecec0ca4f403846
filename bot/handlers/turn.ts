import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Deps } from '../services/deps';
import type { DirectoryUser } from '../../graph/directory';
import type { Actor } from '../domain/policies';
import type { Glossary } from '../domain/glossary';
import type { CatalogStore } from '../store/catalogStore';
import { langFromLocale, translator, type Lang, type Translate } from '../i18n';
import { card, text, type AdaptiveCard } from '../../cards/card';

/** Who is acting in this turn, in which language, with a correlation id for logs and error messages. */
export interface Turn {
  ctx: TurnContext;
  userId: string;
  user: DirectoryUser | undefined;
  lang: Lang;
  tr: Translate;
  correlationId: string;
  log: Logger;
}

export interface HandlerDeps extends Deps {
  log: Logger;
  glossary: Glossary;
  /** Administrators: held-by-organisation toggles (writes a new catalog version). */
  catalogStore: CatalogStore;
}

/** Builds the turn: the user from the directory (by Entra object id), the language, a child logger. */
export async function resolveTurn(deps: HandlerDeps, ctx: TurnContext): Promise<Turn> {
  const a = ctx.activity;
  const userId = a.from?.aadObjectId ?? '';
  const correlationId = randomUUID().slice(0, 8);
  const [user, record] = await Promise.all([
    userId ? deps.directory.getUser(userId) : Promise.resolve(undefined),
    userId ? deps.users.get(userId) : Promise.resolve(undefined),
  ]);
  const lang = record?.lang
    ?? (deps.config.trustClientLocale ? langFromLocale(a.locale) : undefined)
    ?? langFromLocale(user?.preferredLanguage)
    ?? 'fi';
  const log = deps.log.child({ cid: correlationId, activity: a.type, conv: a.conversation?.conversationType });
  return { ctx, userId, user, lang, tr: translator(lang), correlationId, log };
}

/** The actor for policy checks: group membership is asked from the directory, never taken from the card. */
export async function actorOf(deps: Deps, userId: string): Promise<Actor> {
  const [isAdministrator, isSignatory] = await Promise.all([
    deps.directory.isMember(userId, 'administrators'),
    deps.directory.isMember(userId, 'signatories'),
  ]);
  // Self-processing: when the administrators' group has one member (nobody else could), or by setting.
  const maySelfProcess = isAdministrator
    && (deps.config.allowSelfProcessing || (await deps.directory.listMembers('administrators')).length === 1);
  return { id: userId, isAdministrator, isSignatory, maySelfProcess };
}

export async function sendCard(ctx: TurnContext, c: AdaptiveCard): Promise<string | undefined> {
  const r = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(c)));
  return r?.id;
}

/** A polite error card with the correlation id; the details go to the log without personal data. */
export function errorCard(turn: Pick<Turn, 'tr' | 'correlationId'>): AdaptiveCard {
  return card([text(turn.tr('common.error', { id: turn.correlationId }), { color: 'Attention' })]);
}

export function noticeCard(message: string, color?: 'Attention' | 'Good' | 'Warning'): AdaptiveCard {
  return card([text(message, color ? { color } : {})]);
}

/** The reference of a personal conversation, to remember for proactive messages. */
export function referenceOf(activity: Activity) {
  return TurnContext.getConversationReference(activity);
}
