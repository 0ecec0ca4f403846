import { card, heading, text, facts, container, execute, submit, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, formatInstant, formatIsoText, type Translate, type Lang, type MessageKey } from '../bot/i18n';
import type { Order } from '../bot/domain/order';
import { lineEservice, lineName, orderDue } from '../bot/domain/order';
import { isOpen } from '../bot/domain/lifecycle';
import type { AuditEvent } from '../bot/domain/audit';

export interface MyOrderRow { order: Order; overdue: boolean }

/** "Omat tilaukset": every order with status, estimate and an overdue mark; a button per order for details. */
export function myOrdersCard(tr: Translate, lang: Lang, rows: MyOrderRow[]): AdaptiveCard {
  if (!rows.length) return card([heading(tr('my.title')), text(tr('my.none'))], [submit(tr('menu.order'), 'menuOrder')]);
  const items: Element[] = rows.slice(0, 20).map(({ order, overdue }) => container([
    { type: 'ColumnSet', columns: [
      { type: 'Column', width: 'stretch', items: [
        text(`**${order.number}** · ${plain(order.subject.givenName)} ${plain(order.subject.surname)}`),
        text(order.lines.map((l) => plain(lineName(l, lang))).join(', '), { size: 'Small', spacing: 'None' }),
        text(`${tr(`status.${order.status}` as MessageKey)} · ${tr('admin.due')} ${formatDate(lang, orderDue(order))}` +
          (overdue ? ` · **${tr('my.overdue')}**` : ''), { size: 'Small', spacing: 'None', color: overdue ? 'Attention' : 'Default' }),
      ] },
      { type: 'Column', width: 'auto', verticalContentAlignment: 'Center', items: [
        { type: 'ActionSet', actions: [execute(tr('my.details'), 'myOrderDetails', { orderId: order.id })] },
      ] },
    ] },
  ], { separator: true }));
  return card([heading(tr('my.title')), ...items]);
}

/** One order in detail: lines with their stages, the history, cancel and answer where allowed. */
export function myOrderDetailsCard(tr: Translate, lang: Lang, order: Order, history: AuditEvent[], notice?: string): AdaptiveCard {
  const body: Element[] = [
    heading(`${order.number}`),
    ...(notice ? [text(notice, { color: 'Good' })] : []),
    facts([
      [tr('confirm.for'), `${order.subject.givenName} ${order.subject.surname}`],
      // Once destroyed, the code is said to be destroyed, not shown masked as if still kept.
      [tr('confirm.hetu'), order.hetuCipher ? order.hetuMasked : tr('confirm.hetuDestroyed')],
      [tr('admin.status'), tr(`status.${order.status}` as MessageKey)],
      [tr('admin.due'), formatDate(lang, orderDue(order))],
      [tr('order.validUntil'), formatDate(lang, order.validUntil)],
    ]),
    ...order.lines.map((l) => text(`• **${plain(lineName(l, lang))}** (${plain(lineEservice(l, lang))}): ${tr(`stage.${l.stage}` as MessageKey)}` +
      (l.grantedUntil ? ` (${formatDate(lang, l.grantedFrom ?? '')} – ${formatDate(lang, l.grantedUntil)})`
        : l.proposedStart ? ` (${tr('renewal.continuation', { start: formatDate(lang, l.proposedStart) })})` : '') +
      (l.refusalReason ? ` (${plain(l.refusalReason)})` : ''), { size: 'Small' })),
    text(tr('my.history'), { weight: 'Bolder', separator: true }),
    ...history.slice(-15).map((h) => text(`${formatInstant(lang, h.at)} — ${historyLabel(tr, h)}${historyDetail(lang, order, h)}` +
      (h.reason && SHOWN_REASONS.has(h.action) ? `: ${plain(formatIsoText(lang, h.reason))}` : ''), { size: 'Small', spacing: 'None' })),
  ];
  const actions = [];
  if (order.status === 'waitingForInfo' && order.question) {
    body.push(container([
      text(`**${tr('my.question')}:** ${plain(order.question)}`),
      { type: 'Input.Text', id: 'answer', label: tr('my.answer'), isMultiline: true, maxLength: 2000 },
      { type: 'ActionSet', actions: [execute(tr('my.sendAnswer'), 'myOrderAnswer', { orderId: order.id })] },
    ], { separator: true, style: 'emphasis' }));
  }
  if (isOpen(order)) {
    actions.push({ type: 'Action.ShowCard' as const, title: tr('my.cancel'), card: card([
      { type: 'Input.Text', id: 'reason', label: tr('my.cancelReason'), isMultiline: true, maxLength: 500 },
    ], [execute(tr('my.cancelConfirm'), 'myOrderCancel', { orderId: order.id }, { style: 'destructive' })]) });
  }
  actions.push(submit(tr('menu.myOrders'), 'menuMyOrders'));
  return card(body, actions);
}

/** Actions whose reason is the person's own words, worth showing in the history. */
const SHOWN_REASONS = new Set(['ask', 'answer', 'reject', 'cancel', 'decline', 'dvvDecision', 'dvvRefusedCascade', 'inviteMeeting']);

/** "DVV:n päätös" says which decision it was. */
function historyLabel(tr: Translate, h: AuditEvent): string {
  if (h.action === 'dvvDecision') return tr(h.to === 'dvvGranted' ? 'history.dvvGranted' : 'history.dvvRefused');
  return tr(`history.${h.action}` as MessageKey);
}

/** The theme a line event concerns and, for a grant, its validity: " — Veroilmoittaminen (1.12.2026 – 30.9.2027)". */
function historyDetail(lang: Lang, order: Order, h: AuditEvent): string {
  const m = /^line(\d+)/.exec(h.from) ?? /^line(\d+)/.exec(h.detail ?? '');
  const line = m ? order.lines[Number(m[1])] : undefined;
  if (!line || !['confirmGrant', 'dvvDecision', 'markPrepared', 'sign', 'markSent'].includes(h.action)) return '';
  const validity = h.action === 'confirmGrant' && line.grantedFrom && line.grantedUntil
    ? ` (${formatDate(lang, line.grantedFrom)} – ${formatDate(lang, line.grantedUntil)})` : '';
  return ` — ${plain(lineName(line, lang))}${validity}`;
}
