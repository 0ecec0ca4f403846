import { card, heading, text, subtle, errorText, execute, container, type AdaptiveCard, type Element } from './card';
import type { Translate, MessageKey } from '../bot/i18n';

export const ORDER_FIELDS = ['subjectId', 'givenName', 'surname', 'hetu', 'department', 'themes', 'customThemeName',
  'customThemeEservice', 'justification', 'validUntil', 'requesterMail'] as const;
export type OrderField = typeof ORDER_FIELDS[number];
/** What the user typed, as the card returns it (all strings; themes is a comma-separated id list). */
export type OrderFormValues = Partial<Record<OrderField | 'themeQuery', string>>;

export interface ThemeChoice { id: string; name: string; eservice: string; pathShort: string }

export interface OrderFormData {
  /** Client token: the same form sent twice makes one order. */
  token: string;
  /** Self first, then direct reports (for managers). */
  subjects: Array<{ id: string; label: string }>;
  values: OrderFormValues;
  themeChoices: ThemeChoice[];
  /** Notes about the ticked themes (a renewal: "continues …, starts on …"), already translated. */
  notes?: string[];
  /** Message about the last theme search, if any. */
  searchNote?: string;
  /** Error message per field, already translated. */
  errors: Partial<Record<OrderField, string>>;
  minDate: string;
  maxDate: string;
}

/** The city's order form (labels as the city wrote them), in the user's language. */
export function orderFormCard(tr: Translate, d: OrderFormData): AdaptiveCard {
  const v = d.values;
  const err = (field: OrderField): Element[] => (d.errors[field] ? [errorText(d.errors[field] as string)] : []);
  const input = (id: OrderField, label: MessageKey, extra: Record<string, unknown> = {}): Element[] => [
    { type: 'Input.Text', id, label: tr(label), value: v[id] ?? '', ...extra },
    ...err(id),
  ];
  // Each input names its error for the client's own checks (length, format). isRequired is left off on purpose:
  // Action.Execute validates every input of the card, so it would block "Hae" (the theme search) until the whole
  // form is filled. The server checks everything and answers next to each field.
  const needed = { errorMessage: tr('input.required') };
  // A re-sent form stays in the chat transcript, so it never carries the henkilötunnus back: the field comes
  // back empty with a note to type it again (the README promises the code is only ever shown masked).
  const hetuTyped = (v.hetu ?? '').trim() !== '';
  const body: Element[] = [heading(tr('order.title')), text(tr('order.intro'), { isSubtle: true })];
  if (Object.keys(d.errors).length) body.push(text(tr('order.errorsTitle'), { color: 'Attention', weight: 'Bolder' }));
  if (d.subjects.length > 1) {
    body.push({ type: 'Input.ChoiceSet', id: 'subjectId', label: tr('order.forWhom'), value: v.subjectId ?? d.subjects[0].id,
      choices: d.subjects.map((s) => ({ title: s.label, value: s.id })) }, ...err('subjectId'));
  }
  body.push(
    ...input('givenName', 'order.givenName', { maxLength: 100, ...needed }),
    ...input('surname', 'order.surname', { maxLength: 100, ...needed }),
    { type: 'Input.Text', id: 'hetu', label: tr('order.hetu'), value: '', maxLength: 20, errorMessage: tr('err.hetu.required') },
    ...err('hetu'),
    ...(hetuTyped ? [text(tr('order.hetuRetype'), { color: 'Warning', size: 'Small' })] : []),
    subtle(tr('order.hetuHelp')),
    ...input('department', 'order.department', { maxLength: 200, ...needed }),
  );
  const themeItems: Element[] = [];
  if (d.themeChoices.length) {
    themeItems.push({ type: 'Input.ChoiceSet', id: 'themes', label: tr('order.themes'), isMultiSelect: true, style: 'expanded',
      value: v.themes ?? '', choices: d.themeChoices.map((c) => ({ title: `${c.name} (${c.eservice}) · ${c.pathShort}`, value: c.id })) });
  } else {
    themeItems.push(text(tr('order.themes'), { weight: 'Bolder' }));
  }
  themeItems.push(...(d.notes ?? []).map((n) => text(n, { size: 'Small', color: 'Accent' })));
  themeItems.push(...err('themes'));
  themeItems.push({ type: 'ColumnSet', columns: [
    { type: 'Column', width: 'stretch', items: [{ type: 'Input.Text', id: 'themeQuery', label: tr('order.themeSearch'), value: v.themeQuery ?? '', maxLength: 100 }] },
    { type: 'Column', width: 'auto', verticalContentAlignment: 'Bottom', items: [{ type: 'ActionSet', actions: [execute(tr('order.search'), 'orderSearch', { token: d.token })] }] },
  ] });
  if (d.searchNote) themeItems.push(subtle(d.searchNote));
  body.push(container(themeItems, { separator: true }));
  body.push(container([
    text(tr('order.customTitle'), { weight: 'Bolder', size: 'Small' }),
    ...input('customThemeName', 'order.customName', { maxLength: 200 }),
    ...input('customThemeEservice', 'order.customEservice', { maxLength: 200 }),
  ], { separator: true }));
  body.push(
    ...input('justification', 'order.justification', { isMultiline: true, maxLength: 2000, placeholder: tr('order.justificationPlaceholder'), ...needed }),
    { type: 'Input.Date', id: 'validUntil', label: tr('order.validUntil'), value: v.validUntil ?? '', min: d.minDate, max: d.maxDate,
      errorMessage: tr('err.date') },
    ...err('validUntil'),
    ...input('requesterMail', 'order.requesterMail', { style: 'Email', maxLength: 254, errorMessage: tr('err.email') }),
  );
  return card(body, [execute(tr('order.submit'), 'orderSubmit', { token: d.token }, { style: 'positive' })]);
}
