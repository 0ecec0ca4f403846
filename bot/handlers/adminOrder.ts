/**
 * The administrators' verbs on an order card, and the manager's and signatory's personal-card decisions: each
 * takes its parsed input (handlers/verbInput) and the actor, calls its service, and presents the outcome. Who may
 * do what is decided by the services (the policy table); this module only chooses what the clicker sees.
 */
import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import type { AdaptiveCard, Element } from '../../cards/card';
import { verbInputCard, grantGuideCard } from '../../cards/adminForms';
import { renderAdminCard, staleNotice } from '../presenters/adminCard';
import type { PresenterDeps } from '../presenters/people';
import type { TransitionResult } from '../services/transition';
import { revealHetu } from '../services/revealHetu';
import { openGrantGuide } from '../services/grantGuide';
import { loadOrder } from '../services/orderQueries';
import type { Actor } from '../domain/policies';
import { isAdminChannel } from '../domain/setupCheck';
import type { Order } from '../domain/order';
import type { VerbWithInput } from '../domain/verbs';
import { helsinkiDate } from '../domain/workdays';
import type { MessageKey } from '../i18n';
import { isoDate, lineAt, type FormVerbInput, type GrantInput, type OrderVerbInput } from './verbInput';

/** What the administrators' card presenter needs, in the clicking administrator's language. */
export const adminView = (deps: HandlerDeps, turn: Turn): PresenterDeps => ({ ...deps, adminLang: turn.lang });

/** The administrator's own copy of the card after a verb: current state, plus a notice when it did not go through. */
export async function adminAnswer(deps: HandlerDeps, turn: Turn, result: TransitionResult, actor?: Actor): Promise<AdaptiveCard> {
  const view = adminView(deps, turn);
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'done': return renderAdminCard(view, result.order);
    case 'denied': {
      turn.log.warn({ orderId: result.order.id }, 'administrator verb refused');
      if (!(await maySeeAdminCard(deps, turn, actor))) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
      const own = result.order.requesterId === turn.userId || result.order.subject.id === turn.userId;
      return renderAdminCard(view, result.order, turn.tr(own ? 'admin.ownOrder' : 'common.notAllowed'));
    }
    case 'invalid': return renderAdminCard(view, result.order, turn.tr('admin.invalid'));
    case 'stale': return renderAdminCard(view, result.order, await staleNotice(view, turn.tr, result.lastEvent));
  }
}

/**
 * Who may see an order's administrators' card: administrators anywhere, and anyone in the administrators'
 * channel (its members see every card there anyway). What they may do with it is decided per verb.
 */
export async function maySeeAdminCard(deps: HandlerDeps, turn: Turn, actor?: Actor): Promise<boolean> {
  // Another team's channel is never the administrators' one, even with a matching channel id (ADMIN_TEAM_ID).
  const channelData = turn.ctx.activity.channelData as { channel?: { id?: string }; team?: { id?: string } } | undefined;
  const inAdminChannel = isAdminChannel(deps.config.adminChannel, { teamId: channelData?.team?.id, channelId: channelData?.channel?.id });
  return inAdminChannel || (actor ?? await actorOf(deps, turn.userId)).isAdministrator;
}

export function refuseView(turn: Turn, order: Order): AdaptiveCard {
  turn.log.warn({ orderId: order.id }, 'administrators\' card refused');
  return noticeCard(turn.tr('common.notAllowed'), 'Attention');
}

/** "Takaisin tilaukseen": the order's card as it is now. */
export async function viewOrderCard(deps: HandlerDeps, turn: Turn, input: OrderVerbInput, actor: Actor): Promise<AdaptiveCard> {
  const order = await loadOrder(deps, input.orderId);
  if (!order) return noticeCard(turn.tr('common.expiredCard'));
  if (!(await maySeeAdminCard(deps, turn, actor))) return refuseView(turn, order);
  return renderAdminCard(adminView(deps, turn), order);
}

/** A verb that needs one input: its form, what the input looks like, how it is checked, and the service. */
export interface FormVerb {
  verb: VerbWithInput;
  /** The input's id: the card data field the value comes back in (verbInput.parseFormVerb reads the same field). */
  field: string;
  input: (turn: Turn) => Element;
  validate: (value: string, turn: Turn) => string | undefined;
  perform: (deps: HandlerDeps, turn: Turn, input: FormVerbInput, actor: Actor) => Promise<TransitionResult>;
}

/** A verb that needs one input: first click shows the form, the form's "Lähetä" performs it. */
export async function formVerb(spec: FormVerb, deps: HandlerDeps, turn: Turn, input: FormVerbInput, actor: Actor): Promise<AdaptiveCard> {
  const order = await loadOrder(deps, input.orderId);
  if (!order) return noticeCard(turn.tr('common.expiredCard'));
  if (!(await maySeeAdminCard(deps, turn, actor))) return refuseView(turn, order);
  // A ColumnSet carries its own inputs (date + time); a single input gets the field's id and the typed value back.
  const element = (typed?: string): Element => {
    const el = spec.input(turn);
    return el.type === 'ColumnSet' ? el : { ...el, id: spec.field, ...(typed !== undefined ? { value: typed } : {}) };
  };
  if (!input.submitted) return verbInputCard(turn.tr, order, spec.verb, element(), input.line);
  const problem = spec.validate(input.value, turn);
  if (problem) return verbInputCard(turn.tr, order, spec.verb, element(input.value), input.line, problem);
  return adminAnswer(deps, turn, await spec.perform(deps, turn, input, actor), actor);
}

export const required = (v: string, turn: Turn): string | undefined => (v ? undefined : turn.tr('admin.reasonRequired'));
// isRequired + errorMessage let the client catch an empty field before the round-trip; the server still checks.
export const multiline = (label: MessageKey) => (turn: Turn): Element => ({ type: 'Input.Text', label: turn.tr(label), isMultiline: true, maxLength: 2000,
  isRequired: true, errorMessage: turn.tr('admin.reasonRequired') });

/** The meeting time is picked with a date and a time input; the form sends them as meetingDate + meetingTime. */
export const meetingInputs = (turn: Turn): Element => ({ type: 'ColumnSet', columns: [
  { type: 'Column', width: 'stretch', items: [{ type: 'Input.Date', id: 'meetingDate', label: turn.tr('admin.meetingAt'), isRequired: true, errorMessage: turn.tr('admin.invalidTime') }] },
  { type: 'Column', width: 'stretch', items: [{ type: 'Input.Time', id: 'meetingTime', label: turn.tr('admin.meetingTime'), isRequired: true, errorMessage: turn.tr('admin.invalidTime') }] },
] });

export const validMeetingTime = (v: string, turn: Turn): string | undefined => (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(v) ? undefined : turn.tr('admin.invalidTime'));

export const sentDateInput = (turn: Turn): Element => ({ type: 'Input.Date', label: turn.tr('admin.sentDate'), isRequired: true, errorMessage: turn.tr('err.date') });
export const validDate = (v: string, turn: Turn): string | undefined => (isoDate(v) ? undefined : turn.tr('err.date'));

/** The grant guide of a line (with the henkilötunnus once revealed, or an error about the dates typed). */
export async function showGrantGuide(deps: HandlerDeps, turn: Turn, input: OrderVerbInput, actor: Actor,
  extra: { hetu?: string; hetuGone?: boolean; error?: string } = {}): Promise<AdaptiveCard> {
  const result = await openGrantGuide(deps, { actor, orderId: input.orderId, line: lineAt(input) });
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'denied': return adminAnswer(deps, turn, { kind: 'denied', order: result.order }, actor);
    case 'invalid': return adminAnswer(deps, turn, { kind: 'invalid', order: result.order, reason: 'notGrantable' }, actor);
    case 'shown': return grantGuideCard(turn.tr, turn.lang, { order: result.order, line: result.line, orgName: deps.config.orgName[turn.lang],
      defaultFrom: grantStart(result.order.lines[result.line].proposedStart, helsinkiDate(deps.now())), theme: result.theme, selfGrant: result.selfGrant, ...extra });
  }
}

/** A continuation is granted from the old mandate's last day (no gap); one processed after that day, from today. */
const grantStart = (proposed: string | undefined, today: string): string => (proposed && proposed > today ? proposed : today);

/** "Näytä henkilötunnus": the guide again with the code, or why not (every attempt is audited by the service). */
export async function showHetu(deps: HandlerDeps, turn: Turn, input: OrderVerbInput, actor: Actor): Promise<AdaptiveCard> {
  const result = await revealHetu(deps, { actor, orderId: input.orderId, line: input.line });
  turn.log.info({ orderId: input.orderId, outcome: result.kind }, 'henkilötunnus reveal');
  if (result.kind === 'shown') return showGrantGuide(deps, turn, input, actor, { hetu: result.hetu });
  if (result.kind === 'gone') return showGrantGuide(deps, turn, input, actor, { hetuGone: true });
  if (result.kind === 'heldByOther' && result.order) return renderAdminCard(adminView(deps, turn), result.order, turn.tr('common.notAllowed'));
  if (result.kind === 'denied' && result.order) return adminAnswer(deps, turn, { kind: 'denied', order: result.order }, actor);
  if (result.kind === 'notWorkable' && result.order) return renderAdminCard(adminView(deps, turn), result.order, turn.tr('admin.hetuNotWorkable'));
  return noticeCard(turn.tr('common.expiredCard'));
}

/** "Vahvista myönnetyksi": the dates are checked here (the guide shows what is wrong), the grant by the service. */
export async function checkGrantDates(deps: HandlerDeps, turn: Turn, input: GrantInput, actor: Actor): Promise<AdaptiveCard | undefined> {
  if (!isoDate(input.validFrom) || !isoDate(input.validUntil)) return showGrantGuide(deps, turn, input, actor, { error: turn.tr('err.date') });
  if (input.validFrom > input.validUntil) return showGrantGuide(deps, turn, input, actor, { error: turn.tr('admin.invalidDates') });
  return undefined;
}

/** Personal-card decisions (manager, signatory): a short confirmation, or why not. */
export function decisionAnswer(turn: Turn, result: TransitionResult, doneKey: MessageKey): AdaptiveCard {
  switch (result.kind) {
    case 'done': return noticeCard(doneKey === 'signature.done' ? turn.tr('signature.done') : turn.tr('approval.done', { decision: turn.tr(doneKey) }), 'Good');
    case 'denied': return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    default: return noticeCard(turn.tr('admin.invalid'));
  }
}
