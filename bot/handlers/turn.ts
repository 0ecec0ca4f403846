import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Deps } from '../services/deps';
import type { AppDeps } from '../services/appDeps';
import { userRecord } from '../services/people';
import type { DirectoryUser } from '../../graph/directory';
import type { Actor } from '../domain/policies';
import type { Glossary } from '../domain/glossary';
import type { CardTemplates } from '../templates/cardTemplates';
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

/** What the chat's handlers are given: the use cases' dependencies plus the logger, glossary and card templates. */
export interface HandlerDeps extends AppDeps {
  log: Logger;
  glossary: Glossary;
  /** The organisation's welcome, help and instructions cards (checked at start); default: the shipped ones. */
  cardTemplates?: CardTemplates;
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

/**
 * Turn setup (directory + user record) may take at most this long: during a storage or directory outage the user
 * hears "try again shortly" within a few seconds, and an invoke is answered well inside Teams' limit (10 s).
 */
export const TURN_SETUP_TIMEOUT_MS = 3000;

/**
 * Builds the turn: the user from the directory (by Entra object id), the language, a child logger. Never throws
 * and never waits more than timeoutMs: on an outage it returns a turn in the best language it can tell (stored
 * choice, client locale if trusted, directory language, Finnish: the same order as always) with `unavailable` set.
 */
export async function resolveTurnSafely(deps: HandlerDeps, ctx: TurnContext, timeoutMs = TURN_SETUP_TIMEOUT_MS): Promise<Turn & { unavailable: boolean }> {
  const a = ctx.activity;
  const userId = typeof a.from?.aadObjectId === 'string' ? a.from.aadObjectId : '';
  const correlationId = randomUUID().slice(0, 8);
  const [user, record] = await Promise.allSettled([
    userId ? withTimeout(deps.directory.getUser(userId), timeoutMs) : Promise.resolve(undefined),
    userId ? withTimeout(userRecord(deps, userId), timeoutMs) : Promise.resolve(undefined),
  ]);
  const found = user.status === 'fulfilled' ? user.value : undefined;
  const lang = (record.status === 'fulfilled' ? record.value?.lang : undefined)
    ?? (deps.config.trustClientLocale ? langFromLocale(a.locale) : undefined)
    ?? langFromLocale(found?.preferredLanguage)
    ?? 'fi';
  const log = deps.log.child({ cid: correlationId, activity: a.type, conv: a.conversation?.conversationType });
  const unavailable = user.status === 'rejected' || record.status === 'rejected';
  if (unavailable) {
    const err = user.status === 'rejected' ? user.reason : (record as PromiseRejectedResult).reason;
    log.warn({ err: { name: (err as Error)?.name, code: (err as { code?: string })?.code } }, 'turn setup failed: storage or directory unavailable');
  }
  return { ctx, userId, user: found, lang, tr: translator(lang), correlationId, log, unavailable };
}

/** Raised when a dependency does not answer in time. */
export class DependencyTimeout extends Error {
  constructor() { super('dependency timed out'); this.name = 'DependencyTimeout'; }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DependencyTimeout()), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}

/** True when an error means storage (or another dependency) is down or overloaded, not that the input was wrong. */
export function isOutage(err: unknown): boolean {
  if (err instanceof DependencyTimeout) return true;
  const e = err as { name?: string; code?: string; statusCode?: number } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'REQUEST_SEND_ERROR'].includes(e.code)) return true;
  if (e.name === 'RestError') return e.statusCode === undefined || e.statusCode === 408 || e.statusCode === 429 || e.statusCode >= 500;
  return false;
}

/** "Try again shortly" with the correlation id. */
export function unavailableCard(turn: Pick<Turn, 'tr' | 'correlationId'>): AdaptiveCard {
  return card([text(turn.tr('common.unavailable', { id: turn.correlationId }), { color: 'Warning' })]);
}
