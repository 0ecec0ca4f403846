/**
 * Which administrator verbs an order offers in its current state (the policy decides who may use them).
 * Order-level verbs act on the whole order; line verbs act on one theme line.
 */
import type { Order } from './order';
import { allows, isWorkable } from './lifecycle';

export type OrderVerb = 'claim' | 'release' | 'ask' | 'reject';
export type LineVerb = 'grantGuide' | 'inviteMeeting' | 'markPrepared' | 'markSent' | 'dvvGranted' | 'dvvRefused';

export interface AvailableVerbs {
  order: OrderVerb[];
  lines: Array<{ index: number; verbs: LineVerb[] }>;
}

export function availableVerbs(order: Order): AvailableVerbs {
  if (!isWorkable(order)) return { order: [], lines: [] };
  const orderVerbs: OrderVerb[] = [order.assigneeId ? 'release' : 'claim'];
  if (allows('ask', order.status, 'waitingForInfo')) orderVerbs.push('ask');
  orderVerbs.push('reject');
  const lines = order.lines.map((line, index) => {
    const verbs: LineVerb[] = [];
    switch (line.stage) {
      case 'toGrant': verbs.push('grantGuide'); break;
      case 'review': verbs.push('inviteMeeting', 'markPrepared'); break;
      case 'signed': verbs.push('markSent'); break;
      case 'sentToDvv': verbs.push('dvvGranted', 'dvvRefused'); break;
      default: break;
    }
    return { index, verbs };
  }).filter((l) => l.verbs.length > 0);
  return { order: orderVerbs, lines };
}

/**
 * Whether a line can be granted now, and so whether its grant guide and the henkilötunnus may be shown: the
 * order is with the administrators (not waiting for the manager, not closed) and the line is at "toGrant".
 * Without a line (an old card): any grantable line.
 */
export function isGrantable(order: Order, line?: number): boolean {
  const grantable = availableVerbs(order).lines.filter((l) => l.verbs.includes('grantGuide')).map((l) => l.index);
  return line === undefined || Number.isNaN(line) ? grantable.length > 0 : grantable.includes(line);
}
