import { createHash } from 'node:crypto';
import type { Deps } from './deps';
import type { DirectoryUser } from '../../graph/directory';
import type { Order, OrderLine } from '../domain/order';
import { formatOrderNumber, initialStage } from '../domain/order';
import { initialStatus, isLineDone, isOpen } from '../domain/lifecycle';
import { decidePath, estimate } from '../domain/paths';
import { maskHetu } from '../domain/hetu';
import { helsinkiDate } from '../domain/workdays';
import type { ValidOrderInput, FieldError } from '../domain/orderInput';
import type { OutboxMessage } from '../domain/outbox';
import { eserviceIn, type Theme } from '../domain/catalog';
import type { OrderSummary } from '../store/orderStore';
import type { Grant } from '../store/grantStore';
import { statusFor } from './renewal';

export interface SubmitOrderProps {
  /** The person submitting (the requester): themselves or a manager ordering for a direct report. */
  requester: DirectoryUser;
  /** The directory entry of the person the mandate is for (already checked to be allowed). */
  subject: DirectoryUser;
  /** The validated form. */
  input: ValidOrderInput;
  /** The form's client token: the same token from the same requester always means the same order. */
  token: string;
}

export type SubmitOrderResult =
  | { kind: 'created'; order: Order }
  | { kind: 'replayed'; order: Order }
  | { kind: 'duplicate'; errors: FieldError[]; existing: Order[] };

/** The order id is derived from requester + token, so a double click or a retried invoke cannot make two orders. */
export function orderIdFor(requesterId: string, token: string): string {
  return 'o' + createHash('sha256').update(`${requesterId}\n${token}`).digest('hex').slice(0, 24);
}

/**
 * Submits an order: decides each line's path and estimate, encrypts the henkilötunnus, and writes the order,
 * its audit event and its notifications (admin channel card, manager notice or approval card) in one transaction.
 */
export async function submitOrder(deps: Deps, props: SubmitOrderProps): Promise<SubmitOrderResult> {
  const { requester, subject, input, token } = props;
  const id = orderIdFor(requester.id, token);
  const [themes, { orders: summaries, grants }] = await Promise.all([deps.catalog.themes(), deps.orders.personView(subject.id)]);
  // A replay finds its own index row (written before the first attempt's commit); one still in flight is
  // caught by the create below answering "exists".
  if (summaries.some((s) => s.orderId === id)) {
    const existing = await deps.orders.get(id);
    if (existing) return { kind: 'replayed', order: existing.order };
  }

  const now = deps.now();
  const today = helsinkiDate(now);
  const continuations = new Map<string, Continuation>();
  const duplicate = await findDuplicates(deps, { id, themeIds: input.themeIds, themes, summaries, grants, today, validUntil: input.validUntil }, continuations);
  if (duplicate) return duplicate;

  const sequence = await deps.orders.nextSequence(Number(today.slice(0, 4)));
  const needsApproval = deps.config.managerApproval && subject.managerId !== null && subject.managerId !== requester.id;
  const order = newOrder(deps, props, { id, number: formatOrderNumber(Number(today.slice(0, 4)), sequence), lines: buildLines(input, themes, now, continuations),
    status: initialStatus(needsApproval), now });
  return write(deps, order, notifications(order, requester, subject, needsApproval));
}

interface DuplicateCheck {
  /** The new order's own id (its index row is not a duplicate). */
  id: string;
  themeIds: string[];
  themes: ReadonlyMap<string, Theme>;
  /** Index rows of the subject's orders. */
  summaries: OrderSummary[];
  /** Mandates the subject holds. */
  grants: Grant[];
  today: string;
  /** The validity asked for (a continuation must end after it starts). */
  validUntil: string;
}

/** A line that continues a held entry inside its renewal window: the entry and the new mandate's start. */
interface Continuation { of: { validFrom: string; validUntil: string }; start: string }

/**
 * Refuses a theme the subject already has on an open order (the order's line still in progress) or already
 * holds as a valid mandate beyond its renewal window; each refusal names the clashing order, or the mandate's end
 * date and the day a renewal may be ordered. A held theme inside its window is a continuation (put in
 * `continuations`): it starts on the current entry's last day.
 */
async function findDuplicates(deps: Deps, c: DuplicateCheck, continuations: Map<string, Continuation>): Promise<Extract<SubmitOrderResult, { kind: 'duplicate' }> | undefined> {
  // Index rows say which orders hold which themes open; only those few are read to confirm (rows are written
  // just before their order's transaction, so a row may speak of an order that never committed).
  const candidates = c.summaries.filter((s) => s.orderId !== c.id && s.openThemeIds.some((t) => c.themeIds.includes(t)));
  const subjectOrders = (await Promise.all(candidates.map((s) => deps.orders.get(s.orderId)))).filter((x) => x !== undefined).map((x) => x.order);
  const duplicates: FieldError[] = [];
  const clashing: Order[] = [];
  for (const themeId of c.themeIds) {
    const name = c.themes.get(themeId)?.name.fi ?? themeId;
    const open = subjectOrders.find((o) => isOpen(o) && o.lines.some((l) => l.themeId === themeId && !isLineDone(l)));
    if (open) { duplicates.push({ key: 'err.duplicateOpen', params: { theme: name, number: open.number } }); clashing.push(open); continue; }
    const renewal = statusFor(deps, c.grants, c.themes.get(themeId), themeId, c.today);
    if (renewal.kind === 'held') {
      duplicates.push({ key: 'err.duplicateHeld', params: { theme: name, until: renewal.current.validUntil } },
        { key: 'renewal.opensOn', params: { from: renewal.opensOn } });
    } else if (renewal.kind === 'continuation') {
      if (c.validUntil <= renewal.start) duplicates.push({ key: 'renewal.untilAfterStart', params: { theme: name, start: renewal.start } });
      else continuations.set(themeId, { of: renewal.current, start: renewal.start });
    }
  }
  return duplicates.length ? { kind: 'duplicate', errors: duplicates, existing: clashing } : undefined;
}

/** One line per catalog theme (its path decided by whether the organisation holds it) plus the described theme. */
function buildLines(input: ValidOrderInput, themes: ReadonlyMap<string, Theme>, now: Date, continuations: ReadonlyMap<string, Continuation>): OrderLine[] {
  const lines: OrderLine[] = input.themeIds.map((themeId) => {
    const theme = themes.get(themeId);
    const path = decidePath(theme);
    const est = estimate(path, now);
    const continuation = continuations.get(themeId);
    return { themeId, themeName: theme?.name.fi ?? themeId, eservice: theme?.eservice ?? '', path, stage: initialStage(path),
      due: est.due, earliest: est.earliest,
      ...(continuation ? { continuationOf: { ...continuation.of }, proposedStart: continuation.start } : {}),
      ...(theme ? { names: { ...theme.name }, eservices: { fi: theme.eservice, sv: eserviceIn(theme, 'sv'), en: eserviceIn(theme, 'en') } } : {}) };
  });
  if (input.customTheme) {
    const est = estimate('missing', now);
    lines.push({ themeId: null, themeName: input.customTheme.name, eservice: input.customTheme.eservice, path: 'missing',
      stage: initialStage('missing'), due: est.due, earliest: est.earliest });
  }
  return lines;
}

/** The new order as the form and the directory describe it; the henkilötunnus is stored only encrypted. */
function newOrder(deps: Pick<Deps, 'cipher'>, { requester, subject, input }: SubmitOrderProps,
  o: Pick<Order, 'id' | 'number' | 'lines' | 'status'> & { now: Date }): Order {
  return {
    id: o.id,
    number: o.number,
    requesterId: requester.id,
    requesterMail: input.requesterMail,
    subject: { id: subject.id, givenName: input.givenName, surname: input.surname, department: input.department,
      serviceArea: subject.serviceArea, jobTitle: subject.jobTitle, mail: subject.mail },
    managerId: subject.managerId,
    justification: input.justification,
    validUntil: input.validUntil,
    lines: o.lines,
    status: o.status,
    assigneeId: null,
    assigneeName: null,
    question: null,
    createdAt: o.now.toISOString(),
    updatedAt: o.now.toISOString(),
    hetuCipher: deps.cipher.encrypt(input.hetu, o.id),
    hetuMasked: maskHetu(input.hetu),
    closedReason: null,
    adminCard: null,
    unreachable: [],
  };
}

/** Who hears of a new order: the manager's approval card, or the administrators' card and a notice to the manager; the subject when someone else ordered for them. */
function notifications(order: Order, requester: DirectoryUser, subject: DirectoryUser, needsApproval: boolean): OutboxMessage[] {
  const { id, managerId } = order;
  const outbox: OutboxMessage[] = [];
  if (needsApproval && managerId) {
    outbox.push({ kind: 'actionCard', orderId: id, recipientId: managerId, card: 'managerApproval' });
  } else {
    outbox.push({ kind: 'adminCard', orderId: id });
    if (managerId && managerId !== requester.id) outbox.push({ kind: 'personal', orderId: id, recipientId: managerId, event: 'submitted' });
  }
  if (subject.id !== requester.id) outbox.push({ kind: 'personal', orderId: id, recipientId: subject.id, event: 'submittedForReport' });
  return outbox;
}

/** Writes the order with its audit event and notifications in one transaction; a twin already written (a replay in flight) wins. */
async function write(deps: Deps, order: Order, outbox: OutboxMessage[]): Promise<SubmitOrderResult> {
  const audit = [{ at: order.createdAt, actorId: order.requesterId, action: 'submit', from: 'new', to: order.status,
    detail: order.lines.map((l) => l.themeId ?? 'custom').join(',') }];
  const outcome = await deps.orders.create(order, audit, outbox);
  if (outcome === 'exists') {
    const twin = await deps.orders.get(order.id);
    if (twin) return { kind: 'replayed', order: twin.order };
  }
  deps.kick();
  return { kind: 'created', order };
}
