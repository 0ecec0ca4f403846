/**
 * The verb registry: every card action (bot/domain/verbs) has exactly one entry here, which says how it arrives
 * (a menu message or an invoke), which policy action decides who may do it, how its card data is parsed, and which
 * handler presents it. bot/app.ts registers its routes from this table and nothing else. Adding a verb = its name
 * in bot/domain/verbs.ts + its entry here + its service + its texts.
 */
import { safeError } from '../log';
import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import type { ExecuteVerb, SubmitVerb, Verb } from '../domain/verbs';
import { may, type Actor, type GlobalAction, type OrderAction, type ReviewAction } from '../domain/policies';
import { claimOrder, releaseOrder } from '../services/claimOrder';
import { askRequester } from '../services/askRequester';
import { rejectOrder } from '../services/rejectOrder';
import { confirmGrant } from '../services/confirmGrant';
import { inviteToMeeting, markPrepared, markSentToDvv, recordDvvDecision, signApplication } from '../services/pathTwo';
import { decideAsManager } from '../services/managerDecision';
import { scheduleReviewMeeting } from '../services/reviewMeeting';
import { runInBackground } from '../services/backgroundWork';
import { showTasks, changeLanguage, showInstructions } from './menu';
import { openOrderForm, searchInOrderForm, submitOrderForm, parseOrderForm } from './order';
import { showMyMandates, showTeamMandates } from './mandates';
import { answerReviewCard, parseReviewAnswer } from './review';
import { parseRevoke, revokeTaskVerb } from './revocation';
import { parseRenew, renewMandate } from './renewal';
import { openRegisterSearch, runRegisterSearch, exportRegisterSearch, parseSearchInput } from './registerSearch';
import { showMyOrders, showOrderDetails, cancelMyOrder, answerMyOrder, parseOrderRef, parseCancel, parseAnswer } from './myOrders';
import { showGlossaryList, showGlossaryTerm, parseTerm } from './glossary';
import { showSuggestions, orderSuggested, browseMap, parseSuggestFor, parseOrderSuggested, parseBrowse } from './suggest';
import { parseHeldView, parseToggle, showHeldView, toggleHeldFlag } from './catalogHeld';
import { adminAnswer, checkGrantDates, decisionAnswer, formVerb, meetingInputs, multiline, required, sentDateInput, showGrantGuide, showHetu,
  validDate, validMeetingTime, viewOrderCard } from './adminOrder';
import { lineAt, optionalString, parseDecision, parseFormVerb, parseGrant, parseMeetingVerb, parseOrderVerb, type CardData, type OrderVerbInput } from './verbInput';

/** Who decides: an order's policy action (checked by the verb's service, on the order as stored) or a global one. */
export type VerbPolicy = { order: OrderAction } | { global: GlobalAction } | { review: ReviewAction };

/** A menu button (Action.Submit): the answer, if any, is sent as a new message. */
export interface SubmitRoute {
  kind: 'submit';
  handle: (deps: HandlerDeps, turn: Turn, data: CardData) => Promise<AdaptiveCard | void>;
}

/** A form or verb (Action.Execute): the answer replaces the card for the one who clicked. */
export interface ExecuteRoute {
  kind: 'execute';
  policy?: VerbPolicy;
  handle: (deps: HandlerDeps, turn: Turn, data: CardData) => Promise<AdaptiveCard>;
}

export type Route<V extends Verb> = V extends SubmitVerb ? SubmitRoute : ExecuteRoute;
/** Exactly one entry per verb: a missing or an unknown key does not compile. */
export type VerbRegistry = { readonly [V in Verb]: Route<V> };

type Run<I, R> = (deps: HandlerDeps, turn: Turn, input: I) => Promise<R>;
type ActorRun<I> = (deps: HandlerDeps, turn: Turn, input: I, actor: Actor) => Promise<AdaptiveCard>;

const noInput = (): Record<string, never> => ({});

function menu<I>(parse: (data: CardData) => I, run: Run<I, AdaptiveCard | void>): SubmitRoute {
  return { kind: 'submit', handle: (deps, turn, data) => run(deps, turn, parse(data)) };
}

/** A form or view anyone may use; what they see is decided by the handler's service (on `policy`, when given). */
function form<I>(parse: (data: CardData) => I, run: Run<I, AdaptiveCard>, policy?: OrderAction): ExecuteRoute {
  return { kind: 'execute', ...(policy ? { policy: { order: policy } } : {}), handle: (deps, turn, data) => run(deps, turn, parse(data)) };
}

/** A verb on an order: the actor from the directory (never from the card), the order's policy checked by the service. */
function orderVerb<I extends OrderVerbInput>(policy: OrderAction | undefined, parse: (data: CardData) => I, run: ActorRun<I>): ExecuteRoute {
  return { kind: 'execute', ...(policy ? { policy: { order: policy } } : {}),
    handle: async (deps, turn, data) => run(deps, turn, parse(data), await actorOf(deps, turn.userId)) };
}

/** A verb behind a global policy: refused here, before anything is read, unless the actor may. */
function gated<I>(policy: GlobalAction, parse: (data: CardData) => I, run: Run<I, AdaptiveCard>): ExecuteRoute {
  return { kind: 'execute', policy: { global: policy }, handle: async (deps, turn, data) => {
    if (!may(await actorOf(deps, turn.userId), policy)) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    return run(deps, turn, parse(data));
  } };
}

const actorName = (turn: Turn): string => turn.user?.displayName ?? '';
const common = (input: OrderVerbInput, actor: Actor) => ({ actor, orderId: input.orderId, shownVersion: input.shownVersion });

export const VERB_ROUTES: VerbRegistry = {
  // Menu buttons.
  menuOrder: menu(noInput, (deps, turn) => openOrderForm(deps, turn)),
  menuMyOrders: menu(noInput, (deps, turn) => showMyOrders(deps, turn)),
  menuToSign: menu(noInput, (deps, turn) => showTasks(deps, turn, 'sign')),
  menuToApprove: menu(noInput, (deps, turn) => showTasks(deps, turn, 'approve')),
  menuSuggest: menu(noInput, (deps, turn) => showSuggestions(deps, turn, {})),
  menuGlossary: menu(noInput, (deps, turn) => showGlossaryList(deps, turn)),
  menuLanguage: menu(noInput, (deps, turn) => changeLanguage(deps, turn, undefined)),
  menuInstructions: menu(noInput, (deps, turn) => showInstructions(deps, turn)),
  setLanguage: menu((data) => optionalString(data.lang), changeLanguage),
  // The register's views: the team view is the directory's answer (direct reports), never the card's.
  menuMyMandates: menu(noInput, (deps, turn) => showMyMandates(deps, turn)),
  menuTeamMandates: menu(noInput, (deps, turn) => showTeamMandates(deps, turn)),
  // A renewal of the clicker's own entry (theme + start): the entry and its window are re-read on the server.
  menuRenew: menu(parseRenew, renewMandate),
  // The administrators' register search (the handler asks the policy and wants the personal chat).
  menuRegisterSearch: menu(noInput, (deps, turn) => openRegisterSearch(deps, turn)),

  // The order form.
  orderSearch: form(parseOrderForm, searchInOrderForm),
  orderSubmit: form(parseOrderForm, submitOrderForm),

  // Suggestions and the mandate map (the person shown is checked against the directory by the handler).
  orderSuggested: form(parseOrderSuggested, orderSuggested),
  suggestFor: form(parseSuggestFor, (deps, turn, input) => showSuggestions(deps, turn, input)),
  browseMap: form(parseBrowse, browseMap),

  // The requester's own orders.
  myOrderDetails: form(parseOrderRef, (deps, turn, input) => showOrderDetails(deps, turn, input), 'view'),
  myOrderCancel: form(parseCancel, cancelMyOrder, 'cancel'),
  myOrderAnswer: form(parseAnswer, answerMyOrder, 'answer'),

  // Glossary.
  glossaryTerm: form(parseTerm, showGlossaryTerm),
  glossaryList: form(noInput, (deps, turn) => showGlossaryList(deps, turn)),

  // The catalog's held flags (administrators).
  'catalog.held': gated('toggleHeld', parseHeldView, (deps, turn, input) => showHeldView(deps, turn, input)),
  'catalog.toggleHeld': gated('toggleHeld', parseToggle, toggleHeldFlag),

  // The administrators' order card. Seeing it is the channel's rule (adminOrder.maySeeAdminCard), not a policy action.
  'admin.view': orderVerb(undefined, parseOrderVerb, viewOrderCard),
  'admin.claim': orderVerb('claim', parseOrderVerb, async (deps, turn, input, actor) =>
    adminAnswer(deps, turn, await claimOrder(deps, { ...common(input, actor), actorName: actorName(turn) }), actor)),
  'admin.release': orderVerb('release', parseOrderVerb, async (deps, turn, input, actor) =>
    adminAnswer(deps, turn, await releaseOrder(deps, { ...common(input, actor), actorName: actorName(turn) }), actor)),
  'admin.ask': orderVerb('ask', parseFormVerb('question'), (deps, turn, input, actor) => formVerb({
    verb: 'ask', field: 'question', input: multiline('admin.questionLabel'), validate: required,
    perform: (deps, _turn, input, actor) => askRequester(deps, { ...common(input, actor), question: input.value }),
  }, deps, turn, input, actor)),
  'admin.reject': orderVerb('reject', parseFormVerb('reason'), (deps, turn, input, actor) => formVerb({
    verb: 'reject', field: 'reason', input: multiline('admin.reason'), validate: required,
    perform: (deps, _turn, input, actor) => rejectOrder(deps, { ...common(input, actor), reason: input.value }),
  }, deps, turn, input, actor)),
  'admin.grantGuide': orderVerb('grantGuide', parseOrderVerb, (deps, turn, input, actor) => showGrantGuide(deps, turn, input, actor)),
  'admin.revealHetu': orderVerb('revealHetu', parseOrderVerb, showHetu),
  'admin.confirmGrant': orderVerb('confirmGrant', parseGrant, async (deps, turn, input, actor) =>
    (await checkGrantDates(deps, turn, input, actor)) ?? adminAnswer(deps, turn, await confirmGrant(deps, { ...common(input, actor), actorName: actorName(turn),
      line: lineAt(input), validFrom: input.validFrom, validUntil: input.validUntil,
      registerDelayed: (err) => turn.log.warn({ err: safeError(err) }, 'register entry not written at once; the outbox writes it') }), actor)),
  'admin.inviteMeeting': orderVerb('inviteMeeting', parseMeetingVerb, (deps, turn, input, actor) => formVerb({
    verb: 'inviteMeeting', field: 'when', input: meetingInputs, validate: validMeetingTime,
    perform: async (deps, turn, input, actor) => {
      const result = await inviteToMeeting(deps, { ...common(input, actor), line: lineAt(input), when: input.value });
      // The invoke is answered now; the calendar call runs on, bounded, and its outcome is audited.
      if (result.kind === 'done' && deps.meetings) runInBackground(deps, scheduleReviewMeeting(deps, turn.log, { organizerId: turn.userId, order: result.order, when: input.value }));
      return result;
    },
  }, deps, turn, input, actor)),
  'admin.markPrepared': orderVerb('markPrepared', parseOrderVerb, async (deps, turn, input, actor) =>
    adminAnswer(deps, turn, await markPrepared(deps, { ...common(input, actor), line: lineAt(input) }), actor)),
  'admin.markSent': orderVerb('markSent', parseFormVerb('sentOn'), (deps, turn, input, actor) => formVerb({
    verb: 'markSent', field: 'sentOn', input: sentDateInput, validate: validDate,
    perform: (deps, _turn, input, actor) => markSentToDvv(deps, { ...common(input, actor), line: lineAt(input), sentOn: input.value }),
  }, deps, turn, input, actor)),
  // Both DVV outcomes are one policy action and one service: their wire names stay, the mapping is written here.
  'admin.dvvGranted': orderVerb('dvvDecision', parseOrderVerb, async (deps, turn, input, actor) =>
    adminAnswer(deps, turn, await recordDvvDecision(deps, { ...common(input, actor), line: lineAt(input), granted: true, reason: '' }), actor)),
  'admin.dvvRefused': orderVerb('dvvDecision', parseFormVerb('reason'), (deps, turn, input, actor) => formVerb({
    verb: 'dvvRefused', field: 'reason', input: multiline('admin.refusalReason'), validate: required,
    perform: (deps, _turn, input, actor) => recordDvvDecision(deps, { ...common(input, actor), line: lineAt(input), granted: false, reason: input.value }),
  }, deps, turn, input, actor)),

  // Personal cards: the manager's approval, the signatory's signature.
  'manager.approve': orderVerb('approve', parseDecision, async (deps, turn, input, actor) =>
    decisionAnswer(turn, await decideAsManager(deps, { ...common(input, actor), approve: true, reason: input.reason }), 'verb.approve')),
  'manager.decline': orderVerb('decline', parseDecision, async (deps, turn, input, actor) => {
    if (!input.reason) return noticeCard(turn.tr('admin.reasonRequired'), 'Attention');
    return decisionAnswer(turn, await decideAsManager(deps, { ...common(input, actor), approve: false, reason: input.reason }), 'verb.decline');
  }),
  'signatory.sign': orderVerb('sign', parseOrderVerb, async (deps, turn, input, actor) =>
    decisionAnswer(turn, await signApplication(deps, { ...common(input, actor), line: lineAt(input) }), 'signature.done')),

  // The review card (periodic and movers' reviews): the task's manager, or an administrator on their behalf.
  'review.answer': { kind: 'execute', policy: { review: 'answerReview' }, handle: (deps, turn, data) => answerReviewCard(deps, turn, parseReviewAnswer(data)) },
  // A revocation task's card: administrators record the mandates revoked in Suomi.fi (the service checks the policy).
  'task.revoke': { kind: 'execute', policy: { global: 'revokeTask' }, handle: (deps, turn, data) => revokeTaskVerb(deps, turn, parseRevoke(data)) },
  // The administrators' register search and its CSV link.
  registerSearch: gated('searchRegister', parseSearchInput, runRegisterSearch),
  registerExport: gated('searchRegister', parseSearchInput, exportRegisterSearch),
};

/** The registry's entries of one kind, for registering routes. */
export function routesOf(kind: 'submit'): Array<[SubmitVerb, SubmitRoute]>;
export function routesOf(kind: 'execute'): Array<[ExecuteVerb, ExecuteRoute]>;
export function routesOf(kind: 'submit' | 'execute'): Array<[Verb, SubmitRoute | ExecuteRoute]> {
  return (Object.entries(VERB_ROUTES) as Array<[Verb, SubmitRoute | ExecuteRoute]>).filter(([, route]) => route.kind === kind);
}
