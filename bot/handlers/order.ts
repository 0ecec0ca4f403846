import { randomUUID } from 'node:crypto';
import { eserviceIn } from '../domain/catalog';
import type { HandlerDeps, Turn } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { orderFormCard, type OrderFormValues, type ThemeChoice, type OrderField, ORDER_FIELDS } from '../../cards/orderForm';
import { confirmationCard } from '../../cards/confirmation';
import { validateOrderInput, validityRange, type FieldError } from '../domain/orderInput';
import { decidePath } from '../domain/paths';
import { searchThemes } from '../services/catalog';
import { submitOrder } from '../services/submitOrder';
import { continuationsFor } from '../services/renewal';
import type { DirectoryUser } from '../../graph/directory';
import type { Theme } from '../domain/catalog';
import type { MessageKey } from '../i18n';
import { formatDate, formatIsoText } from '../i18n';
import { addCalendarDays, helsinkiDate } from '../domain/workdays';
import { plainText } from '../domain/safeText';

/** The order form's actions, parsed: the form's token and the known fields it sent. */
export interface OrderFormInput { token: string; values: OrderFormValues }

export function parseOrderForm(data: Record<string, unknown>): OrderFormInput {
  return { token: tokenOf(data), values: formValues(data) };
}

/**
 * Opens a new order form, prefilled from the directory, optionally with themes ticked (from suggestions) and other
 * values given (a renewal: its validity and justification).
 */
export async function openOrderForm(deps: HandlerDeps, turn: Turn, preselected: string[] = [], forSubjectId?: string,
  prefill: Pick<OrderFormValues, 'validUntil' | 'justification'> = {}, note?: string): Promise<AdaptiveCard> {
  const me = turn.user as DirectoryUser;
  const subject = forSubjectId && forSubjectId !== me.id ? (await deps.directory.getDirectReports(me.id)).find((u) => u.id === forSubjectId) ?? me : me;
  const values: OrderFormValues = {
    subjectId: subject.id,
    givenName: subject.givenName,
    surname: subject.surname,
    department: subject.department,
    themes: preselected.join(','),
    requesterMail: me.mail,
    validUntil: addCalendarDays(helsinkiDate(deps.now()), 365),
    ...prefill,
  };
  return renderForm(deps, turn, randomUUID(), values, {}, note);
}

/** "Hae": runs the theme search and shows the form again with every typed value kept. */
export async function searchInOrderForm(deps: HandlerDeps, turn: Turn, { token, values }: OrderFormInput): Promise<AdaptiveCard> {
  const themes = await deps.catalog.themes();
  const query = (values.themeQuery ?? '').trim();
  const hits = searchThemes(themes.values(), query);
  const note = query && hits.length === 0 ? turn.tr('order.noThemesFound', { query: plainText(query) }) : undefined;
  return renderForm(deps, turn, token, values, {}, note, hits.map((t) => t.id));
}

/** "Lähetä": validates everything on the server, then submits exactly once; errors come back on the same card. */
export async function submitOrderForm(deps: HandlerDeps, turn: Turn, { token, values }: OrderFormInput): Promise<AdaptiveCard> {
  const me = turn.user as DirectoryUser;
  const reports = await deps.directory.getDirectReports(me.id);
  const themes = await deps.catalog.themes();
  const result = validateOrderInput(values, {
    themes,
    allowedSubjectIds: new Set([me.id, ...reports.map((r) => r.id)]),
    defaultSubjectId: me.id,
    now: deps.now(),
    maxValidityYears: deps.config.maxValidityYears,
    acceptTestHetus: deps.config.acceptTestHetus,
  });
  if (!result.ok) {
    turn.log.info({ fields: Object.keys(result.errors) }, 'order form has errors');
    return renderForm(deps, turn, token, values, translateErrors(turn, result.errors), undefined);
  }
  const subject = result.value.subjectId === me.id ? me : reports.find((r) => r.id === result.value.subjectId) as DirectoryUser;
  // A manager who picks a report but leaves their own prefilled names would have the mandate granted to the wrong name.
  if (subject.id !== me.id && sameName(result.value.givenName, me.givenName) && sameName(result.value.surname, me.surname)) {
    return renderForm(deps, turn, token, values, { givenName: turn.tr('err.namesOfRequester', { name: subject.displayName }) }, undefined);
  }
  const outcome = await submitOrder(deps, { requester: me, subject, input: result.value, token });
  if (outcome.kind === 'duplicate') {
    const message = outcome.errors.map((e) => turn.tr(e.key as MessageKey, datesAsWritten(turn, e.params))).join(' ');
    return renderForm(deps, turn, token, values, { themes: message }, undefined);
  }
  turn.log.info({ orderId: outcome.order.id, kind: outcome.kind, lines: outcome.order.lines.length }, 'order submitted');
  return confirmationCard(turn.tr, turn.lang, outcome.order, outcome.kind === 'replayed');
}

async function renderForm(deps: HandlerDeps, turn: Turn, token: string, values: OrderFormValues,
  errors: Partial<Record<OrderField, string>>, searchNote: string | undefined, searchHits: string[] = []): Promise<AdaptiveCard> {
  const me = turn.user as DirectoryUser;
  const [reports, themes] = await Promise.all([deps.directory.getDirectReports(me.id), deps.catalog.themes()]);
  const subjectId = values.subjectId && values.subjectId !== me.id ? values.subjectId : me.id;
  const subject = reports.find((r) => r.id === subjectId) ?? me;
  const suggested = await deps.catalog.suggestedThemeIds(subject);
  const selected = (values.themes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ids = [...new Set([...selected, ...searchHits, ...suggested])].slice(0, 25);
  const choices: ThemeChoice[] = ids.map((id) => themes.get(id)).filter((t): t is Theme => t !== undefined && (t.active || selected.includes(t.id)))
    .map((t) => ({ id: t.id, name: t.name[turn.lang] || t.name.fi, eservice: eserviceIn(t, turn.lang),
      pathShort: turn.tr(decidePath(t) === 'existing' ? 'path.existingShort' : 'path.missingShort') }));
  const range = validityRange(deps.now(), deps.config.maxValidityYears);
  // A ticked theme the person holds inside its renewal window is ordered as a continuation: the form says so.
  const continuations = await continuationsFor(deps, subject.id, selected, helsinkiDate(deps.now()));
  const notes = continuations.map((c) => turn.tr('renewal.formNote', { theme: plainText(themes.get(c.themeId)?.name[turn.lang] || themes.get(c.themeId)?.name.fi || c.themeId),
    until: formatDate(turn.lang, c.until), start: formatDate(turn.lang, c.start) }));
  return orderFormCard(turn.tr, {
    notes,
    token,
    subjects: [{ id: me.id, label: `${turn.tr('order.forMyself')} (${me.displayName})` },
      ...reports.map((r) => ({ id: r.id, label: `${r.displayName}, ${r.jobTitle}` }))],
    values,
    themeChoices: choices,
    searchNote,
    errors,
    minDate: range.min,
    maxDate: range.max,
  });
}

function translateErrors(turn: Turn, errors: Partial<Record<string, FieldError>>): Partial<Record<OrderField, string>> {
  const out: Partial<Record<OrderField, string>> = {};
  for (const [field, e] of Object.entries(errors)) {
    if (e) out[field as OrderField] = turn.tr(e.key as MessageKey, datesAsWritten(turn, e.params));
  }
  return out;
}

/** Dates in error messages (a date range, "valid until") as the reader writes them, never raw ISO. */
function datesAsWritten(turn: Turn, params: Record<string, string | number> | undefined): Record<string, string | number> | undefined {
  if (!params) return params;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? formatIsoText(turn.lang, v) : v]));
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase('fi') === b.trim().toLocaleLowerCase('fi');
}

/** Only the known fields, only strings: the card's data is input, not truth. */
function formValues(data: Record<string, unknown>): OrderFormValues {
  const out: OrderFormValues = {};
  for (const field of [...ORDER_FIELDS, 'themeQuery'] as const) {
    const v = data[field];
    if (typeof v === 'string') out[field] = v.slice(0, 4000);
  }
  return out;
}

/** A token the client cannot use to reach someone else's order: it is only ever combined with the sender's id. */
function tokenOf(data: Record<string, unknown>): string {
  return typeof data.token === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(data.token) ? data.token : randomUUID();
}
