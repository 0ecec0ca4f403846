/**
 * Who may do what, as small declarative rules (one table, tested role × action). Every handler asks here;
 * card data is never trusted to say who someone is.
 */
export interface Actor {
  id: string;
  isAdministrator: boolean;
  isSignatory: boolean;
  /**
   * An administrator who may also process orders they made or that are for them: suomi.fi lets the holder of
   * valtuutusoikeus grant mandates to themselves, and a city with one administrator would otherwise be stuck.
   * True only when the administrators' group has a single member or ALLOW_SELF_PROCESSING is on.
   */
  maySelfProcess?: boolean;
}

/** The facts about an order a rule may look at. */
export interface OrderFacts {
  requesterId: string;
  subjectId: string;
  /** The subject's manager according to the directory now (not as written on the order). */
  managerId: string | null;
}

export type OrderAction =
  | 'view' | 'cancel' | 'answer'
  | 'claim' | 'release' | 'ask' | 'reject' | 'grantGuide' | 'revealHetu' | 'confirmGrant'
  | 'inviteMeeting' | 'markPrepared' | 'markSent' | 'dvvDecision'
  | 'sign' | 'approve' | 'decline';

export type GlobalAction = 'toggleHeld' | 'digest' | 'browseAll' | 'revokeTask' | 'searchRegister' | 'viewReports';

type Rule = (actor: Actor, order: OrderFacts) => boolean;

const isRequester: Rule = (a, o) => a.id === o.requesterId;
const isSubject: Rule = (a, o) => a.id === o.subjectId;
const isManager: Rule = (a, o) => o.managerId !== null && a.id === o.managerId;
const isAdmin: Rule = (a) => a.isAdministrator;
const isSignatory: Rule = (a) => a.isSignatory;
const or = (...rules: Rule[]): Rule => (a, o) => rules.some((r) => r(a, o));
const and = (...rules: Rule[]): Rule => (a, o) => rules.every((r) => r(a, o));
const not = (rule: Rule): Rule => (a, o) => !rule(a, o);
/** Nobody processes an order they made or that is for them. */
const notOwn: Rule = and(not(isRequester), not(isSubject));
const selfProcessingAllowed: Rule = (a) => a.maySelfProcess === true;
/** Administrators process others' orders; their own only where self-processing is allowed (then audited and marked). */
const administrator: Rule = and(isAdmin, or(notOwn, selfProcessingAllowed));

const ORDER_RULES: Record<OrderAction, Rule> = {
  view: or(isRequester, isSubject, isManager, isAdmin),
  cancel: or(isRequester, isSubject),
  answer: or(isRequester, isSubject),
  claim: administrator,
  release: administrator,
  ask: administrator,
  reject: administrator,
  grantGuide: administrator,
  revealHetu: administrator,
  confirmGrant: administrator,
  inviteMeeting: administrator,
  markPrepared: administrator,
  markSent: administrator,
  dvvDecision: administrator,
  sign: and(isSignatory, notOwn),
  approve: and(isManager, notOwn),
  decline: and(isManager, notOwn),
};

const GLOBAL_RULES: Record<GlobalAction, (actor: Actor) => boolean> = {
  toggleHeld: (a) => a.isAdministrator,
  digest: (a) => a.isAdministrator,
  browseAll: () => true,
  /** Recording a revocation task as done: the administrators, who revoke in Suomi.fi. */
  revokeTask: (a) => a.isAdministrator,
  // Who holds what across the organisation (and its CSV): personal data of everyone, for administrators only.
  searchRegister: (a) => a.isAdministrator,
  // The reports tab: everyone's open orders and the register by department, for administrators only.
  viewReports: (a) => a.isAdministrator,
};

/** The facts about a review task a rule may look at (the manager as stored on the task: the one who was asked). */
export interface ReviewFacts { personId: string; managerId: string | null }

export type ReviewAction = 'answerReview';

/** A review is answered by the manager asked, or by an administrator on their behalf (audited as such); never by the holder. */
const REVIEW_RULES: Record<ReviewAction, (actor: Actor, review: ReviewFacts) => boolean> = {
  answerReview: (a, r) => a.id !== r.personId && ((r.managerId !== null && a.id === r.managerId) || a.isAdministrator),
};

export function mayOnReview(actor: Actor, action: ReviewAction, review: ReviewFacts): boolean {
  return REVIEW_RULES[action](actor, review);
}

export function mayOnOrder(actor: Actor, action: OrderAction, order: OrderFacts): boolean {
  return ORDER_RULES[action](actor, order);
}

export function may(actor: Actor, action: GlobalAction): boolean {
  return GLOBAL_RULES[action](actor);
}

export const ORDER_ACTIONS = Object.keys(ORDER_RULES) as OrderAction[];

/** The administrators' steps (their rule is `administrator`): done on one's own order, they are audit-marked. */
export const ADMINISTRATOR_ACTIONS: ReadonlySet<OrderAction> = new Set(ORDER_ACTIONS.filter((a) => ORDER_RULES[a] === administrator));

/** True when this actor acts on their own order (as requester or subject): such steps are audit-marked. */
export function isSelfProcessing(actor: Actor, order: OrderFacts): boolean {
  return actor.id === order.requesterId || actor.id === order.subjectId;
}
