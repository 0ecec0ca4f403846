import type { Deps } from './deps';
import { isSelfProcessing, mayOnOrder, type Actor } from '../domain/policies';
import { isOpen, type Order } from '../domain/order';

export type RevealResult =
  | { kind: 'shown'; hetu: string; order: Order }
  | { kind: 'denied' | 'gone' | 'heldByOther' | 'notFound'; order?: Order };

/**
 * Decrypts the henkilötunnus for the administrator granting the order, and only for them: the caller puts it
 * in that person's invoke answer, never in a posted message. Every reveal (and every refusal) is audit-logged.
 */
export async function revealHetu(deps: Deps, p: { actor: Actor; orderId: string }): Promise<RevealResult> {
  const stored = await deps.orders.get(p.orderId);
  if (!stored) return { kind: 'notFound' };
  const order = stored.order;
  const manager = await deps.directory.getManager(order.subject.id);
  const at = deps.now().toISOString();
  const facts = { requesterId: order.requesterId, subjectId: order.subject.id, managerId: manager?.id ?? null };
  const self = isSelfProcessing(p.actor, facts) ? { selfProcessed: true } : {};
  const audit = (action: string) => deps.orders.appendAudit(order.id, [{ at, actorId: p.actor.id, action, from: order.status, to: order.status, ...self }]);
  if (!mayOnOrder(p.actor, 'revealHetu', facts)) {
    await audit('denied:revealHetu');
    return { kind: 'denied', order };
  }
  if (order.assigneeId && order.assigneeId !== p.actor.id) return { kind: 'heldByOther', order };
  if (!order.hetuCipher || !isOpen(order)) return { kind: 'gone', order };
  const hetu = deps.cipher.decrypt(order.hetuCipher, order.id);
  await audit('revealHetu');
  return { kind: 'shown', hetu, order };
}
