import type { HandlerDeps, Turn } from './turn';
import { sendCard } from './turn';
import { menuCard, languageCard } from '../../cards/menu';
import { isLang, langFromLocale, translator, type Lang } from '../i18n';
import { shippedTemplates, type TemplateData, type TemplateName } from '../templates/cardTemplates';
import type { AdaptiveCard } from '../../cards/card';

/** The welcome (greeting and menu): the organisation's welcome template above the menu buttons. */
export async function showMenu(deps: HandlerDeps, turn: Turn, intro?: string): Promise<void> {
  await sendCard(turn.ctx, menuCard(turn.tr, { firstName: turn.user?.givenName ?? '', intro, content: orgCard(deps, turn, 'welcome') }));
}

/** "help" in a personal chat: the organisation's help template, with the menu buttons. */
export async function showHelp(deps: HandlerDeps, turn: Turn): Promise<void> {
  await sendCard(turn.ctx, menuCard(turn.tr, { firstName: turn.user?.givenName ?? '', content: orgCard(deps, turn, 'help') }));
}

/** "instructions": the organisation's contacts, intranet links and training material. */
export function showInstructions(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  return Promise.resolve(orgCard(deps, turn, 'instructions'));
}

function orgCard(deps: HandlerDeps, turn: Turn, name: TemplateName, lang: Lang = turn.lang): AdaptiveCard {
  const data: TemplateData = { name: turn.user?.displayName ?? '', givenName: turn.user?.givenName ?? '', lang,
    orgName: deps.config.orgName[lang], botName: 'Valtuusbotti' };
  return (deps.cardTemplates ?? shippedTemplates()).render(name, lang, data);
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
  await sendCard(turn.ctx, menuCard(tr, { firstName: turn.user?.givenName ?? '', intro: tr('lang.changed'), content: orgCard(deps, turn, 'welcome', lang) }));
}

export function parseLanguage(value: string | undefined): Lang | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (isLang(v)) return v;
  const names: Record<string, Lang> = { suomi: 'fi', finska: 'fi', finnish: 'fi', svenska: 'sv', ruotsi: 'sv', swedish: 'sv', english: 'en', englanti: 'en', engelska: 'en' };
  return names[v] ?? langFromLocale(v);
}
