import { card, heading, text, facts, execute, plain, plainTitle, type AdaptiveCard } from './card';
import { formatDate, type Translate, type Lang } from '../bot/i18n';
import type { Order } from '../bot/domain/order';
import { verbData } from './adminOrder';

/** Personal card to the employee's manager when the organisation requires approval. */
export function managerApprovalCard(tr: Translate, lang: Lang, order: Order): AdaptiveCard | undefined {
  if (order.status !== 'awaitingApproval') return undefined;
  return card([
    heading(tr('approval.title', { number: order.number })),
    text(tr('approval.intro', { subject: plain(`${order.subject.givenName} ${order.subject.surname}`) })),
    ...order.lines.map((l) => text(`• ${plain(l.themeName)} (${plain(l.eservice)})`, { size: 'Small' })),
    facts([[tr('admin.justification'), plain(order.justification)], [tr('admin.validUntil'), formatDate(lang, order.validUntil)]]),
    { type: 'Input.Text', id: 'reason', label: tr('admin.reason'), isMultiline: true, maxLength: 500 },
  ], [
    execute(tr('verb.approve'), 'manager.approve', verbData(order), { style: 'positive' }),
    execute(tr('verb.decline'), 'manager.decline', verbData(order), { style: 'destructive' }),
  ]);
}

/** Personal card to the authorised signatory: the application for a missing theme is ready to sign. */
export function signatureCard(tr: Translate, order: Order): AdaptiveCard | undefined {
  const lines = order.lines.map((l, index) => ({ l, index })).filter(({ l }) => l.stage === 'applicationPrepared');
  if (!lines.length) return undefined;
  return card([
    heading(tr('signature.title', { number: order.number })),
    ...lines.map(({ l }) => text(tr('signature.intro', { theme: plain(l.themeName) }))),
  ], lines.map(({ l, index }) => execute(`${tr('verb.sign')}: ${plainTitle(l.themeName)}`, 'signatory.sign', verbData(order, index), { style: 'positive' })));
}
