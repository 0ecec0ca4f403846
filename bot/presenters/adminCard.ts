/**
 * The administrators' card of an order: posted to the channel by the dispatcher, and given back to the clicking
 * administrator after a verb (then with a notice on top when the verb did not go through).
 */
import type { Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import { availableVerbs } from '../domain/adminVerbs';
import { translator, type MessageKey, type Translate } from '../i18n';
import { adminOrderCard } from '../../cards/adminOrder';
import type { AdaptiveCard } from '../../cards/card';
import { displayName, type PresenterDeps } from './people';

/** The administrators' channel card of an order as it is now. */
export async function renderAdminCard(deps: PresenterDeps, order: Order, notice?: string): Promise<AdaptiveCard> {
  const [names, selfNames] = await Promise.all([
    Promise.all(order.unreachable.map((id) => displayName(deps.directory, id))),
    Promise.all((order.selfProcessedBy ?? []).map((id) => displayName(deps.directory, id))),
  ]);
  return adminOrderCard(translator(deps.adminLang), deps.adminLang, { order, verbs: availableVerbs(order), unreachableNames: names, selfProcessedNames: selfNames, notice });
}

/** "Someone else was faster": who did what to the order since the card was shown. */
export async function staleNotice(deps: PresenterDeps, tr: Translate, lastEvent: AuditEvent | undefined): Promise<string> {
  return tr('admin.stale', { actor: await displayName(deps.directory, lastEvent?.actorId), action: lastEvent ? actionLabel(tr, lastEvent.action, lastEvent.to) : '' });
}

/** An audit action in words: the verb's button title, else the status it led to, else the action's name. */
export function actionLabel(tr: Translate, action: string, to: string): string {
  const key = `verb.${action}` as MessageKey;
  const label = tr(key, { theme: '' });
  if (label !== key) return label.replace(/:\s*$/, '');
  const status = tr(`status.${to}` as MessageKey);
  return status !== `status.${to}` ? status : action;
}
