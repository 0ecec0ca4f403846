/**
 * Every action a card can carry, by its wire name. Cards already posted in Teams channels and chats carry these
 * names, so they never change; this module is the one list both the card builders and the routes are typed by.
 * Action.Submit verbs arrive as a new chat message (menu buttons); Action.Execute verbs arrive as an invoke whose
 * answer replaces the clicked card.
 */
import type { LineVerb, OrderVerb } from './adminVerbs';

/** Menu buttons (Action.Submit, routed on data.verb). */
export const SUBMIT_VERBS = [
  'menuOrder', 'menuMyOrders', 'menuToSign', 'menuToApprove', 'menuSuggest', 'menuGlossary', 'menuLanguage',
  'menuInstructions', 'setLanguage', 'menuMyMandates', 'menuTeamMandates',
  'menuRenew',
  'menuRegisterSearch',
] as const;

/** Administrator verbs on an order card: the order- and line-level verbs the order offers, plus its own views. */
export const ADMIN_VERBS = [
  'admin.view', 'admin.claim', 'admin.release', 'admin.ask', 'admin.reject', 'admin.grantGuide', 'admin.revealHetu',
  'admin.confirmGrant', 'admin.inviteMeeting', 'admin.markPrepared', 'admin.markSent', 'admin.dvvGranted', 'admin.dvvRefused',
] as const satisfies ReadonlyArray<`admin.${string}`>;

/** Forms and verbs (Action.Execute, routed on the invoke's verb). */
export const EXECUTE_VERBS = [
  'orderSearch', 'orderSubmit',
  'orderSuggested', 'suggestFor', 'browseMap',
  'myOrderDetails', 'myOrderCancel', 'myOrderAnswer',
  'glossaryTerm', 'glossaryList',
  'catalog.held', 'catalog.toggleHeld',
  ...ADMIN_VERBS,
  'manager.approve', 'manager.decline',
  'signatory.sign',
  'review.answer',
  'task.revoke',
  'registerSearch', 'registerExport',
] as const;

export type SubmitVerb = typeof SUBMIT_VERBS[number];
export type ExecuteVerb = typeof EXECUTE_VERBS[number];
export type AdminVerb = typeof ADMIN_VERBS[number];
/** Every card action. */
export type Verb = SubmitVerb | ExecuteVerb;

export const VERBS: readonly Verb[] = [...SUBMIT_VERBS, ...EXECUTE_VERBS];

/** The verbs an administrator's form asks one input for before it performs them (question, reason, date…). */
export type VerbWithInput = Extract<OrderVerb | LineVerb, 'ask' | 'reject' | 'inviteMeeting' | 'markSent' | 'dvvRefused'>;

/** The wire name of an order card's verb ('claim' → 'admin.claim'). */
export function adminVerb(verb: OrderVerb | LineVerb): AdminVerb {
  // Checked by the compiler: every OrderVerb and LineVerb has its admin.* name in ADMIN_VERBS.
  const name: `admin.${OrderVerb | LineVerb}` = `admin.${verb}`;
  return name satisfies AdminVerb;
}
