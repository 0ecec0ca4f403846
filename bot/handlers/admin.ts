import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { verbInputCard, grantGuideCard } from '../../cards/adminForms';
import { digestCard } from '../../cards/digest';
import { catalogHeldCard } from '../../cards/catalogHeld';
import { text, card } from '../../cards/card';
import { renderAdminCard, displayName } from '../notify/render';
import type { TransitionResult } from '../services/transition';
import { claimOrder, releaseOrder } from '../services/claimOrder';
import { askRequester } from '../services/askRequester';
import { rejectOrder } from '../services/rejectOrder';
import { confirmGrant } from '../services/confirmGrant';
import { revealHetu } from '../services/revealHetu';
import { inviteToMeeting, markPrepared, markSentToDvv, recordDvvDecision, signApplication } from '../services/pathTwo';
import { decideAsManager } from '../services/managerDecision';
import { mayOnOrder, may } from '../domain/policies';
import { isGrantable } from '../domain/adminVerbs';
import { isAdminChannel } from '../domain/setupCheck';
import { orderDue, type Order } from '../domain/order';
import { isOverdue } from '../domain/paths';
import { helsinkiDate, helsinkiInstant } from '../domain/workdays';
import type { MessageKey } from '../i18n';
import { translator, formatLocalDateTime } from '../i18n';
import { showGlossaryTerm, showGlossaryList } from './glossary';
import { showOrderDetails } from './myOrders';
import { redactHetus } from '../domain/hetu';

type Data = Record<string, unknown>;
type VerbHandler = (deps: HandlerDeps, turn: Turn, data: Data) => Promise<AdaptiveCard>;

const str = (v: unknown, max = 2000): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');
/** Free text people type (questions, reasons): a henkilötunnus typed by mistake is redacted before it is stored or shown. */
const freeText = (v: unknown, max = 2000): string => redactHetus(str(v, max));
const lineOf = (data: Data): number => (typeof data.line === 'number' ? data.line : Number.parseInt(String(data.line ?? '-1'), 10));
const isoDate = (v: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

/** The administrator's own copy of the card after a verb: current state, plus a notice when it did not go through. */
async function answer(deps: HandlerDeps, turn: Turn, result: TransitionResult): Promise<AdaptiveCard> {
  const renderDeps = { directory: deps.directory, users: deps.users, adminLang: turn.lang };
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'done': return renderAdminCard(renderDeps, result.order);
    case 'denied': {
      turn.log.warn({ orderId: result.order.id }, 'administrator verb refused');
      if (!(await maySeeAdminCard(deps, turn))) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
      const own = result.order.requesterId === turn.userId || result.order.subject.id === turn.userId;
      return renderAdminCard(renderDeps, result.order, turn.tr(own ? 'admin.ownOrder' : 'common.notAllowed'));
    }
    case 'invalid': return renderAdminCard(renderDeps, result.order, turn.tr('admin.invalid'));
    case 'stale': {
      const e = result.lastEvent;
      const notice = turn.tr('admin.stale', { actor: await displayName(deps.directory, e?.actorId), action: e ? actionLabel(turn, e.action, e.to) : '' });
      return renderAdminCard(renderDeps, result.order, notice);
    }
  }
}

function actionLabel(turn: Turn, action: string, to: string): string {
  const key = `verb.${action}` as MessageKey;
  const label = turn.tr(key, { theme: '' });
  if (label !== key) return label.replace(/:\s*$/, '');
  const status = turn.tr(`status.${to}` as MessageKey);
  return status !== `status.${to}` ? status : action;
}

/**
 * Who may see an order's administrators' card: administrators anywhere, and anyone in the administrators'
 * channel (its members see every card there anyway). What they may do with it is decided per verb.
 */
async function maySeeAdminCard(deps: HandlerDeps, turn: Turn): Promise<boolean> {
  // Another team's channel is never the administrators' one, even with a matching channel id (ADMIN_TEAM_ID).
  const channelData = turn.ctx.activity.channelData as { channel?: { id?: string }; team?: { id?: string } } | undefined;
  const inAdminChannel = isAdminChannel(deps.config.adminChannel, { teamId: channelData?.team?.id, channelId: channelData?.channel?.id });
  return inAdminChannel || (await actorOf(deps, turn.userId)).isAdministrator;
}

function refuseView(turn: Turn, order: Order): AdaptiveCard {
  turn.log.warn({ orderId: order.id }, 'administrators\' card refused');
  return noticeCard(turn.tr('common.notAllowed'), 'Attention');
}

async function load(deps: HandlerDeps, data: Data): Promise<Order | undefined> {
  const id = str(data.orderId, 64);
  return id ? (await deps.orders.get(id))?.order : undefined;
}

/** A verb that needs one input: first click shows the form, the form's "Lähetä" performs it. */
function withInput(verb: string, field: string, input: (turn: Turn) => Record<string, unknown>, validate: (value: string, turn: Turn) => string | undefined,
  perform: (deps: HandlerDeps, turn: Turn, data: Data, value: string) => Promise<TransitionResult>): VerbHandler {
  return async (deps, turn, data) => {
    const order = await load(deps, data);
    if (!order) return noticeCard(turn.tr('common.expiredCard'));
    const line = data.line === undefined ? undefined : lineOf(data);
    const value = freeText(data[field]);
    if (!(await maySeeAdminCard(deps, turn))) return refuseView(turn, order);
    // A ColumnSet carries its own inputs (date + time); a single input gets the field's id and the typed value back.
    const element = (typed?: string) => {
      const el = input(turn);
      return (el.type === 'ColumnSet' ? el : { ...el, id: field, ...(typed !== undefined ? { value: typed } : {}) }) as never;
    };
    if (!data.submit) return verbInputCard(turn.tr, order, verb, element(), line);
    const problem = validate(value, turn);
    if (problem) return verbInputCard(turn.tr, order, verb, element(value), line, problem);
    return answer(deps, turn, await perform(deps, turn, data, value));
  };
}

const required = (v: string, turn: Turn) => (v ? undefined : turn.tr('admin.reasonRequired'));
// isRequired + errorMessage let the client catch an empty field before the round-trip; the server still checks.
const multiline = (label: MessageKey) => (turn: Turn) => ({ type: 'Input.Text', label: turn.tr(label), isMultiline: true, maxLength: 2000,
  isRequired: true, errorMessage: turn.tr('admin.reasonRequired') });

/** The meeting time is picked with a date and a time input; the form sends them as meetingDate + meetingTime. */
const meetingInputs = (turn: Turn) => ({ type: 'ColumnSet', columns: [
  { type: 'Column', width: 'stretch', items: [{ type: 'Input.Date', id: 'meetingDate', label: turn.tr('admin.meetingAt'), isRequired: true, errorMessage: turn.tr('admin.invalidTime') }] },
  { type: 'Column', width: 'stretch', items: [{ type: 'Input.Time', id: 'meetingTime', label: turn.tr('admin.meetingTime'), isRequired: true, errorMessage: turn.tr('admin.invalidTime') }] },
] });

/** "YYYY-MM-DD HH:MM" from the two meeting inputs ("" when both are empty, so the check can say what is missing). */
function withMeetingTime(data: Data): Data {
  const date = str(data.meetingDate, 10);
  const time = str(data.meetingTime, 5);
  return { ...data, when: date || time ? `${date} ${time}` : '' };
}

async function guide(deps: HandlerDeps, turn: Turn, data: Data, extra: { hetu?: string; hetuGone?: boolean; error?: string } = {}): Promise<AdaptiveCard> {
  const order = await load(deps, data);
  if (!order) return noticeCard(turn.tr('common.expiredCard'));
  const line = lineOf(data);
  const actor = await actorOf(deps, turn.userId);
  const manager = await deps.directory.getManager(order.subject.id);
  if (!mayOnOrder(actor, 'grantGuide', { requesterId: order.requesterId, subjectId: order.subject.id, managerId: manager?.id ?? null })) {
    await deps.orders.appendAudit(order.id, [{ at: deps.now().toISOString(), actorId: turn.userId, action: 'denied:grantGuide', from: order.status, to: order.status }]);
    return answer(deps, turn, { kind: 'denied', order });
  }
  if (!order.lines[line] || !isGrantable(order, line)) return answer(deps, turn, { kind: 'invalid', order, reason: 'notGrantable' });
  // The theme's valtuustyyppi, tarkenne and instructions link come from the catalog as it is now.
  const themeId = order.lines[line].themeId;
  const theme = themeId ? (await deps.catalog.themes()).get(themeId) : undefined;
  const self = actor.id === order.requesterId || actor.id === order.subject.id;
  return grantGuideCard(turn.tr, turn.lang, { order, line, orgName: deps.config.orgName[turn.lang], defaultFrom: helsinkiDate(deps.now()),
    theme, selfGrant: self, ...extra });
}

export const adminVerbHandlers: Record<string, VerbHandler> = {
  'admin.view': async (deps, turn, data) => {
    const order = await load(deps, data);
    if (!order) return noticeCard(turn.tr('common.expiredCard'));
    if (!(await maySeeAdminCard(deps, turn))) return refuseView(turn, order);
    return renderAdminCard({ directory: deps.directory, users: deps.users, adminLang: turn.lang }, order);
  },
  'admin.claim': async (deps, turn, data) => answer(deps, turn, await claimOrder(deps, {
    actor: await actorOf(deps, turn.userId), actorName: turn.user?.displayName ?? '', orderId: str(data.orderId), shownVersion: str(data.v) })),
  'admin.release': async (deps, turn, data) => answer(deps, turn, await releaseOrder(deps, {
    actor: await actorOf(deps, turn.userId), actorName: turn.user?.displayName ?? '', orderId: str(data.orderId), shownVersion: str(data.v) })),
  'admin.ask': withInput('ask', 'question', multiline('admin.questionLabel'), required, async (deps, turn, data, question) =>
    askRequester(deps, { actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), question, shownVersion: str(data.v) })),
  'admin.reject': withInput('reject', 'reason', multiline('admin.reason'), required, async (deps, turn, data, reason) =>
    rejectOrder(deps, { actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), reason, shownVersion: str(data.v) })),
  'admin.grantGuide': (deps, turn, data) => guide(deps, turn, data),
  'admin.revealHetu': async (deps, turn, data) => {
    const result = await revealHetu(deps, { actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: data.line === undefined ? undefined : lineOf(data) });
    turn.log.info({ orderId: str(data.orderId), outcome: result.kind }, 'henkilötunnus reveal');
    if (result.kind === 'shown') return guide(deps, turn, data, { hetu: result.hetu });
    if (result.kind === 'gone') return guide(deps, turn, data, { hetuGone: true });
    if (result.kind === 'heldByOther' && result.order) return renderAdminCard({ directory: deps.directory, users: deps.users, adminLang: turn.lang }, result.order, turn.tr('common.notAllowed'));
    if (result.kind === 'denied' && result.order) return answer(deps, turn, { kind: 'denied', order: result.order });
    if (result.kind === 'notWorkable' && result.order) return renderAdminCard({ directory: deps.directory, users: deps.users, adminLang: turn.lang }, result.order, turn.tr('admin.hetuNotWorkable'));
    return noticeCard(turn.tr('common.expiredCard'));
  },
  'admin.confirmGrant': async (deps, turn, data) => {
    const from = str(data.validFrom, 10);
    const until = str(data.validUntil, 10);
    if (!isoDate(from) || !isoDate(until)) return guide(deps, turn, data, { error: turn.tr('err.date') });
    if (from > until) return guide(deps, turn, data, { error: turn.tr('admin.invalidDates') });
    return answer(deps, turn, await confirmGrant(deps, { actor: await actorOf(deps, turn.userId), actorName: turn.user?.displayName ?? '', orderId: str(data.orderId), line: lineOf(data),
      validFrom: from, validUntil: until, shownVersion: str(data.v) }));
  },
  'admin.inviteMeeting': (deps, turn, data) => withInput('inviteMeeting', 'when', meetingInputs,
    (v, turn) => (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(v) ? undefined : turn.tr('admin.invalidTime')),
    async (deps, turn, data, when) => {
      const result = await inviteToMeeting(deps, { actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: lineOf(data), when, shownVersion: str(data.v) });
      if (result.kind === 'done' && deps.meetings) void scheduleReviewMeeting(deps, turn, result.order, when);
      return result;
    })(deps, turn, withMeetingTime(data)),
  'admin.markPrepared': async (deps, turn, data) => answer(deps, turn, await markPrepared(deps, {
    actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: lineOf(data), shownVersion: str(data.v) })),
  'admin.markSent': withInput('markSent', 'sentOn', (turn) => ({ type: 'Input.Date', label: turn.tr('admin.sentDate'), isRequired: true, errorMessage: turn.tr('err.date') }),
    (v, turn) => (isoDate(v) ? undefined : turn.tr('err.date')),
    async (deps, turn, data, sentOn) => markSentToDvv(deps, { actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: lineOf(data), sentOn, shownVersion: str(data.v) })),
  'admin.dvvGranted': async (deps, turn, data) => answer(deps, turn, await recordDvvDecision(deps, {
    actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: lineOf(data), granted: true, reason: '', shownVersion: str(data.v) })),
  'admin.dvvRefused': withInput('dvvRefused', 'reason', multiline('admin.refusalReason'), required, async (deps, turn, data, reason) =>
    recordDvvDecision(deps, { actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: lineOf(data), granted: false, reason, shownVersion: str(data.v) })),
  'manager.approve': async (deps, turn, data) => decisionAnswer(deps, turn, await decideAsManager(deps, {
    actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), approve: true, reason: freeText(data.reason, 500), shownVersion: str(data.v) }), 'verb.approve'),
  'manager.decline': async (deps, turn, data) => {
    if (!str(data.reason)) return noticeCard(turn.tr('admin.reasonRequired'), 'Attention');
    return decisionAnswer(deps, turn, await decideAsManager(deps, {
      actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), approve: false, reason: freeText(data.reason, 500), shownVersion: str(data.v) }), 'verb.decline');
  },
  'signatory.sign': async (deps, turn, data) => decisionAnswer(deps, turn, await signApplication(deps, {
    actor: await actorOf(deps, turn.userId), orderId: str(data.orderId), line: lineOf(data), shownVersion: str(data.v) }), 'signature.done'),
  'glossaryTerm': (deps, turn, data) => showGlossaryTerm(deps, turn, data),
  'glossaryList': (deps, turn) => showGlossaryList(deps, turn),
};

/**
 * The review meeting as a Teams meeting in the inviting administrator's calendar, requester invited. Runs after
 * the invoke is answered (Graph can be slow); the outcome is audit-logged, a failure also logged (no personal data).
 */
async function scheduleReviewMeeting(deps: HandlerDeps, turn: Turn, order: Order, when: string): Promise<void> {
  const [date, time] = when.split(' ');
  try {
    const tr = translator(deps.config.adminLang);
    const meeting = await deps.meetings?.schedule({
      organizerId: turn.userId,
      attendeeMails: [order.requesterMail],
      subject: `${order.number}: ${tr('verb.inviteMeeting')}`,
      bodyHtml: `<p>${escapeHtml(tr('notify.meetingInvite', { number: order.number, text: formatLocalDateTime(deps.config.adminLang, when) }))}</p>`,
      start: helsinkiInstant(date, time),
      durationMinutes: 30,
    });
    await deps.orders.appendAudit(order.id, [{ at: deps.now().toISOString(), actorId: turn.userId, action: 'calendarEvent', from: order.status, to: order.status, detail: meeting?.id }]);
  } catch (err) {
    turn.log.warn({ orderId: order.id, err: (err as Error).message }, 'review meeting could not be created in the calendar');
  }
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Personal-card decisions (manager, signatory): a short confirmation, or why not. */
function decisionAnswer(_deps: HandlerDeps, turn: Turn, result: TransitionResult, doneKey: MessageKey): AdaptiveCard {
  switch (result.kind) {
    case 'done': return noticeCard(doneKey === 'signature.done' ? turn.tr('signature.done') : turn.tr('approval.done', { decision: turn.tr(doneKey) }), 'Good');
    case 'denied': return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    default: return noticeCard(turn.tr('admin.invalid'));
  }
}

/**
 * An order number typed in a chat ("VB-2026-00042"): in the administrators' channel (whose members see every
 * order card anyway) and for administrators anywhere, the order's channel card with its buttons (each button is
 * still authorized when clicked); the requester or the subject get their details; anyone else a polite refusal.
 */
export async function showOrderByNumber(deps: HandlerDeps, turn: Turn, number: string): Promise<AdaptiveCard> {
  const order = await deps.orders.findByNumber(number);
  if (!order) return noticeCard(turn.tr('common.expiredCard'));
  if (await maySeeAdminCard(deps, turn)) return renderAdminCard({ directory: deps.directory, users: deps.users, adminLang: turn.lang }, order);
  if (order.requesterId === turn.userId || order.subject.id === turn.userId) return showOrderDetails(deps, turn, { orderId: order.id });
  return refuseView(turn, order);
}

/** "avoimet" in the channel: open orders by age and path (administrators only). */
export async function showOpenOrders(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  const actor = await actorOf(deps, turn.userId);
  if (!may(actor, 'digest')) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  return buildDigest(deps, turn.lang, await deps.orders.listOpen());
}

export function buildDigest(deps: HandlerDeps, lang: Turn['lang'], orders: Order[]): AdaptiveCard {
  const tr = translator(lang);
  const now = deps.now();
  const today = helsinkiDate(now);
  const rows = orders.map((o) => ({
    number: o.number,
    subject: redactHetus(`${o.subject.givenName} ${o.subject.surname}`),
    days: Math.floor((now.getTime() - Date.parse(o.createdAt)) / 86_400_000),
    path: o.lines.some((l) => l.path === 'missing') ? tr('path.missingShort') : tr('path.existingShort'),
    status: tr(`status.${o.status}` as MessageKey),
    due: orderDue(o),
    overdue: isOverdue(orderDue(o), today),
  })).sort((a, b) => b.days - a.days);
  return digestCard(tr, lang, rows);
}

export function showChannelHelp(turn: Turn): AdaptiveCard {
  return card([text(turn.tr('help.channel'))]);
}

/** Administrators see and toggle each theme's "held by the organisation" flag. */
export async function toggleHeldCard(deps: HandlerDeps, turn: Turn, data: Data = {}, notice?: string): Promise<AdaptiveCard> {
  const actor = await actorOf(deps, turn.userId);
  if (!may(actor, 'toggleHeld')) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  const query = str(data.query, 100).toLowerCase();
  const snapshot = await deps.catalogStore.load();
  const all = snapshot.themes.filter((t) => !query || `${t.name.fi} ${t.name.sv} ${t.name.en} ${t.eservice}`.toLowerCase().includes(query));
  return catalogHeldCard(turn.tr, turn.lang, all.slice(0, 25), all.length, query, snapshot.version, notice);
}

export async function toggleHeld(deps: HandlerDeps, turn: Turn, data: Data): Promise<AdaptiveCard> {
  const actor = await actorOf(deps, turn.userId);
  if (!may(actor, 'toggleHeld')) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  const snapshot = await deps.catalogStore.load();
  const theme = snapshot.themes.find((t) => t.id === data.themeId);
  if (!theme) return toggleHeldCard(deps, turn, data);
  try {
    await deps.catalogStore.setHeldByOrganisation(theme.id, !theme.heldByOrganisation, Number(data.version));
  } catch {
    return toggleHeldCard(deps, turn, data, turn.tr('common.stale'));
  }
  turn.log.info({ themeId: theme.id, held: !theme.heldByOrganisation }, 'theme held flag changed');
  deps.catalogStore.invalidate();
  return toggleHeldCard(deps, turn, data, turn.tr('catalog.changed', { theme: theme.name[turn.lang] || theme.name.fi,
    state: turn.tr(theme.heldByOrganisation ? 'catalog.missing' : 'catalog.held') }));
}
