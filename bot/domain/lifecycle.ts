/**
 * The order lifecycle: which statuses and line stages exist, which of them are open, workable or done, and how
 * an order closes. Every rule about "where an order stands" lives here and nowhere else. Pure: no I/O.
 */
import type { LineStage, Order, OrderLine, OrderStatus } from './order';

/** Statuses of an order that is not finished (the manager, the administrators or the requester still act). */
export const OPEN_STATUSES: readonly OrderStatus[] = ['awaitingApproval', 'open', 'waitingForInfo'];
/** Statuses in which the administrators work on an order (after the manager, before the end). */
export const WORKABLE_STATUSES: readonly OrderStatus[] = ['open', 'waitingForInfo'];
/** Stages after which a line needs no more work. */
export const LINE_DONE_STAGES: readonly LineStage[] = ['granted', 'dvvRefused', 'closed'];
/** Path 2 stages before DVV's decision: the line waits for the organisation to hold its theme. */
export const DVV_WAITING_STAGES: readonly LineStage[] = ['review', 'applicationPrepared', 'signed', 'sentToDvv'];

export const isOpen = (o: Pick<Order, 'status'>): boolean => OPEN_STATUSES.includes(o.status);
export const isOpenStatus = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);
/** The administrators can act on it: open or waiting for the requester's answer. */
export const isWorkable = (o: Pick<Order, 'status'>): boolean => WORKABLE_STATUSES.includes(o.status);
export const isLineDone = (l: Pick<OrderLine, 'stage'>): boolean => LINE_DONE_STAGES.includes(l.stage);
export const isWaitingForDvv = (l: Pick<OrderLine, 'stage'>): boolean => DVV_WAITING_STAGES.includes(l.stage);

/** Completed when no line is still in progress. */
export function allLinesDone(order: Pick<Order, 'lines'>): boolean {
  return order.lines.every(isLineDone);
}

/** Whether any line may still need the henkilötunnus (to be granted now or after DVV). */
export function needsHetu(order: Pick<Order, 'lines'>): boolean {
  return !allLinesDone(order);
}

/**
 * After a line changes: when no line is in progress any more the order closes — completed if anything was
 * granted, otherwise rejected (every theme refused) — and the henkilötunnus, no longer needed, is destroyed.
 * Returns true when the order closed now.
 */
export function closeIfDone(order: Order, reason?: string): boolean {
  if (!isOpen(order) || !allLinesDone(order)) return false;
  order.status = order.lines.some((l) => l.stage === 'granted') ? 'completed' : 'rejected';
  order.hetuCipher = null;
  if (reason) order.closedReason = reason;
  return true;
}
