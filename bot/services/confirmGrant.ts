import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { closeIfDone, needsHetu } from '../domain/order';
import type { OutboxMessage } from '../domain/outbox';

export interface ConfirmGrantProps {
  actor: Actor;
  /** Shown on the card as the holder when nobody had claimed the order. */
  actorName: string;
  orderId: string;
  /** Index of the order line granted in Suomi.fi. */
  line: number;
  validFrom: string;
  validUntil: string;
  shownVersion?: string;
}

/**
 * The administrator confirms that they granted the line's mandate in Suomi.fi: the grant enters the register,
 * the requester (and at completion the manager) hears of it, and the henkilötunnus is destroyed once no line needs it.
 */
export async function confirmGrant(deps: Deps, p: ConfirmGrantProps): Promise<TransitionResult> {
  const result = await runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'confirmGrant', shownVersion: p.shownVersion }, (order, now) => {
    const line = order.lines[p.line];
    if (!line || line.stage !== 'toGrant' || (order.status !== 'open' && order.status !== 'waitingForInfo')) return { invalid: 'notGrantable' };
    if (order.assigneeId && order.assigneeId !== p.actor.id) return { invalid: 'heldByOther' };
    line.stage = 'granted';
    line.grantedFrom = p.validFrom;
    line.grantedUntil = p.validUntil;
    line.grantedBy = p.actor.id;
    if (!order.assigneeId) { order.assigneeId = p.actor.id; order.assigneeName = p.actorName; }
    if (!needsHetu(order)) order.hetuCipher = null;
    const from = order.status;
    const closed = closeIfDone(order);
    const outbox: OutboxMessage[] = [
      { kind: 'adminCard', orderId: order.id },
      { kind: 'threadReply', orderId: order.id, event: 'lineGranted', actorId: p.actor.id, text: `line:${p.line}` },
      { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: closed ? 'completed' : 'lineGranted', text: `line:${p.line}` },
    ];
    if (order.subject.id !== order.requesterId) outbox.push({ kind: 'personal', orderId: order.id, recipientId: order.subject.id, event: 'lineGranted', text: `line:${p.line}` });
    if (closed) {
      outbox.push({ kind: 'threadReply', orderId: order.id, event: 'completed' });
      if (order.managerId && order.managerId !== order.requesterId) outbox.push({ kind: 'personal', orderId: order.id, recipientId: order.managerId, event: 'completed' });
    }
    void now;
    return { change: order, audit: { from: `line${p.line}:toGrant`, to: closed ? order.status : `line${p.line}:granted`, detail: line.themeId ?? 'custom' }, outbox };
  });
  if (result.kind === 'done') {
    const line = result.order.lines[p.line];
    if (line.themeId) {
      await deps.grants.put({ subjectId: result.order.subject.id, themeId: line.themeId, themeName: line.themeName, validFrom: p.validFrom,
        validUntil: p.validUntil, grantedBy: p.actor.id, orderId: result.order.id, grantedAt: deps.now().toISOString() });
    }
  }
  return result;
}
