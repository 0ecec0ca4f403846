/**
 * Reading orders for the chat's views: one order by id or number, the open ones, a person's own, and what the
 * requester may see of an order's history. Reads only; every change goes through services/transition.
 */
import type { Deps } from './deps';
import type { Order } from '../domain/order';
import type { AuditEvent } from '../domain/audit';
import { mayOnOrder, type Actor } from '../domain/policies';

type OrderReads = Pick<Deps, 'orders'>;

/** The order a card's data names ('' or an unknown id: undefined, i.e. the card has expired). */
export async function loadOrder(deps: OrderReads, orderId: string): Promise<Order | undefined> {
  const id = orderId.slice(0, 64);
  return id ? (await deps.orders.get(id))?.order : undefined;
}

export function findOrderByNumber(deps: OrderReads, number: string): Promise<Order | undefined> {
  return deps.orders.findByNumber(number);
}

export function listOpenOrders(deps: OrderReads): Promise<Order[]> {
  return deps.orders.listOpen();
}

/** The orders a person made or that are for them. */
export function listOrdersForPerson(deps: OrderReads, personId: string): Promise<Order[]> {
  return deps.orders.listForPerson(personId);
}

/** A person's grants and order summaries (the suggestions view's statuses). */
export function personView(deps: OrderReads, personId: string): ReturnType<Deps['orders']['personView']> {
  return deps.orders.personView(personId);
}

/** Audit actions the requester's history leaves out: refusals, reveals, reminders and calendar failures are the office's. */
const HIDDEN_FROM_REQUESTER = (action: string): boolean => action.startsWith('denied')
  || action === 'revealHetu' || action === 'overdueReminder' || action === 'calendarEventFailed';

export type OrderViewResult =
  | { kind: 'notFound' }
  | { kind: 'denied' }
  | { kind: 'shown'; order: Order; history: AuditEvent[] };

/** An order's details for the requester, the subject or the subject's manager (the directory's, not the card's). */
export async function viewOrder(deps: Pick<Deps, 'orders' | 'directory'>, p: { actor: Actor; orderId: string }): Promise<OrderViewResult> {
  const stored = p.orderId ? await deps.orders.get(p.orderId) : undefined;
  if (!stored) return { kind: 'notFound' };
  const manager = await deps.directory.getManager(stored.order.subject.id);
  if (!mayOnOrder(p.actor, 'view', { requesterId: stored.order.requesterId, subjectId: stored.order.subject.id, managerId: manager?.id ?? null })) {
    return { kind: 'denied' };
  }
  const history = await deps.orders.auditTrail(p.orderId);
  return { kind: 'shown', order: stored.order, history: history.filter((h) => !HIDDEN_FROM_REQUESTER(h.action)) };
}

/**
 * "Allekirjoitettavat" / "Hyväksyttävät": the open orders waiting for this person's signature (signatories, never
 * on their own or their own subject's order) or approval (the manager named on the order, not their own order).
 */
export async function pendingTasks(deps: Pick<Deps, 'orders' | 'directory'>, userId: string, kind: 'sign' | 'approve'): Promise<Order[]> {
  const open = await deps.orders.listOpen();
  if (kind === 'approve') return open.filter((o) => o.status === 'awaitingApproval' && o.managerId === userId && o.requesterId !== userId);
  if (!(await deps.directory.isMember(userId, 'signatories'))) return [];
  return open.filter((o) => o.requesterId !== userId && o.subject.id !== userId && o.lines.some((l) => l.stage === 'applicationPrepared'));
}
