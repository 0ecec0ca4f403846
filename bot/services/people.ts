/**
 * The bot's own records of a person: their chosen language and their personal conversation (for proactive
 * messages). The directory stays the truth for who they are.
 */
import type { Deps } from './deps';
import type { Lang } from '../i18n';

type UserRecords = Pick<Deps, 'users'>;
type ConversationReference = Parameters<Deps['users']['rememberConversation']>[1];

export function userRecord(deps: UserRecords, userId: string): ReturnType<Deps['users']['get']> {
  return deps.users.get(userId);
}

export function chooseLanguage(deps: UserRecords, userId: string, lang: Lang): Promise<void> {
  return deps.users.setLanguage(userId, lang);
}

export function rememberConversation(deps: UserRecords, userId: string, ref: ConversationReference): Promise<void> {
  return deps.users.rememberConversation(userId, ref);
}

export function forgetConversation(deps: UserRecords, userId: string): Promise<void> {
  return deps.users.forgetConversation(userId);
}
