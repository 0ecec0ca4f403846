/**
 * What a notification says: the outbox holds what happened (an event, an order id), and this presenter turns it
 * into the message to send, in the recipient's language, from the order's current state.
 */
import type { Order } from '../domain/order';
import type { OutboxRecord, OutboxSubject } from '../domain/outbox';
import { translator, formatDate, formatIsoText, type Lang, type MessageKey } from '../i18n';
import { lineName } from '../domain/order';
import { managerApprovalCard, signatureCard } from '../../cards/requests';
import { plainText } from '../domain/safeText';
import { displayName, recipientLang, type PresenterDeps } from './people';
import { renderAdminCard } from './adminCard';
import { isRegisterMessage, renderRegisterMessage } from './registerMessages';

/** A message as the connector sends it: text, or an Adaptive Card. */
export interface OutgoingMessage {
  text?: string;
  card?: object;
}

/** What one outbox message becomes once rendered for its recipient: the contract between this presenter and the dispatcher. */
export type Delivery =
  | { to: 'channelCard'; message: OutgoingMessage }
  | { to: 'thread'; message: OutgoingMessage }
  | { to: 'personal'; userId: string; message: OutgoingMessage }
  /** Not a message: the register entry of a granted line, upserted (idempotent). */
  | { to: 'register'; line: number }
  | { to: 'nobody' };

export type Renderer = (record: OutboxRecord, subject: OutboxSubject) => Promise<Delivery>;

/** Turns an outbox message into what to send, in the recipient's language, from its subject's current state. */
export function createRenderer(deps: PresenterDeps): Renderer {
  return async (record: OutboxRecord, subject: OutboxSubject): Promise<Delivery> => {
    const m = record.message;
    if (isRegisterMessage(m)) return renderRegisterMessage(deps, m, subject);
    // An order's message in a partition that holds no order (cannot be written so; a hand-edited row): sent to nobody.
    if (subject.kind !== 'order') return { to: 'nobody' };
    const order = subject.order;
    switch (m.kind) {
      case 'adminCard':
        return { to: 'channelCard', message: { card: await renderAdminCard(deps, order) } };
      case 'threadReply': {
        const tr = translator(deps.adminLang);
        const params = await eventParams(deps, order, deps.adminLang, m.actorId, m.text, m.event);
        return { to: 'thread', message: { text: tr(`thread.${m.event}` as MessageKey, params) } };
      }
      case 'personal': {
        const lang = await recipientLang(deps, m.recipientId);
        const params = await eventParams(deps, order, lang, undefined, m.text, m.event);
        return { to: 'personal', userId: m.recipientId, message: { text: translator(lang)(`notify.${m.event}` as MessageKey, params) } };
      }
      case 'registerGrant':
        return { to: 'register', line: m.line };
      case 'actionCard': {
        const lang = await recipientLang(deps, m.recipientId);
        const tr = translator(lang);
        const card = m.card === 'managerApproval' ? managerApprovalCard(tr, lang, order) : signatureCard(tr, order);
        if (!card) return { to: 'nobody' };
        return { to: 'personal', userId: m.recipientId, message: { card } };
      }
    }
  };
}

async function eventParams(deps: PresenterDeps, order: Order, lang: Lang, actorId: string | undefined, text: string | undefined, event: string) {
  const line = lineOfEvent(order, text, event);
  return {
    number: order.number,
    // Everything a person typed (or a directory holds) goes out as plain text: see plainText.
    actor: plainText(await displayName(deps.directory, actorId)),
    subject: plainText(`${order.subject.givenName} ${order.subject.surname}`),
    themes: order.lines.map((l) => plainText(lineName(l, lang))).join(', '),
    theme: line ? plainText(lineName(line, lang)) : '',
    from: line?.grantedFrom ? formatDate(lang, line.grantedFrom) : '',
    until: line?.grantedUntil ? formatDate(lang, line.grantedUntil) : '',
    // A sent date, a meeting time or a due date travels as ISO text (which plainText leaves as it is): shown as
    // the reader writes dates.
    text: formatIsoText(lang, plainText(eventText(order, text, event))),
  };
}

/** Line events carry "line:<index>" (and maybe "|free text") in their text. */
function lineOfEvent(order: Order, text: string | undefined, _event: string) {
  const m = /^line:(\d+)/.exec(text ?? '');
  return m ? order.lines[Number(m[1])] : undefined;
}

function eventText(_order: Order, text: string | undefined, _event: string): string {
  if (!text) return '';
  return text.replace(/^line:\d+\|?/, '');
}
