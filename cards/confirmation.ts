import { card, heading, text, facts, container, submit, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Translate, type Lang } from '../bot/i18n';
import { lineEservice, lineName, type Order } from '../bot/domain/order';
import { PATH1_WORKING_DAYS, PATH2_WEEKS } from '../bot/domain/paths';

/** The order confirmation: number, per line the path and the estimate, what happens next, how to follow. */
export function confirmationCard(tr: Translate, lang: Lang, order: Order, replayed: boolean): AdaptiveCard {
  const lines: Element[] = order.lines.map((line) => container([
    text(`**${plain(lineName(line, lang))}** (${plain(lineEservice(line, lang))})`),
    ...(line.proposedStart ? [text(tr('renewal.continuation', { start: formatDate(lang, line.proposedStart) }), { size: 'Small', color: 'Accent', spacing: 'None' })] : []),
    text(line.path === 'existing'
      ? tr('path.existing', { days: PATH1_WORKING_DAYS })
      : tr('path.missing', { min: PATH2_WEEKS.min, max: PATH2_WEEKS.max }), { size: 'Small' }),
    text(line.path === 'existing'
      ? tr('confirm.estimate', { date: formatDate(lang, line.due) })
      : tr('confirm.estimateRange', { earliest: formatDate(lang, line.earliest), due: formatDate(lang, line.due) }), { weight: 'Bolder' }),
    text(tr(line.path === 'existing' ? 'confirm.next.existing' : 'confirm.next.missing'), { size: 'Small', isSubtle: true }),
  ], { separator: true, spacing: 'Medium' }));
  return card([
    heading(tr('confirm.title', { number: order.number })),
    // With manager approval on, the order goes to the manager first: say so, not "passed to the administrators".
    ...(replayed ? [text(tr('confirm.alreadySent'), { color: 'Warning' })]
      : [text(tr(order.status === 'awaitingApproval' ? 'confirm.introApproval' : 'confirm.intro'))]),
    facts([
      [tr('confirm.for'), `${order.subject.givenName} ${order.subject.surname}`],
      [tr('confirm.hetu'), order.hetuMasked],
      [tr('order.validUntil'), formatDate(lang, order.validUntil)],
    ]),
    ...lines,
    text(tr('confirm.follow'), { isSubtle: true, separator: true }),
  ], [submit(tr('menu.myOrders'), 'menuMyOrders')]);
}
