import { card, heading, text, submit, type AdaptiveCard } from './card';
import type { Translate } from '../bot/i18n';

export interface MenuData {
  firstName: string;
  intro?: string;
  /** The organisation's own words above the buttons (a bound welcome or help template); default: the greeting. */
  content?: AdaptiveCard;
  /** Entries by role: a signatory's applications to sign; a manager's orders to approve and team's mandates. */
  signatory?: boolean;
  manager?: boolean;
  /** An administrator: the register search (the server checks again when it is clicked). */
  administrator?: boolean;
}

/**
 * The greeting and main menu. The menu buttons are always the bot's own; a template's links come above them.
 * Teams shows at most five buttons in one row, so the person's own things (orders, mandates and, by role, the
 * team's mandates and pending tasks) form one row in the body and the general entries the card's action bar.
 */
export function menuCard(tr: Translate, data: MenuData): AdaptiveCard {
  return card([
    ...(data.intro ? [text(data.intro, { isSubtle: true })] : []),
    ...(data.content ? data.content.body : [heading(tr('menu.greeting', { name: data.firstName })), text(tr('menu.intro'))]),
    // The template's own buttons (links) sit in the body: the card's action bar holds at most five, all the menu's.
    ...(data.content?.actions?.length ? [{ type: 'ActionSet', actions: data.content.actions }] : []),
    { type: 'ActionSet', actions: [
      submit(tr('menu.myOrders'), 'menuMyOrders'),
      submit(tr('menu.myMandates'), 'menuMyMandates'),
      // Only people with direct reports (the directory's answer; the server checks again when it is clicked).
      ...(data.manager ? [submit(tr('menu.teamMandates'), 'menuTeamMandates')] : []),
      // Every pending task can be found again here, even after its personal card scrolled away or never arrived.
      ...(data.signatory ? [submit(tr('menu.toSign'), 'menuToSign')] : []),
      ...(data.manager ? [submit(tr('menu.toApprove'), 'menuToApprove')] : []),
    ] },
  ], [
    submit(tr('menu.order'), 'menuOrder'),
    submit(tr('menu.suggest'), 'menuSuggest'),
    submit(tr('menu.glossary'), 'menuGlossary'),
    submit(tr('menu.language'), 'menuLanguage'),
    ...(data.administrator ? [submit(tr('menu.registerSearch'), 'menuRegisterSearch')] : []),
  ]);
}

/** The language choice: each option written in its own language. */
export function languageCard(tr: Translate): AdaptiveCard {
  return card([heading(tr('lang.choose'))], [
    submit('Suomi', 'setLanguage', { lang: 'fi' }),
    submit('Svenska', 'setLanguage', { lang: 'sv' }),
    submit('English', 'setLanguage', { lang: 'en' }),
  ]);
}
