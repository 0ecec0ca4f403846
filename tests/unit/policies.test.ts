import assert from 'node:assert/strict';
import { mayOnOrder, may, isSelfProcessing, ORDER_ACTIONS, ADMINISTRATOR_ACTIONS, type Actor, type OrderAction } from '../../bot/domain/policies';

/** Every role × every verb. Roles are relative to one order: requester R (for themselves), manager M of R, admins A. */
const order = { requesterId: 'R', subjectId: 'R', managerId: 'M' };
const roles: Record<string, Actor> = {
  requester: { id: 'R', isAdministrator: false, isSignatory: false },
  requesterWhoIsAdmin: { id: 'R', isAdministrator: true, isSignatory: true },
  /** The only administrator (or ALLOW_SELF_PROCESSING): may process their own order, nothing else changes. */
  requesterWhoIsSelfProcessingAdmin: { id: 'R', isAdministrator: true, isSignatory: true, maySelfProcess: true },
  /** The flag alone gives nothing to someone who is not an administrator. */
  requesterFlaggedButNotAdmin: { id: 'R', isAdministrator: false, isSignatory: false, maySelfProcess: true },
  manager: { id: 'M', isAdministrator: false, isSignatory: false },
  administrator: { id: 'A', isAdministrator: true, isSignatory: false },
  signatory: { id: 'S', isAdministrator: false, isSignatory: true },
  otherEmployee: { id: 'X', isAdministrator: false, isSignatory: false },
};

const ADMIN_VERBS: OrderAction[] = ['claim', 'release', 'ask', 'reject', 'grantGuide', 'revealHetu', 'confirmGrant', 'inviteMeeting', 'markPrepared', 'markSent', 'dvvDecision'];
const expected: Record<string, OrderAction[]> = {
  requester: ['view', 'cancel', 'answer'],
  requesterWhoIsAdmin: ['view', 'cancel', 'answer'],
  // Signing one's own application and approving as one's own manager stay refused: those are other people's checks.
  requesterWhoIsSelfProcessingAdmin: ['view', 'cancel', 'answer', ...ADMIN_VERBS],
  requesterFlaggedButNotAdmin: ['view', 'cancel', 'answer'],
  manager: ['view', 'approve', 'decline'],
  administrator: ['view', ...ADMIN_VERBS],
  signatory: ['sign'],
  otherEmployee: [],
};

describe('policies: who may do what on an order', () => {
  for (const [role, actor] of Object.entries(roles)) {
    for (const action of ORDER_ACTIONS) {
      const allowed = expected[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        assert.equal(mayOnOrder(actor, action, order), allowed);
      });
    }
  }

  it('the administrators\' steps (audit-marked when self-processed) are exactly the actions ruled "administrator"', () => {
    assert.deepEqual([...ADMINISTRATOR_ACTIONS].sort(), [...ADMIN_VERBS].sort());
  });

  it('nobody processes an order made for them by their manager, even as an administrator', () => {
    const forReport = { requesterId: 'M', subjectId: 'A', managerId: 'M' };
    assert.equal(mayOnOrder(roles.administrator, 'claim', forReport), false);
    assert.equal(mayOnOrder(roles.administrator, 'revealHetu', forReport), false);
    assert.equal(mayOnOrder(roles.administrator, 'cancel', forReport), true, 'the subject may still cancel');
  });

  it('self-processing is marked: isSelfProcessing names the requester and the subject, nobody else', () => {
    assert.equal(isSelfProcessing(roles.requesterWhoIsSelfProcessingAdmin, order), true);
    assert.equal(isSelfProcessing(roles.administrator, order), false);
    assert.equal(isSelfProcessing(roles.administrator, { requesterId: 'M', subjectId: 'A', managerId: 'M' }), true);
  });

  it('a manager cannot approve an order they made themselves for a report', () => {
    assert.equal(mayOnOrder(roles.manager, 'approve', { requesterId: 'M', subjectId: 'R', managerId: 'M' }), false);
  });

  it('only administrators toggle catalog flags and see the digest; everyone browses', () => {
    assert.equal(may(roles.administrator, 'toggleHeld'), true);
    assert.equal(may(roles.requester, 'toggleHeld'), false);
    assert.equal(may(roles.signatory, 'digest'), false);
    assert.equal(may(roles.otherEmployee, 'browseAll'), true);
  });

  it('only administrators record a revocation task as done (not the manager, the signatory or the holder)', () => {
    assert.equal(may(roles.administrator, 'revokeTask'), true);
    for (const role of [roles.manager, roles.signatory, roles.requester, roles.otherEmployee]) assert.equal(may(role, 'revokeTask'), false);
  });

  it('only administrators see the reports tab (all open orders and the register by department)', () => {
    assert.equal(may(roles.administrator, 'viewReports'), true);
    for (const role of [roles.manager, roles.signatory, roles.requester, roles.otherEmployee]) assert.equal(may(role, 'viewReports'), false);
  });
});
