import { createHash } from 'node:crypto';
import type { Deps } from './deps';
import type { DirectoryUser } from '../../graph/directory';
import type { Order, OrderLine } from '../domain/order';
import { formatOrderNumber, initialStage } from '../domain/order';
import { isOpen } from '../domain/lifecycle';
import { decidePath, estimate } from '../domain/paths';
import { maskHetu } from '../domain/hetu';
import { helsinkiDate } from '../domain/workdays';
import type { ValidOrderInput, FieldError } from '../domain/orderInput';
import type { OutboxMessage } from '../domain/outbox';
import { eserviceIn } from '../domain/catalog';

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
  // Index rows say which orders hold which themes open; only those few are read to confirm (rows are written
  // just before their order's transaction, so a row may speak of an order that never committed).
  const candidates = summaries.filter((s) => s.orderId !== id && s.openThemeIds.some((t) => input.themeIds.includes(t)));
  const subjectOrders = (await Promise.all(candidates.map((s) => deps.orders.get(s.orderId)))).filter((x) => x !== undefined).map((x) => x.order);
  const duplicates: FieldError[] = [];
  const clashing: Order[] = [];
  for (const themeId of input.themeIds) {
    const name = themes.get(themeId)?.name.fi ?? themeId;
    const open = subjectOrders.find((o) => isOpen(o) && o.lines.some((l) => l.themeId === themeId && !['granted', 'dvvRefused', 'closed'].includes(l.stage)));
    if (open) { duplicates.push({ key: 'err.duplicateOpen', params: { theme: name, number: open.number } }); clashing.push(open); continue; }
    const held = grants.find((g) => g.themeId === themeId && g.validUntil >= today);
    if (held) duplicates.push({ key: 'err.duplicateHeld', params: { theme: name, until: held.validUntil } });
  }
  if (duplicates.length) return { kind: 'duplicate', errors: duplicates, existing: clashing };

  const lines: OrderLine[] = input.themeIds.map((themeId) => {
    const theme = themes.get(themeId);
    const path = decidePath(theme);
    const est = estimate(path, now);
    return { themeId, themeName: theme?.name.fi ?? themeId, eservice: theme?.eservice ?? '', path, stage: initialStage(path),
      due: est.due, earliest: est.earliest,
      ...(theme ? { names: { ...theme.name }, eservices: { fi: theme.eservice, sv: eserviceIn(theme, 'sv'), en: eserviceIn(theme, 'en') } } : {}) };
  });
  if (input.customTheme) {
    const est = estimate('missing', now);
    lines.push({ themeId: null, themeName: input.customTheme.name, eservice: input.customTheme.eservice, path: 'missing',
      stage: initialStage('missing'), due: est.due, earliest: est.earliest });
  }

  const sequence = await deps.orders.nextSequence(Number(today.slice(0, 4)));
  const managerId = subject.managerId;
  const needsApproval = deps.config.managerApproval && managerId !== null && managerId !== requester.id;
  const order: Order = {
    id,
    number: formatOrderNumber(Number(today.slice(0, 4)), sequence),
    requesterId: requester.id,
    requesterMail: input.requesterMail,
    subject: { id: subject.id, givenName: input.givenName, surname: input.surname, department: input.department,
      serviceArea: subject.serviceArea, jobTitle: subject.jobTitle, mail: subject.mail },
    managerId,
    justification: input.justification,
    validUntil: input.validUntil,
    lines,
    status: needsApproval ? 'awaitingApproval' : 'open',
    assigneeId: null,
    assigneeName: null,
    question: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    hetuCipher: deps.cipher.encrypt(input.hetu, id),
    hetuMasked: maskHetu(input.hetu),
    closedReason: null,
    adminCard: null,
    unreachable: [],
  };
  const outbox: OutboxMessage[] = [];
  if (needsApproval && managerId) {
    outbox.push({ kind: 'actionCard', orderId: id, recipientId: managerId, card: 'managerApproval' });
  } else {
    outbox.push({ kind: 'adminCard', orderId: id });
    if (managerId && managerId !== requester.id) outbox.push({ kind: 'personal', orderId: id, recipientId: managerId, event: 'submitted' });
  }
  if (subject.id !== requester.id) outbox.push({ kind: 'personal', orderId: id, recipientId: subject.id, event: 'submittedForReport' });

  const audit = [{ at: now.toISOString(), actorId: requester.id, action: 'submit', from: 'new', to: order.status,
    detail: lines.map((l) => l.themeId ?? 'custom').join(',') }];
  const outcome = await deps.orders.create(order, audit, outbox);
  if (outcome === 'exists') {
    const twin = await deps.orders.get(id);
    if (twin) return { kind: 'replayed', order: twin.order };
  }
  deps.kick();
  return { kind: 'created', order };
}
