/**
 * The order lifecycle: which statuses and line stages exist, which of them are open, workable or done, which
 * step may move an order or a line from where to where (the transition table), and how an order closes.
 * Every rule about "where an order stands" lives here and nowhere else. Pure: no I/O.
 */
import type { LineStage, Order, OrderLine, OrderStatus } from './order';
import type { OrderAction } from './policies';

/** Every status an order can have (the record makes the compiler catch a status added to the type but not here). */
const STATUS_SET: Record<OrderStatus, true> = {
  awaitingApproval: true, open: true, waitingForInfo: true, completed: true, rejected: true, declined: true, cancelled: true,
};
export const ORDER_STATUSES = Object.keys(STATUS_SET) as OrderStatus[];
/** Every stage a line can be at, in path order. */
const STAGE_SET: Record<LineStage, true> = {
  review: true, applicationPrepared: true, signed: true, sentToDvv: true, toGrant: true, granted: true, dvvRefused: true, closed: true,
};
export const LINE_STAGES = Object.keys(STAGE_SET) as LineStage[];

/** Statuses of an order that is not finished (the manager, the administrators or the requester still act). */
export const OPEN_STATUSES: readonly OrderStatus[] = ['awaitingApproval', 'open', 'waitingForInfo'];
/** Statuses in which the administrators work on an order (after the manager, before the end). */
export const WORKABLE_STATUSES: readonly OrderStatus[] = ['open', 'waitingForInfo'];
/** Stages after which a line needs no more work. */
export const LINE_DONE_STAGES: readonly LineStage[] = ['granted', 'dvvRefused', 'closed'];
/** Path 2 stages before DVV's decision: the line waits for the organisation to hold its theme. */
export const DVV_WAITING_STAGES: readonly LineStage[] = ['review', 'applicationPrepared', 'signed', 'sentToDvv'];
/** Stages of a line still in progress: waiting for DVV, or ready to be granted. */
const IN_PROGRESS_STAGES: readonly LineStage[] = [...DVV_WAITING_STAGES, 'toGrant'];

export const isOpen = (o: Pick<Order, 'status'>): boolean => OPEN_STATUSES.includes(o.status);
export const isOpenStatus = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);
/** The administrators can act on it: open or waiting for the requester's answer. */
export const isWorkable = (o: Pick<Order, 'status'>): boolean => WORKABLE_STATUSES.includes(o.status);
export const isLineDone = (l: Pick<OrderLine, 'stage'>): boolean => LINE_DONE_STAGES.includes(l.stage);
export const isWaitingForDvv = (l: Pick<OrderLine, 'stage'>): boolean => DVV_WAITING_STAGES.includes(l.stage);

/** A new order waits for the manager when their approval is needed; otherwise it goes straight to the administrators. */
export function initialStatus(needsApproval: boolean): OrderStatus {
  return needsApproval ? 'awaitingApproval' : 'open';
}

// ---------------------------------------------------------------------------------------------------------
// The transition table

/**
 * A step that moves an order or a line: a person's verb (named as in policies.ts, which says who may use it on
 * which order) or one the system takes by itself — `linesDone`: the last line finished, so the order closes;
 * `dvvCascade`: DVV decided a theme, so every other order waiting for it moves too.
 */
export type LifecycleAction = OrderAction | 'linesDone' | 'dvvCascade';
/** Whose step it is: the requester (or the person the order is for), their manager, an administrator, a signatory, or nobody. */
export type Who = 'requester' | 'manager' | 'administrator' | 'signatory' | 'system';

export interface Transition<S extends OrderStatus | LineStage> { action: LifecycleAction; from: S; to: S; who: Who }

const rows = <S extends OrderStatus | LineStage>(action: LifecycleAction, from: readonly S[], to: S, who: Who): Transition<S>[] =>
  from.map((f) => ({ action, from: f, to, who }));
/** Steps that keep the status (they change who holds the order): one row from each status to itself. */
const keeping = (action: LifecycleAction, from: readonly OrderStatus[], who: Who): Transition<OrderStatus>[] =>
  from.map((f) => ({ action, from: f, to: f, who }));

/** How an order's status may change. */
export const ORDER_TRANSITIONS: readonly Transition<OrderStatus>[] = [
  ...rows('approve', ['awaitingApproval'], 'open', 'manager'),
  ...rows('decline', ['awaitingApproval'], 'declined', 'manager'),
  ...rows('ask', ['open'], 'waitingForInfo', 'administrator'),
  ...rows('answer', ['waitingForInfo'], 'open', 'requester'),
  ...rows('cancel', OPEN_STATUSES, 'cancelled', 'requester'),
  // Also before the manager decided: the service has always allowed it, although the card offers it only later.
  ...rows('reject', OPEN_STATUSES, 'rejected', 'administrator'),
  ...keeping('claim', WORKABLE_STATUSES, 'administrator'),
  // Giving an order back has no status guard: a holder still named on a closed order can be cleared too.
  ...keeping('release', ORDER_STATUSES, 'administrator'),
  // After a grant or DVV's decision: completed if anything was granted, otherwise rejected (every theme refused).
  ...rows('linesDone', WORKABLE_STATUSES, 'completed', 'system'),
  ...rows('linesDone', WORKABLE_STATUSES, 'rejected', 'system'),
];

/** How a line's stage may change. Line steps are taken only while the order is workable (see lineFor). */
export const LINE_TRANSITIONS: readonly Transition<LineStage>[] = [
  // An invitation to the review meeting is an event on the line, not a move.
  ...rows('inviteMeeting', ['review'], 'review', 'administrator'),
  ...rows('markPrepared', ['review'], 'applicationPrepared', 'administrator'),
  ...rows('sign', ['applicationPrepared'], 'signed', 'signatory'),
  ...rows('markSent', ['signed'], 'sentToDvv', 'administrator'),
  ...rows('dvvDecision', ['sentToDvv'], 'toGrant', 'administrator'),
  ...rows('dvvDecision', ['sentToDvv'], 'dvvRefused', 'administrator'),
  // Lines of other orders waiting for the same theme follow DVV's decision wherever on path 2 they are.
  ...rows('dvvCascade', DVV_WAITING_STAGES, 'toGrant', 'system'),
  ...rows('dvvCascade', DVV_WAITING_STAGES, 'dvvRefused', 'system'),
  ...rows('confirmGrant', ['toGrant'], 'granted', 'administrator'),
  // Closing the order closes its lines, each closing verb keeping a different set (see close):
  // cancelling keeps what was granted and what DVV refused;
  ...rows('cancel', IN_PROGRESS_STAGES, 'closed', 'requester'),
  // rejecting keeps only what was granted;
  ...rows('reject', [...IN_PROGRESS_STAGES, 'dvvRefused'], 'closed', 'administrator'),
  // declining closes every line (before the manager's approval only a path's first stage exists anyway).
  ...rows('decline', [...IN_PROGRESS_STAGES, 'granted', 'dvvRefused'], 'closed', 'manager'),
];

/** Whether the table lets this step move an order from one status (or a line from one stage) to the other. */
export function allows(action: LifecycleAction, from: OrderStatus, to: OrderStatus): boolean;
export function allows(action: LifecycleAction, from: LineStage, to: LineStage): boolean;
export function allows(action: LifecycleAction, from: OrderStatus | LineStage, to: OrderStatus | LineStage): boolean {
  return tableOf(from).some((r) => r.action === action && r.from === from && r.to === to);
}

function tableOf(state: OrderStatus | LineStage): readonly Transition<OrderStatus | LineStage>[] {
  return state in STATUS_SET ? ORDER_TRANSITIONS : LINE_TRANSITIONS;
}

/** A change the transition table does not allow: a programming error, never a user's mistake. */
export class LifecycleError extends Error {
  constructor(message: string) { super(message); this.name = 'LifecycleError'; }
}

type Shape = Pick<Order, 'status'> & { lines: ReadonlyArray<Pick<OrderLine, 'stage'>> };

/**
 * Throws when a decided change (before → after) takes a step the table does not allow: a line moved where this
 * action cannot move it, or the status changed other than by one of its rows or by the order closing itself
 * once every line is done. An action with status rows that keeps the status (claim, release) needs a row from
 * that status to itself.
 */
export function assertAllowedChange(action: LifecycleAction, before: Shape, after: Shape): void {
  const fail = (what: string) => { throw new LifecycleError(`${action}: ${what} is not in the transition table`); };
  if (after.lines.length !== before.lines.length) fail(`${before.lines.length} → ${after.lines.length} lines`);
  after.lines.forEach((line, i) => {
    const was = before.lines[i].stage;
    if (line.stage !== was && !allows(action, was, line.stage)) fail(`line ${i} ${was} → ${line.stage}`);
  });
  const { status: from } = before;
  const { status: to } = after;
  const closedItself = from !== to && allLinesDone(after) && allows('linesDone', from, to);
  const hasStatusRows = ORDER_TRANSITIONS.some((r) => r.action === action);
  if ((from !== to || hasStatusRows) && !allows(action, from, to) && !closedItself) fail(`${from} → ${to}`);
}

// ---------------------------------------------------------------------------------------------------------
// Steps shared by several services

/** Completed when no line is still in progress. */
export function allLinesDone(order: { lines: ReadonlyArray<Pick<OrderLine, 'stage'>> }): boolean {
  return order.lines.every(isLineDone);
}

/** Whether any line may still need the henkilötunnus (to be granted now or after DVV). */
export function needsHetu(order: Pick<Order, 'lines'>): boolean {
  return !allLinesDone(order);
}

/**
 * The line an administrator's (or the signatory's) step may move now to `to`: the order is with the
 * administrators and the table allows the step from the line's stage. Undefined when it may not.
 */
export function lineFor(order: Order, index: number, action: LifecycleAction, to: LineStage): OrderLine | undefined {
  const line = order.lines[index];
  return line && isWorkable(order) && allows(action, line.stage, to) ? line : undefined;
}

/**
 * After a line changes: when no line is in progress any more the order closes — completed if anything was
 * granted, otherwise rejected (every theme refused) — and the henkilötunnus, no longer needed, is destroyed.
 * Returns true when the order closed now.
 */
export function closeIfDone(order: Order, reason?: string): boolean {
  if (!allLinesDone(order)) return false;
  const to: OrderStatus = order.lines.some((l) => l.stage === 'granted') ? 'completed' : 'rejected';
  if (!allows('linesDone', order.status, to)) return false;
  order.status = to;
  order.hetuCipher = null;
  if (reason) order.closedReason = reason;
  return true;
}

/** The statuses a person's decision closes an order with, and whose decision each is. */
const CLOSED_BY = { cancelled: 'cancel', rejected: 'reject', declined: 'decline' } as const satisfies Partial<Record<OrderStatus, OrderAction>>;
export type ClosingStatus = keyof typeof CLOSED_BY;

/**
 * Closes the order by a person's decision (cancel, reject, decline): the status and the reason are set, the
 * henkilötunnus is destroyed, and each line the table lets that decision close is closed — the others keep
 * their stage (a granted mandate stays granted). The caller checks first that the order may close
 * (`allows`); closing one that may not is a programming error.
 */
export function close(order: Order, to: ClosingStatus, reason: string): void {
  const action = CLOSED_BY[to];
  if (!allows(action, order.status, to)) throw new LifecycleError(`${action}: ${order.status} → ${to} is not in the transition table`);
  order.status = to;
  order.closedReason = reason;
  order.hetuCipher = null;
  order.lines = order.lines.map((l) => (allows(action, l.stage, 'closed') ? { ...l, stage: 'closed' } : l));
}
