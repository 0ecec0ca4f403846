import type { Directory } from '../../graph/directory';
import type { UserStore } from '../store/userStore';
import type { Order } from '../domain/order';
import type { OutboxRecord } from '../domain/outbox';
import { availableVerbs } from '../domain/adminVerbs';
import { langFromLocale, translator, formatDate, formatIsoText, type Lang, type MessageKey } from '../i18n';
import { lineName } from '../domain/order';
import { adminOrderCard } from '../../cards/adminOrder';
import { managerApprovalCard, signatureCard } from '../../cards/requests';
import { plainText } from '../domain/safeText';
import type { Delivery, Renderer } from './dispatcher';

export interface RenderDeps {
  directory: Directory;
  users: UserStore;
  adminLang: Lang;
}

/** The recipient's language: their own choice, else the directory's preferred language, else Finnish. */
export async function recipientLang(deps: RenderDeps, userId: string): Promise<Lang> {
  const [record, user] = await Promise.all([deps.users.get(userId), deps.directory.getUser(userId)]);
  return record?.lang ?? langFromLocale(user?.preferredLanguage) ?? 'fi';
}

export async function displayName(directory: Directory, userId: string | undefined): Promise<string> {
  if (!userId) return '';
  return (await directory.getUser(userId))?.displayName ?? '?';
}

/** The administrators' channel card of an order as it is now. */
export async function renderAdminCard(deps: RenderDeps, order: Order, notice?: string) {
  const [names, selfNames] = await Promise.all([
    Promise.all(order.unreachable.map((id) => displayName(deps.directory, id))),
    Promise.all((order.selfProcessedBy ?? []).map((id) => displayName(deps.directory, id))),
  ]);
  return adminOrderCard(translator(deps.adminLang), deps.adminLang, { order, verbs: availableVerbs(order), unreachableNames: names, selfProcessedNames: selfNames, notice });
}

/** Turns an outbox message into what to send, in the recipient's language, from the order's current state. */
export function createRenderer(deps: RenderDeps): Renderer {
  return async (record: OutboxRecord, order: Order): Promise<Delivery> => {
    const m = record.message;
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

async function eventParams(deps: RenderDeps, order: Order, lang: Lang, actorId: string | undefined, text: string | undefined, event: string) {
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
