/**
 * The administrators' register search: the form (search by person, theme or department) and the answer (counts
 * by state and the first rows, cut with "… and N more" under Teams' size limit; a CSV link for the whole result).
 * Everything the directory or the catalog holds is shown as plain text.
 */
import { card, fitElements, heading, text, subtle, facts, execute, plain, plainTitle, type AdaptiveCard, type Element } from './card';
import { formatDate, type Lang, type MessageKey, type Translate } from '../bot/i18n';
import type { RegisterState } from '../bot/domain/register';
import { MAX_SEARCH_ROWS } from '../bot/domain/registerSearch';

export type SearchByView = 'person' | 'theme' | 'department';

export interface SearchFormView { by: SearchByView; text: string; notice?: string }

/** One entry as the answer shows it. */
export interface SearchRowView { person: string; department: string; theme: string; validFrom: string; validUntil: string; state: RegisterState }

export interface SearchAnswerView {
  form: SearchFormView;
  /** What was matched: "Veroilmoittaminen", "Konsernipalvelut", or the typed text. */
  matched: string;
  people: number;
  entries: number;
  byState: Array<[RegisterState, number]>;
  rows: SearchRowView[];
  /** The search read only this many people (the directory had more): said above the counts. */
  partialAt?: number;
}

/** The byte budget of an answer's rows (a row is about 250 bytes; MAX_SEARCH_ROWS of them at most), under the 28 KB card limit. */
const ROWS_BUDGET_BYTES = 20_000;


function formElements(tr: Translate, form: SearchFormView): Element[] {
  return [
    { type: 'Input.ChoiceSet', id: 'by', label: tr('search.by'), style: 'compact', value: form.by, choices: [
      { title: tr('search.byPerson'), value: 'person' }, { title: tr('search.byTheme'), value: 'theme' }, { title: tr('search.byDepartment'), value: 'department' },
    ] },
    { type: 'Input.Text', id: 'q', label: tr('search.text'), placeholder: tr('search.placeholder'), value: plainTitle(form.text), maxLength: 200 },
  ];
}

const searchAction = (tr: Translate): ReturnType<typeof execute> => execute(tr('search.submit'), 'registerSearch', {});

/** The empty form, or the form again with a notice (nothing found, several themes match). */
export function registerSearchCard(tr: Translate, form: SearchFormView): AdaptiveCard {
  return card([
    heading(tr('search.title')),
    subtle(tr('search.intro')),
    ...(form.notice ? [text(plain(form.notice), { color: 'Attention' })] : []),
    ...formElements(tr, form),
  ], [searchAction(tr)]);
}

/** The answer: counts, the first rows, the CSV link button, and the form to search again. */
export function registerSearchAnswerCard(tr: Translate, lang: Lang, view: SearchAnswerView): AdaptiveCard {
  const rows = fitElements(view.rows.slice(0, MAX_SEARCH_ROWS).map((r) => rowElement(tr, lang, r)), ROWS_BUDGET_BYTES);
  return card([
    heading(tr('search.resultTitle', { matched: plainTitle(view.matched) })),
    ...(view.partialAt ? [text(tr('search.partial', { count: view.partialAt }), { color: 'Warning' })] : []),
    facts([
      [tr('search.people'), String(view.people)],
      [tr('search.entries'), String(view.entries)],
      ...view.byState.map(([state, count]): [string, string] => [tr(`mandates.state.${state}` as MessageKey), String(count)]),
    ]),
    ...(view.rows.length ? rows : [text(tr('search.noEntries'))]),
    ...(rows.length < view.rows.length ? [subtle(tr('search.more', { count: view.rows.length - rows.length }))] : []),
    ...formElements(tr, view.form),
  ], [
    searchAction(tr),
    ...(view.rows.length ? [execute(tr('search.export'), 'registerExport', { by: view.form.by, q: view.form.text })] : []),
  ]);
}

/** The download link's card: one button, and what the link allows. */
export function registerExportCard(tr: Translate, url: string, minutes: number): AdaptiveCard {
  return card([heading(tr('search.exportTitle')), text(tr('search.exportHint', { minutes }))],
    [{ type: 'Action.OpenUrl', title: tr('search.download'), url }]);
}

function rowElement(tr: Translate, lang: Lang, r: SearchRowView): Element {
  const who = r.department ? `${plain(r.person)} (${plain(r.department)})` : plain(r.person);
  return text(`${who} · ${plain(r.theme)} · ${formatDate(lang, r.validFrom)} – ${formatDate(lang, r.validUntil)} · **${tr(`mandates.state.${r.state}` as MessageKey)}**`,
    { size: 'Small', spacing: 'Small', separator: true });
}

