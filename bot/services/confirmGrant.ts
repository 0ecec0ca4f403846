import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import type { Actor } from '../domain/policies';
import { type Order } from '../domain/order';
import { closeIfDone, lineFor, needsHetu } from '../domain/lifecycle';
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
  /**
   * The register entry could not be written at once (storage busy or down): the grant stands, and the registerGrant
   * message committed with it writes the entry. For the caller's log.
   */
  registerDelayed?: (err: unknown) => void;
}

/**
 * The administrator confirms that they granted the line's mandate in Suomi.fi: the grant enters the register,
 * the requester (and at completion the manager) hears of it, and the henkilötunnus is destroyed once no line needs it.
 */
export async function confirmGrant(deps: Deps, p: ConfirmGrantProps): Promise<TransitionResult> {
  const result = await runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'confirmGrant', shownVersion: p.shownVersion }, (order) => {
    const line = lineFor(order, p.line, 'confirmGrant', 'granted');
    if (!line) return { invalid: 'notGrantable' };
    if (order.assigneeId && order.assigneeId !== p.actor.id) return { invalid: 'heldByOther' };
    line.stage = 'granted';
    line.grantedFrom = p.validFrom;
    line.grantedUntil = p.validUntil;
    line.grantedBy = p.actor.id;
    line.grantedAt = deps.now().toISOString();
    if (!order.assigneeId) { order.assigneeId = p.actor.id; order.assigneeName = p.actorName; }
    const hadHetu = order.hetuCipher !== null;
    if (!needsHetu(order)) order.hetuCipher = null;
    const closed = closeIfDone(order);
    // The thread says the code was destroyed only on the grant that actually destroyed it.
    const hetuDestroyedNow = hadHetu && order.hetuCipher === null;
    const outbox: OutboxMessage[] = [
      { kind: 'registerGrant', orderId: order.id, line: p.line },
      { kind: 'adminCard', orderId: order.id },
      { kind: 'threadReply', orderId: order.id, event: hetuDestroyedNow ? 'lineGrantedHetuDestroyed' : 'lineGranted', actorId: p.actor.id, text: `line:${p.line}` },
      { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: closed ? 'completed' : 'lineGranted', text: `line:${p.line}` },
    ];
    if (order.subject.id !== order.requesterId) outbox.push({ kind: 'personal', orderId: order.id, recipientId: order.subject.id, event: 'lineGranted', text: `line:${p.line}` });
    if (closed) {
      outbox.push({ kind: 'threadReply', orderId: order.id, event: 'completed' });
      if (order.managerId && order.managerId !== order.requesterId) outbox.push({ kind: 'personal', orderId: order.id, recipientId: order.managerId, event: 'completed' });
    }
    return { change: order, audit: { from: `line${p.line}:toGrant`, to: closed ? order.status : `line${p.line}:granted`, detail: line.themeId ?? 'custom' }, outbox };
  });
  // Written at once so the register is current when the administrator's card returns; the registerGrant
  // message in the same commit rewrites it (idempotently) if the process dies before this line.
  if (result.kind === 'done') {
    try {
      await registerGrant(deps, result.order, p.line);
    } catch (err) {
      p.registerDelayed?.(err);
    }
  }
  return result;
}

/**
 * The register entry of a granted line (person, theme, validity, granted by, the order as its source): an
 * idempotent upsert — the entry's key is the holder, theme and start, so a re-run writes the same entry again.
 */
export async function registerGrant(deps: Pick<Deps, 'grants' | 'now'>, order: Order, index: number): Promise<void> {
  const line = order.lines[index];
  if (!line?.themeId || line.stage !== 'granted' || !line.grantedFrom || !line.grantedUntil) return;
  await deps.grants.put({ subjectId: order.subject.id, themeId: line.themeId, themeName: line.themeName, validFrom: line.grantedFrom,
    validUntil: line.grantedUntil, grantedBy: line.grantedBy ?? '', orderId: order.id, grantedAt: deps.now().toISOString(),
    source: { kind: 'order', orderId: order.id, orderNumber: order.number } });
}
