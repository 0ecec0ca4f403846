import type { Deps } from './deps';
import { isSelfProcessing, mayOnOrder, type Actor } from '../domain/policies';
import { type Order } from '../domain/order';
import { isOpen } from '../domain/lifecycle';
import { isGrantable } from '../domain/adminVerbs';

export type RevealResult =
  | { kind: 'shown'; hetu: string; order: Order }
  | { kind: 'denied' | 'gone' | 'heldByOther' | 'notWorkable' | 'notFound'; order?: Order };

/**
 * Decrypts the henkilötunnus for the administrator granting the order, and only for them: the caller puts it
 * in that person's invoke answer, never in a posted message. Every reveal (and every refusal) is audit-logged.
 */
export async function revealHetu(deps: Deps, p: { actor: Actor; orderId: string; /** The line being granted. */ line?: number }): Promise<RevealResult> {
  const stored = await deps.orders.get(p.orderId);
  if (!stored) return { kind: 'notFound' };
  const order = stored.order;
  const manager = await deps.directory.getManager(order.subject.id);
  const at = deps.now().toISOString();
  const facts = { requesterId: order.requesterId, subjectId: order.subject.id, managerId: manager?.id ?? null };
  const self = isSelfProcessing(p.actor, facts) ? { selfProcessed: true } : {};
  const audit = (action: string, detail?: string) => deps.orders.appendAudit(order.id, [{ at, actorId: p.actor.id, action, from: order.status, to: order.status, ...self, ...(detail ? { detail } : {}) }]);
  if (!mayOnOrder(p.actor, 'revealHetu', facts)) {
    await audit('denied:revealHetu');
    return { kind: 'denied', order };
  }
  if (order.assigneeId && order.assigneeId !== p.actor.id) return { kind: 'heldByOther', order };
  if (!order.hetuCipher || !isOpen(order)) return { kind: 'gone', order };
  // Not before the order can be worked on: while the manager has not approved it (or the line is not at
  // "toGrant" yet) nobody needs the code, so it stays encrypted; the attempt is recorded.
  if (!isGrantable(order, p.line)) {
    await audit('denied:revealHetu', 'notWorkable');
    return { kind: 'notWorkable', order };
  }
  const hetu = deps.cipher.decrypt(order.hetuCipher, order.id);
  await audit('revealHetu');
  return { kind: 'shown', hetu, order };
}
