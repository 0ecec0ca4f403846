import type { HandlerDeps, Turn } from './turn';
import { sendCard } from './turn';
import { menuCard, languageCard } from '../../cards/menu';
import { isLang, langFromLocale, translator, type Lang } from '../i18n';

export async function showMenu(_deps: HandlerDeps, turn: Turn, intro?: string): Promise<void> {
  await sendCard(turn.ctx, menuCard(turn.tr, { firstName: turn.user?.givenName ?? '', intro }));
}

/** "kieli" / "språk" / "language" [fi|sv|en|suomi|svenska|english]: switch and remember, or offer the choice. */
export async function changeLanguage(deps: HandlerDeps, turn: Turn, requested: string | undefined): Promise<void> {
  const lang = parseLanguage(requested);
  if (!lang) {
    await sendCard(turn.ctx, languageCard(turn.tr));
    return;
  }
  await deps.users.setLanguage(turn.userId, lang);
  const tr = translator(lang);
  await sendCard(turn.ctx, menuCard(tr, { firstName: turn.user?.givenName ?? '', intro: tr('lang.changed') }));
}

export function parseLanguage(value: string | undefined): Lang | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (isLang(v)) return v;
  const names: Record<string, Lang> = { suomi: 'fi', finska: 'fi', finnish: 'fi', svenska: 'sv', ruotsi: 'sv', swedish: 'sv', english: 'en', englanti: 'en', engelska: 'en' };
  return names[v] ?? langFromLocale(v);
}
