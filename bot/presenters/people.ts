/**
 * How people appear in what the bot shows: their display name and the language a message to them is written in.
 * Both the cards an administrator gets back and the notifications the dispatcher sends use these.
 */
import type { Directory } from '../../graph/directory';
import type { UserStore } from '../store/userStore';
import { langFromLocale, type Lang } from '../i18n';

/** What a presenter reads to name people and pick their language: the directory and the users' own choices. */
export interface PresenterDeps {
  directory: Directory;
  users: Pick<UserStore, 'get'>;
  /** The administrators' language: the channel's cards and thread replies. */
  adminLang: Lang;
}

/** The recipient's language: their own choice, else the directory's preferred language, else Finnish. */
export async function recipientLang(deps: Omit<PresenterDeps, 'adminLang'>, userId: string): Promise<Lang> {
  const [record, user] = await Promise.all([deps.users.get(userId), deps.directory.getUser(userId)]);
  return record?.lang ?? langFromLocale(user?.preferredLanguage) ?? 'fi';
}

export async function displayName(directory: Directory, userId: string | undefined): Promise<string> {
  if (!userId) return '';
  return (await directory.getUser(userId))?.displayName ?? '?';
}
