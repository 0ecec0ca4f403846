/**
 * Path 2 (missing theme): review meeting → application prepared → signed by the signatory → sent to DVV →
 * DVV's decision. When DVV grants, the theme becomes held in the catalog and every open order waiting for it
 * turns into a path-1 grant task by itself; when DVV refuses, every waiting requester is told why.
 */
import type { Deps } from './deps';
import { runTransition, type TransitionResult } from './transition';
import { mutateOrder } from '../store/mutateOrder';
import type { Actor } from '../domain/policies';
import type { Order } from '../domain/order';
import { assertAllowedChange, closeIfDone, isWaitingForDvv, isWorkable, lineFor } from '../domain/lifecycle';
import { estimate } from '../domain/paths';
import type { OutboxMessage } from '../domain/outbox';

interface LineProps { actor: Actor; orderId: string; line: number; shownVersion?: string }

export function inviteToMeeting(deps: Deps, p: LineProps & { when: string }): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'inviteMeeting', shownVersion: p.shownVersion }, (order) => {
    if (!lineFor(order, p.line, 'inviteMeeting', 'review')) return { invalid: 'notInReview' };
    return {
      change: order,
      audit: { from: 'review', to: 'review', reason: p.when, detail: 'meeting' },
      outbox: [
        { kind: 'threadReply', orderId: order.id, event: 'meetingInvite', actorId: p.actor.id, text: p.when },
        { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: 'meetingInvite', text: p.when },
      ],
    };
  });
}

export async function markPrepared(deps: Deps, p: LineProps): Promise<TransitionResult> {
  const signatories = await deps.directory.listMembers('signatories');
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'markPrepared', shownVersion: p.shownVersion }, (order) => {
    const line = lineFor(order, p.line, 'markPrepared', 'applicationPrepared');
    if (!line) return { invalid: 'notInReview' };
    line.stage = 'applicationPrepared';
    return {
      change: order,
      audit: { from: 'review', to: 'applicationPrepared', detail: `line${p.line}` },
      outbox: [
        { kind: 'adminCard', orderId: order.id },
        { kind: 'threadReply', orderId: order.id, event: 'prepared', actorId: p.actor.id },
        ...signatories.filter((s) => s.id !== order.requesterId && s.id !== order.subject.id)
          .map((s): OutboxMessage => ({ kind: 'actionCard', orderId: order.id, recipientId: s.id, card: 'signature' })),
      ],
    };
  });
}

export function signApplication(deps: Deps, p: LineProps): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'sign', shownVersion: p.shownVersion }, (order) => {
    const line = lineFor(order, p.line, 'sign', 'signed');
    if (!line) return { invalid: 'notPrepared' };
    line.stage = 'signed';
    return {
      change: order,
      audit: { from: 'applicationPrepared', to: 'signed', detail: `line${p.line}` },
      outbox: [{ kind: 'adminCard', orderId: order.id }, { kind: 'threadReply', orderId: order.id, event: 'signed', actorId: p.actor.id }],
    };
  });
}

export function markSentToDvv(deps: Deps, p: LineProps & { sentOn: string }): Promise<TransitionResult> {
  return runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'markSent', shownVersion: p.shownVersion }, (order) => {
    const line = lineFor(order, p.line, 'markSent', 'sentToDvv');
    if (!line) return { invalid: 'notSigned' };
    line.stage = 'sentToDvv';
    return {
      change: order,
      audit: { from: 'signed', to: 'sentToDvv', reason: p.sentOn, detail: `line${p.line}` },
      outbox: [{ kind: 'adminCard', orderId: order.id }, { kind: 'threadReply', orderId: order.id, event: 'sent', actorId: p.actor.id, text: p.sentOn }],
    };
  });
}

/** Moves one waiting line to its DVV outcome; returns the messages to send. Shared by the decided order and the cascade. */
function applyDvvOutcome(order: Order, index: number, granted: boolean, reason: string, now: Date): OutboxMessage[] {
  const line = order.lines[index];
  const text = `line:${index}|${reason}`;
  if (granted) {
    const est = estimate('existing', now);
    line.stage = 'toGrant';
    // The date promised to the requester stays (a due date never jumps back on the cards); it moves forward only
    // when DVV decided so late that the grant's own target, 3 working days from the decision, is later.
    if (est.due > line.due) line.due = est.due;
    line.earliest = est.earliest;
  } else {
    line.stage = 'dvvRefused';
    line.refusalReason = reason;
  }
  // An administrator still grants by hand after DVV; the person the mandate is for hears of it too when a
  // manager ordered it for them ("sinulle" must name the right person).
  const forRequester = order.requesterId === order.subject.id;
  const outbox: OutboxMessage[] = [
    { kind: 'adminCard', orderId: order.id },
    { kind: 'threadReply', orderId: order.id, event: granted ? 'dvvGranted' : 'dvvRefused', text },
    { kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: granted ? (forRequester ? 'dvvGrantedForYou' : 'dvvGranted') : 'dvvRefused', text },
  ];
  if (!forRequester) outbox.push({ kind: 'personal', orderId: order.id, recipientId: order.subject.id, event: granted ? 'dvvGrantedForYou' : 'dvvRefused', text });
  if (closeIfDone(order)) outbox.push({ kind: 'personal', orderId: order.id, recipientId: order.requesterId, event: order.status === 'completed' ? 'completed' : 'rejected', text: reason });
  return outbox;
}

export interface DvvDecisionProps extends LineProps { granted: boolean; reason: string }

export async function recordDvvDecision(deps: Deps, p: DvvDecisionProps): Promise<TransitionResult & { cascaded?: number }> {
  const result = await runTransition(deps, { actor: p.actor, orderId: p.orderId, action: 'dvvDecision', shownVersion: p.shownVersion }, (order, now) => {
    if (!lineFor(order, p.line, 'dvvDecision', p.granted ? 'toGrant' : 'dvvRefused')) return { invalid: 'notSent' };
    const from = order.status;
    const outbox = applyDvvOutcome(order, p.line, p.granted, p.reason, now);
    return { change: order, audit: { from: `line${p.line}:sentToDvv`, to: p.granted ? 'dvvGranted' : 'dvvRefused', reason: p.reason || undefined, detail: `${from}` }, outbox };
  });
  if (result.kind !== 'done') return result;
  const themeId = result.order.lines[p.line].themeId;
  if (!themeId) return result;
  if (p.granted) await deps.catalogAdmin.setHeldByOrganisation(themeId, true);
  let cascaded = 0;
  for (const waiting of await deps.orders.listWaitingForTheme(themeId)) {
    if (waiting.id === result.order.id) continue;
    const done = await mutateOrder(deps.orders, waiting.id, (order) => {
      const indexes = order.lines.map((l, i) => (l.themeId === themeId && isWaitingForDvv(l) ? i : -1)).filter((i) => i >= 0);
      if (!indexes.length || !isWorkable(order)) return undefined;
      const now = deps.now();
      const before = { status: order.status, lines: order.lines.map((l) => ({ stage: l.stage })) };
      const outbox = indexes.flatMap((i) => applyDvvOutcome(order, i, p.granted, p.reason, now));
      assertAllowedChange('dvvCascade', before, order);
      order.updatedAt = now.toISOString();
      return { order, outbox, audit: [{ at: now.toISOString(), actorId: p.actor.id, action: p.granted ? 'dvvGrantedCascade' : 'dvvRefusedCascade',
        from: 'waiting', to: p.granted ? 'toGrant' : 'dvvRefused', detail: themeId }] };
    });
    if (done) cascaded++;
  }
  deps.kick();
  return { ...result, cascaded };
}
