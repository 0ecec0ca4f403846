import type { HandlerDeps, Turn } from './turn';
import { sendCard, noticeCard } from './turn';
import { managerApprovalCard, signatureCard } from '../../cards/requests';
import { menuCard, languageCard } from '../../cards/menu';
import { isLang, langFromLocale, translator, type Lang } from '../i18n';
import { shippedTemplates, type TemplateData, type TemplateName } from '../templates/cardTemplates';
import type { AdaptiveCard } from '../../cards/card';
import { pendingTasks } from '../services/orderQueries';
import { chooseLanguage } from '../services/people';

/** The welcome (greeting and menu): the organisation's welcome template above the menu buttons. */
export async function showMenu(deps: HandlerDeps, turn: Turn, intro?: string): Promise<void> {
  await sendCard(turn.ctx, menuCard(turn.tr, { firstName: turn.user?.givenName ?? '', intro, content: orgCard(deps, turn, 'welcome'), ...(await taskRoles(deps, turn.userId)) }));
}

/** "help" in a personal chat: the organisation's help template, with the menu buttons. */
export async function showHelp(deps: HandlerDeps, turn: Turn): Promise<void> {
  await sendCard(turn.ctx, menuCard(turn.tr, { firstName: turn.user?.givenName ?? '', content: orgCard(deps, turn, 'help'), ...(await taskRoles(deps, turn.userId)) }));
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

/** Whether the menu offers "Allekirjoitettavat" (signatories), "Hyväksyttävät" (people with direct reports) and "Hae valtuuksia" (administrators). */
async function taskRoles(deps: HandlerDeps, userId: string): Promise<{ signatory: boolean; manager: boolean; administrator: boolean }> {
  const [signatory, reports, administrator] = await Promise.all([deps.directory.isMember(userId, 'signatories'), deps.directory.getDirectReports(userId),
    deps.directory.isMember(userId, 'administrators')]);
  return { signatory, manager: reports.length > 0, administrator };
}

/** At most this many task cards in one answer (Teams' 7 messages/s per conversation; the rest come next time). */
const MAX_TASK_CARDS = 6;

/**
 * "Allekirjoitettavat" / "Hyväksyttävät": the pending tasks of this person as the same personal cards they were
 * sent. Who may act is still decided on the server when they click; this list only finds the tasks again.
 */
export async function showTasks(deps: HandlerDeps, turn: Turn, kind: 'sign' | 'approve'): Promise<void> {
  const mine = await pendingTasks(deps, turn.userId, kind);
  const cards = mine.slice(0, MAX_TASK_CARDS)
    .map((o) => (kind === 'sign' ? signatureCard(turn.tr, o) : managerApprovalCard(turn.tr, turn.lang, o)))
    .filter((c): c is AdaptiveCard => c !== undefined);
  if (!cards.length) {
    await sendCard(turn.ctx, noticeCard(turn.tr('tasks.none')));
    return;
  }
  await sendCard(turn.ctx, noticeCard(turn.tr(kind === 'sign' ? 'tasks.signTitle' : 'tasks.approveTitle')));
  for (const c of cards) await sendCard(turn.ctx, c);
}

/** "kieli" / "språk" / "language" [fi|sv|en|suomi|svenska|english]: switch and remember, or offer the choice. */
export async function changeLanguage(deps: HandlerDeps, turn: Turn, requested: string | undefined): Promise<void> {
  const lang = parseLanguage(requested);
  if (!lang) {
    await sendCard(turn.ctx, languageCard(turn.tr));
    return;
  }
  await chooseLanguage(deps, turn.userId, lang);
  const tr = translator(lang);
  await sendCard(turn.ctx, menuCard(tr, { firstName: turn.user?.givenName ?? '', intro: tr('lang.changed'), content: orgCard(deps, turn, 'welcome', lang), ...(await taskRoles(deps, turn.userId)) }));
}

export function parseLanguage(value: string | undefined): Lang | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (isLang(v)) return v;
  const names: Record<string, Lang> = { suomi: 'fi', finska: 'fi', finnish: 'fi', svenska: 'sv', ruotsi: 'sv', swedish: 'sv', english: 'en', englanti: 'en', engelska: 'en' };
  return names[v] ?? langFromLocale(v);
}
