import assert from 'node:assert/strict';
import {
  ORDER_STATUSES, LINE_STAGES, ORDER_TRANSITIONS, LINE_TRANSITIONS, OPEN_STATUSES, WORKABLE_STATUSES, LINE_DONE_STAGES,
  allows, assertAllowedChange, close, closeIfDone, isWorkable, isOpen, isLineDone, lineFor, initialStatus,
  LifecycleError, type LifecycleAction, type Who,
} from '../../bot/domain/lifecycle';
import { mayOnOrder, ORDER_ACTIONS, type Actor, type OrderAction } from '../../bot/domain/policies';
import type { LineStage, Order, OrderLine, OrderStatus } from '../../bot/domain/order';

/**
 * The lifecycle spelled out once more, by hand, as "action: from → to". The table must allow exactly these
 * and nothing else: a change to the table that is not also made here fails.
 */
const EXPECTED_ORDER = [
  'approve: awaitingApproval → open',
  'decline: awaitingApproval → declined',
  'ask: open → waitingForInfo',
  'answer: waitingForInfo → open',
  'cancel: awaitingApproval → cancelled', 'cancel: open → cancelled', 'cancel: waitingForInfo → cancelled',
  'reject: awaitingApproval → rejected', 'reject: open → rejected', 'reject: waitingForInfo → rejected',
  'claim: open → open', 'claim: waitingForInfo → waitingForInfo',
  'release: awaitingApproval → awaitingApproval', 'release: open → open', 'release: waitingForInfo → waitingForInfo',
  'release: completed → completed', 'release: rejected → rejected', 'release: declined → declined', 'release: cancelled → cancelled',
  'linesDone: open → completed', 'linesDone: waitingForInfo → completed', 'linesDone: open → rejected', 'linesDone: waitingForInfo → rejected',
];
const EXPECTED_LINE = [
  'inviteMeeting: review → review',
  'markPrepared: review → applicationPrepared',
  'sign: applicationPrepared → signed',
  'markSent: signed → sentToDvv',
  'dvvDecision: sentToDvv → toGrant', 'dvvDecision: sentToDvv → dvvRefused',
  'dvvCascade: review → toGrant', 'dvvCascade: applicationPrepared → toGrant', 'dvvCascade: signed → toGrant', 'dvvCascade: sentToDvv → toGrant',
  'dvvCascade: review → dvvRefused', 'dvvCascade: applicationPrepared → dvvRefused', 'dvvCascade: signed → dvvRefused', 'dvvCascade: sentToDvv → dvvRefused',
  'confirmGrant: toGrant → granted',
  ...['review', 'applicationPrepared', 'signed', 'sentToDvv', 'toGrant'].map((s) => `cancel: ${s} → closed`),
  ...['review', 'applicationPrepared', 'signed', 'sentToDvv', 'toGrant', 'dvvRefused'].map((s) => `reject: ${s} → closed`),
  ...['review', 'applicationPrepared', 'signed', 'sentToDvv', 'toGrant', 'granted', 'dvvRefused'].map((s) => `decline: ${s} → closed`),
];
/** Steps that move nothing (they show or decrypt): not in the table, and every other verb is. */
const READ_ONLY: OrderAction[] = ['view', 'grantGuide', 'revealHetu'];
const SYSTEM_ACTIONS: LifecycleAction[] = ['linesDone', 'dvvCascade'];
const ACTIONS: LifecycleAction[] = [...ORDER_ACTIONS, ...SYSTEM_ACTIONS];

const key = (r: { action: string; from: string; to: string }) => `${r.action}: ${r.from} → ${r.to}`;

describe('lifecycle: the transition table', () => {
  it('has one row per allowed transition and no duplicates (23 status rows, 33 stage rows)', () => {
    assert.deepEqual(ORDER_TRANSITIONS.map(key).sort(), [...EXPECTED_ORDER].sort());
    assert.deepEqual(LINE_TRANSITIONS.map(key).sort(), [...EXPECTED_LINE].sort());
    assert.equal(new Set(ORDER_TRANSITIONS.map(key)).size, 23);
    assert.equal(new Set(LINE_TRANSITIONS.map(key)).size, 33);
  });

  for (const [kind, states, expected] of [['status', ORDER_STATUSES, EXPECTED_ORDER], ['stage', LINE_STAGES, EXPECTED_LINE]] as const) {
    const allowedSet = new Set<string>(expected);
    for (const action of ACTIONS) {
      const pairs = (states as readonly string[]).flatMap((from) => (states as readonly string[]).map((to) => ({ action, from, to })));
      for (const p of pairs.filter((q) => allowedSet.has(key(q)))) {
        it(`allows ${key(p)}`, () => {
          assert.equal(allows(action, p.from as OrderStatus & LineStage, p.to as OrderStatus & LineStage), true);
        });
      }
      const forbidden = pairs.filter((q) => !allowedSet.has(key(q)));
      it(`forbids every other ${kind} pair for ${action} (${forbidden.length} pairs)`, () => {
        for (const p of forbidden) assert.equal(allows(action, p.from as OrderStatus & LineStage, p.to as OrderStatus & LineStage), false, key(p));
      });
    }
  }

  it('a status step never applies to stages nor a stage step to statuses', () => {
    assert.equal(allows('reject', 'toGrant', 'closed'), true);
    assert.equal(allows('reject', 'open', 'rejected'), true);
    // Mixed pairs exist in no table (the overloads forbid them at compile time; this checks the data too).
    assert.equal((allows as (a: string, f: string, t: string) => boolean)('reject', 'open', 'closed'), false);
    assert.equal((allows as (a: string, f: string, t: string) => boolean)('reject', 'toGrant', 'rejected'), false);
  });

  it('every verb that changes an order is in the table; reading verbs are not', () => {
    const inTable = new Set([...ORDER_TRANSITIONS, ...LINE_TRANSITIONS].map((r) => r.action));
    for (const action of ORDER_ACTIONS) assert.equal(inTable.has(action), !READ_ONLY.includes(action), action);
    for (const action of SYSTEM_ACTIONS) assert.ok(inTable.has(action), action);
  });

  it('a finished order can only lose its holder; a closed line never moves', () => {
    const finished = ORDER_TRANSITIONS.filter((r) => !OPEN_STATUSES.includes(r.from));
    assert.ok(finished.every((r) => r.action === 'release' && r.to === r.from));
    assert.deepEqual(LINE_TRANSITIONS.filter((r) => r.from === 'closed'), []);
  });

  it('from a done stage only a closing verb moves a line, and only to closed', () => {
    for (const r of LINE_TRANSITIONS.filter((x) => LINE_DONE_STAGES.includes(x.from))) {
      assert.ok(r.to === 'closed' && ['reject', 'decline'].includes(r.action), key(r));
    }
  });

  it('the named sets agree with the table: open = may be cancelled, workable = may be claimed', () => {
    assert.deepEqual(ORDER_STATUSES.filter((s) => allows('cancel', s, 'cancelled')), [...OPEN_STATUSES]);
    assert.deepEqual(ORDER_STATUSES.filter((s) => allows('claim', s, s)), [...WORKABLE_STATUSES]);
  });
});

describe('lifecycle: who takes each step agrees with the policies', () => {
  // Roles relative to one order: requester R (for themselves), manager M, administrator A, signatory S.
  const facts = { requesterId: 'R', subjectId: 'R', managerId: 'M' };
  const actors: Record<Exclude<Who, 'system'>, Actor> = {
    requester: { id: 'R', isAdministrator: false, isSignatory: false },
    manager: { id: 'M', isAdministrator: false, isSignatory: false },
    administrator: { id: 'A', isAdministrator: true, isSignatory: false },
    signatory: { id: 'S', isAdministrator: false, isSignatory: true },
  };
  for (const row of [...ORDER_TRANSITIONS, ...LINE_TRANSITIONS]) {
    it(`${key(row)}: ${row.who}`, () => {
      if (row.who === 'system') {
        assert.ok(!(ORDER_ACTIONS as string[]).includes(row.action), 'a system step is no person\'s verb');
        return;
      }
      const may = Object.entries(actors).filter(([, a]) => mayOnOrder(a, row.action as OrderAction, facts)).map(([who]) => who);
      assert.deepEqual(may, [row.who]);
    });
  }
});

function line(stage: LineStage, extra: Partial<OrderLine> = {}): OrderLine {
  return { themeId: `t-${stage}`, themeName: stage, eservice: 'e', path: 'missing', stage, due: '2026-12-01', earliest: '2026-11-30', ...extra };
}
function order(status: OrderStatus, stages: LineStage[]): Order {
  return {
    id: 'o1', number: 'VB-2026-00001', requesterId: 'R', requesterMail: 'r@x', subject: { id: 'R', givenName: 'R', surname: 'R', department: 'd', serviceArea: 's', jobTitle: 'j', mail: 'r@x' },
    managerId: 'M', justification: 'j', validUntil: '2027-01-01', lines: stages.map((s) => line(s)), status, assigneeId: null, assigneeName: null,
    question: null, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', hetuCipher: 'cipher', hetuMasked: '010594Y****',
    closedReason: null, adminCard: null, unreachable: [],
  };
}
const EVERY_STAGE: LineStage[] = ['review', 'applicationPrepared', 'signed', 'sentToDvv', 'toGrant', 'granted', 'dvvRefused', 'closed'];

describe('lifecycle: closing an order', () => {
  it('cancel keeps granted and DVV-refused lines, closes the rest, destroys the henkilötunnus, records the reason', () => {
    const o = order('open', EVERY_STAGE);
    close(o, 'cancelled', 'no longer needed');
    assert.equal(o.status, 'cancelled');
    assert.equal(o.closedReason, 'no longer needed');
    assert.equal(o.hetuCipher, null);
    assert.deepEqual(o.lines.map((l) => l.stage), ['closed', 'closed', 'closed', 'closed', 'closed', 'granted', 'dvvRefused', 'closed']);
  });

  it('reject keeps only granted lines (a DVV-refused line closes)', () => {
    const o = order('waitingForInfo', EVERY_STAGE);
    close(o, 'rejected', 'wrong person');
    assert.equal(o.status, 'rejected');
    assert.equal(o.hetuCipher, null);
    assert.deepEqual(o.lines.map((l) => l.stage), ['closed', 'closed', 'closed', 'closed', 'closed', 'granted', 'closed', 'closed']);
  });

  it('decline closes every line', () => {
    const o = order('awaitingApproval', EVERY_STAGE);
    close(o, 'declined', '');
    assert.equal(o.status, 'declined');
    assert.equal(o.closedReason, '');
    assert.equal(o.hetuCipher, null);
    assert.ok(o.lines.every((l) => l.stage === 'closed'));
  });

  it('a line keeps its other fields when it closes, and a kept line is left as it was', () => {
    const o = order('open', ['toGrant', 'granted']);
    o.lines[1].grantedBy = 'A';
    const kept = o.lines[1];
    close(o, 'cancelled', 'r');
    assert.equal(o.lines[0].themeId, 't-toGrant');
    assert.equal(o.lines[1], kept);
  });

  it('closing an order the table does not let close is a programming error', () => {
    assert.throws(() => close(order('completed', ['granted']), 'cancelled', 'r'), LifecycleError);
    assert.throws(() => close(order('open', ['toGrant']), 'declined', 'r'), LifecycleError);
  });

  it('closeIfDone: completed when anything was granted, rejected when every theme was refused; the code is destroyed', () => {
    const granted = order('open', ['granted', 'dvvRefused']);
    assert.equal(closeIfDone(granted), true);
    assert.equal(granted.status, 'completed');
    assert.equal(granted.hetuCipher, null);
    assert.equal(granted.closedReason, null);
    const refused = order('waitingForInfo', ['dvvRefused']);
    assert.equal(closeIfDone(refused, 'DVV said no'), true);
    assert.equal(refused.status, 'rejected');
    assert.equal(refused.closedReason, 'DVV said no');
  });

  it('closeIfDone leaves an order with a line in progress, and one that is not with the administrators', () => {
    for (const o of [order('open', ['granted', 'toGrant']), order('completed', ['granted']), order('cancelled', ['closed']), order('awaitingApproval', ['closed'])]) {
      const before = structuredClone(o);
      assert.equal(closeIfDone(o), false);
      assert.deepEqual(o, before);
    }
  });
});

describe('lifecycle: where an order stands', () => {
  it('workable = open or waiting for info; open adds awaiting approval; done lines are granted, refused or closed', () => {
    assert.deepEqual(ORDER_STATUSES.filter((s) => isWorkable({ status: s })), ['open', 'waitingForInfo']);
    assert.deepEqual(ORDER_STATUSES.filter((s) => isOpen({ status: s })), ['awaitingApproval', 'open', 'waitingForInfo']);
    assert.deepEqual(LINE_STAGES.filter((s) => isLineDone({ stage: s })), ['granted', 'dvvRefused', 'closed']);
  });

  it('a new order waits for the manager only when approval is needed', () => {
    assert.equal(initialStatus(true), 'awaitingApproval');
    assert.equal(initialStatus(false), 'open');
  });

  it('lineFor: the line a step may move now, only while the order is workable', () => {
    assert.equal(lineFor(order('open', ['review']), 0, 'markPrepared', 'applicationPrepared')?.stage, 'review');
    assert.equal(lineFor(order('waitingForInfo', ['toGrant']), 0, 'confirmGrant', 'granted')?.stage, 'toGrant');
    assert.equal(lineFor(order('awaitingApproval', ['toGrant']), 0, 'confirmGrant', 'granted'), undefined);
    assert.equal(lineFor(order('completed', ['toGrant']), 0, 'confirmGrant', 'granted'), undefined);
    assert.equal(lineFor(order('open', ['signed']), 0, 'markPrepared', 'applicationPrepared'), undefined);
    assert.equal(lineFor(order('open', ['review']), 3, 'markPrepared', 'applicationPrepared'), undefined);
  });
});

describe('lifecycle: a decided change is checked against the table', () => {
  const check = (action: LifecycleAction, before: Order, change: (o: Order) => void) => {
    const after = structuredClone(before);
    change(after);
    return () => assertAllowedChange(action, before, after);
  };

  it('accepts what the services do', () => {
    assert.doesNotThrow(check('claim', order('open', ['toGrant']), (o) => { o.assigneeId = 'A'; }));
    assert.doesNotThrow(check('release', order('completed', ['granted']), (o) => { o.assigneeId = null; }));
    assert.doesNotThrow(check('markPrepared', order('open', ['review', 'toGrant']), (o) => { o.lines[0].stage = 'applicationPrepared'; }));
    assert.doesNotThrow(check('inviteMeeting', order('open', ['review']), () => undefined));
    // The last grant closes the order by itself.
    assert.doesNotThrow(check('confirmGrant', order('open', ['toGrant', 'dvvRefused']), (o) => { o.lines[0].stage = 'granted'; closeIfDone(o); }));
    assert.doesNotThrow(check('dvvCascade', order('waitingForInfo', ['signed']), (o) => { o.lines[0].stage = 'dvvRefused'; closeIfDone(o); }));
    assert.doesNotThrow(check('reject', order('open', ['granted', 'dvvRefused']), (o) => close(o, 'rejected', 'r')));
  });

  it('refuses a line moved where the action cannot move it, a status the action cannot set, and added lines', () => {
    assert.throws(check('markSent', order('open', ['review']), (o) => { o.lines[0].stage = 'sentToDvv'; }), LifecycleError);
    assert.throws(check('confirmGrant', order('open', ['toGrant', 'toGrant']), (o) => { o.lines[0].stage = 'granted'; o.status = 'completed'; }), LifecycleError);
    assert.throws(check('ask', order('waitingForInfo', ['toGrant']), (o) => { o.status = 'open'; }), LifecycleError);
    assert.throws(check('claim', order('completed', ['granted']), (o) => { o.assigneeId = 'A'; }), LifecycleError);
    assert.throws(check('cancel', order('open', ['toGrant']), () => undefined), LifecycleError, 'cancel must change the status');
    assert.throws(check('markPrepared', order('open', ['review']), (o) => { o.lines.push(line('review')); }), LifecycleError);
  });
});
