import { card, heading, text, facts, container, execute, plain, plainTitle, type AdaptiveCard, type Action, type Element } from './card';
import { formatDate, type Translate, type Lang, type MessageKey } from '../bot/i18n';
import type { Order } from '../bot/domain/order';
import { orderDue, initialStage, lineEservice, lineName } from '../bot/domain/order';
import type { AvailableVerbs, LineVerb } from '../bot/domain/adminVerbs';
import { adminVerb } from '../bot/domain/verbs';

export interface AdminOrderView {
  order: Order;
  verbs: AvailableVerbs;
  /** Names of recipients the notifier could not reach. */
  unreachableNames: string[];
  /** Names of administrators who processed their own order (allowed self-processing). */
  selfProcessedNames?: string[];
  /** A notice on top (e.g. "someone else was faster"), only in the clicking administrator's copy. */
  notice?: string;
}

/** Card data of every verb: the order id and the version the card shows — ids only, never trusted for more. */
export const verbData = (order: Order, line?: number): Record<string, unknown> =>
  ({ orderId: order.id, v: order.updatedAt, ...(line !== undefined ? { line } : {}) });

/**
 * The order's card in the administrators' channel: shared state only. Free text that came from a requester is
 * passed through redactHetus, so a henkilötunnus typed into a justification never reaches the channel.
 */
export function adminOrderCard(tr: Translate, lang: Lang, view: AdminOrderView): AdaptiveCard {
  const o = view.order;
  const lineItems: Element[] = o.lines.map((l, index) => {
    const verbs = view.verbs.lines.find((x) => x.index === index)?.verbs ?? [];
    const stage = l.stage === 'applicationPrepared' ? tr('admin.awaitingSignature') : tr(`stage.${l.stage}` as MessageKey);
    const items: Element[] = [text(
      `**${plain(lineName(l, lang))}** (${plain(lineEservice(l, lang))})` +
      (l.proposedStart ? ` (${tr('renewal.continuation', { start: formatDate(lang, l.proposedStart) })})` : '') +
      ` — ${tr(l.path === 'existing' ? 'path.existingShort' : 'path.missingShort')}: ${stage}` +
      (l.grantedUntil ? ` (${formatDate(lang, l.grantedFrom ?? '')} – ${formatDate(lang, l.grantedUntil)})` : '') +
      (l.refusalReason ? ` — ${plain(l.refusalReason)}` : ''), { size: 'Small' })];
    if (verbs.length) {
      items.push({ type: 'ActionSet', actions: verbs.map((verb) => lineAction(tr, o, index, verb)) });
    }
    return container(items, { spacing: 'Small' });
  });
  const actions: Action[] = view.verbs.order.map((verb) => execute(tr(`verb.${verb}` as MessageKey), adminVerb(verb), verbData(o)));
  return card([
    ...(view.notice ? [text(view.notice, { color: 'Warning', weight: 'Bolder' })] : []),
    heading(tr(isNew(o) ? 'admin.newOrder' : 'admin.orderTitle', { number: o.number })),
    facts([
      [tr('admin.employee'), plain(`${o.subject.givenName} ${o.subject.surname}`)],
      [tr('admin.department'), plain(o.subject.department)],
      [tr('admin.jobTitle'), plain(o.subject.jobTitle)],
      [tr('admin.due'), formatDate(lang, orderDue(o))],
      [tr('admin.validUntil'), formatDate(lang, o.validUntil)],
      [tr('admin.status'), adminStatus(tr, o)],
      [tr('admin.holder'), o.assigneeName ? plain(o.assigneeName) : tr('admin.nobody')],
    ]),
    container(lineItems, { spacing: 'Small', separator: true }),
    text(`**${tr('admin.justification')}:** ${plain(o.justification)}`, { size: 'Small', separator: true }),
    ...(view.selfProcessedNames?.length ? [text(tr('admin.selfProcessed', { names: view.selfProcessedNames.map(plain).join(', ') }), { color: 'Warning', size: 'Small' })] : []),
    ...(view.unreachableNames.length ? [text(tr('admin.unreachable', { names: view.unreachableNames.map(plain).join(', ') }), { color: 'Attention', size: 'Small' })] : []),
  ], actions);
}

/** "Uusi tilaus" only while nothing has happened yet: nobody holds it and every line is at its first stage. */
function isNew(o: Order): boolean {
  return (o.status === 'open' || o.status === 'awaitingApproval') && !o.assigneeId && o.lines.every((l) => l.stage === initialStage(l.path));
}

/** An open order nobody holds is waiting for an administrator, not "in progress". */
function adminStatus(tr: Translate, o: Order): string {
  return o.status === 'open' && !o.assigneeId ? tr('admin.statusUnclaimed') : tr(`status.${o.status}` as MessageKey);
}

function lineAction(tr: Translate, o: Order, index: number, verb: LineVerb): Action {
  const title = verb === 'grantGuide' ? tr('verb.grantGuide', { theme: plainTitle(o.lines[index].themeName) }) : tr(`verb.${verb}` as MessageKey);
  return execute(title, adminVerb(verb), verbData(o, index));
}
