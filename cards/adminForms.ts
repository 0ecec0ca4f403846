import { card, heading, text, facts, execute, container, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Translate, type Lang, type MessageKey } from '../bot/i18n';
import { lineEservice, lineName, type Order } from '../bot/domain/order';
import { mandateTypeOf, type Theme } from '../bot/domain/catalog';
import { verbData } from './adminOrder';
import { adminVerb, type VerbWithInput } from '../bot/domain/verbs';

/** A one-field form shown to the clicking administrator before a verb that needs input (question, reason, date…). */
export function verbInputCard(tr: Translate, order: Order, verb: VerbWithInput, input: Element, line?: number, error?: string): AdaptiveCard {
  return card([
    heading(`${order.number}: ${tr(`verb.${verb}` as MessageKey, { theme: line !== undefined ? plain(order.lines[line]?.themeName ?? '') : '' })}`),
    ...(line !== undefined ? [text(plain(order.lines[line]?.themeName ?? ''), { weight: 'Bolder' })] : []),
    input,
    ...(error ? [text(error, { color: 'Attention', size: 'Small' })] : []),
  ], [
    execute(tr('verb.send'), adminVerb(verb), { ...verbData(order, line), submit: true }, { style: 'positive' }),
    // Going back or revealing needs no input: not blocked by the client's required-field check.
    execute(tr('verb.backToOrder'), 'admin.view', { orderId: order.id }, { associatedInputs: 'none' }),
  ]);
}

export interface GuideData {
  order: Order;
  line: number;
  orgName: string;
  /** Shown only in the answer to the administrator who pressed "Näytä henkilötunnus". */
  hetu?: string;
  hetuGone?: boolean;
  defaultFrom: string;
  /** The line's catalog theme now (valtuustyyppi, tarkenne, instructions); absent for a described theme. */
  theme?: Theme;
  /** The administrator grants to themselves (allowed self-processing): said on the card. */
  selfGrant?: boolean;
  error?: string;
}

/** The step-by-step checklist for granting in the Suomi.fi-valtuudet portal, with reveal and confirm. */
export function grantGuideCard(tr: Translate, lang: Lang, d: GuideData): AdaptiveCard {
  const o = d.order;
  const l = o.lines[d.line];
  const name = plain(`${o.subject.givenName} ${o.subject.surname}`);
  const themeName = plain(lineName(l, lang));
  // Suomi.fi's own steps for an organisation: role and organisation → Anna valtuuksia → valtuustyyppi → the
  // person → the theme by its exact name → a tarkenne where the theme needs one → validity → confirm.
  const specifier = d.theme?.specifier ?? '';
  const steps = [
    tr('guide.step1'),
    tr('guide.step2', { org: d.orgName }),
    tr('guide.step3'),
    tr('guide.step4', { mandateType: tr(`mandateType.${mandateTypeOf(d.theme)}` as MessageKey) }),
    tr('guide.step5', { name }),
    tr('guide.step6', { theme: themeName, eservice: plain(lineEservice(l, lang)) }),
    ...(specifier ? [tr('guide.specifier', { specifier: plain(specifier) })] : []),
    tr('guide.step7', { from: formatDate(lang, d.defaultFrom), until: formatDate(lang, o.validUntil) }),
    tr('guide.confirmHere'),
  ];
  const body: Element[] = [
    heading(tr('guide.title', { number: o.number })),
    ...(d.selfGrant ? [text(tr('guide.selfGrant'), { color: 'Warning', size: 'Small' })] : []),
    ...steps.map((s, i) => text(`${i + 1}. ${s}`, { size: 'Small' })),
    ...(d.theme?.instructionsUrl ? [text(tr('guide.instructions', { url: `[${plain(d.theme.instructionsUrl)}](${d.theme.instructionsUrl})` }), { size: 'Small' })] : []),
  ];
  if (d.hetu) body.push(container([text(tr('guide.hetuShown', { hetu: d.hetu }), { weight: 'Bolder', fontType: 'Monospace' })], { style: 'warning' }));
  if (d.hetuGone) body.push(text(tr('guide.hetuGone'), { color: 'Attention' }));
  body.push(facts([[tr('admin.employee'), name], [tr('order.themes'), themeName]]));
  body.push({ type: 'Input.Date', id: 'validFrom', label: tr('admin.grantFrom'), value: d.defaultFrom, isRequired: true, errorMessage: tr('err.date') });
  body.push({ type: 'Input.Date', id: 'validUntil', label: tr('admin.grantUntil'), value: o.validUntil, isRequired: true, errorMessage: tr('err.date') });
  if (d.error) body.push(text(d.error, { color: 'Attention', size: 'Small' }));
  return card(body, [
    execute(tr('verb.revealHetu'), 'admin.revealHetu', verbData(o, d.line), { associatedInputs: 'none' }),
    execute(tr('verb.confirmGrant'), 'admin.confirmGrant', verbData(o, d.line), { style: 'positive' }),
    execute(tr('verb.backToOrder'), 'admin.view', { orderId: o.id }, { associatedInputs: 'none' }),
  ]);
}
