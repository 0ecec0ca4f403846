/**
 * Opening the grant guide of an order line (the steps in suomi.fi, and where the henkilötunnus may be revealed):
 * the policy decides who may, a refusal is audited, and only a line that can be granted now has a guide.
 */
import type { Deps } from './deps';
import type { Order } from '../domain/order';
import type { Theme } from '../domain/catalog';
import { mayOnOrder, type Actor } from '../domain/policies';
import { isGrantable } from '../domain/adminVerbs';
import { loadOrder } from './orderQueries';

export type GrantGuideResult =
  | { kind: 'notFound' }
  | { kind: 'denied'; order: Order }
  | { kind: 'invalid'; order: Order }
  | { kind: 'shown'; order: Order; line: number; theme: Theme | undefined; selfGrant: boolean };

export async function openGrantGuide(deps: Pick<Deps, 'orders' | 'directory' | 'catalog' | 'now'>, p: { actor: Actor; orderId: string; line: number }): Promise<GrantGuideResult> {
  const order = await loadOrder(deps, p.orderId);
  if (!order) return { kind: 'notFound' };
  const manager = await deps.directory.getManager(order.subject.id);
  if (!mayOnOrder(p.actor, 'grantGuide', { requesterId: order.requesterId, subjectId: order.subject.id, managerId: manager?.id ?? null })) {
    await deps.orders.appendAudit(order.id, [{ at: deps.now().toISOString(), actorId: p.actor.id, action: 'denied:grantGuide', from: order.status, to: order.status }]);
    return { kind: 'denied', order };
  }
  if (!order.lines[p.line] || !isGrantable(order, p.line)) return { kind: 'invalid', order };
  // The theme's valtuustyyppi, tarkenne and instructions link come from the catalog as it is now.
  const themeId = order.lines[p.line].themeId;
  const theme = themeId ? (await deps.catalog.themes()).get(themeId) : undefined;
  const selfGrant = p.actor.id === order.requesterId || p.actor.id === order.subject.id;
  return { kind: 'shown', order, line: p.line, theme, selfGrant };
}
