/**
 * What the administrators' register search shows: the answer card's view (names and themes in the reader's
 * language, the states' counts) and the CSV file of a whole result. The CSV is for Excel as a Finnish office opens
 * it: UTF-8 with a byte order mark, semicolons, every cell quoted, and a cell that would start a formula (=, +, -,
 * @, tab, carriage return) prefixed with an apostrophe so it stays text. The register holds no henkilötunnus, and
 * typed text is passed through the same redaction as everything shown.
 */
import { MAX_SEARCH_ROWS, SEARCH_STATES, type SearchFound, type SearchRow } from '../domain/registerSearch';
import type { Theme } from '../domain/catalog';
import type { Lang, MessageKey, Translate } from '../i18n';
import { plainLabel } from '../domain/safeText';
import { registerSearchAnswerCard, type SearchRowView } from '../../cards/registerSearch';
import type { AdaptiveCard } from '../../cards/card';

type Found = SearchFound;

/** The rows a card shows (the first MAX_SEARCH_ROWS; the card may cut more for size). */
export const shownRows = (result: Found): SearchRow[] => result.rows.slice(0, MAX_SEARCH_ROWS);

function themeName(themes: ReadonlyMap<string, Theme>, themeId: string, lang: Lang): string {
  const theme = themes.get(themeId);
  return theme ? (theme.name[lang] || theme.name.fi) : themeId;
}

function rowView(result: Found, themes: ReadonlyMap<string, Theme>, lang: Lang, tr: Translate, r: SearchRow): SearchRowView {
  const person = result.persons.get(r.subjectId);
  return { person: person?.displayName ?? tr('search.unknownPerson'), department: person?.department ?? '', theme: themeName(themes, r.themeId, lang),
    validFrom: r.validFrom, validUntil: r.validUntil, state: r.state };
}

export function registerSearchAnswer(tr: Translate, lang: Lang, result: Found, themes: ReadonlyMap<string, Theme>): AdaptiveCard {
  const matched = result.theme ? (result.theme.name[lang] || result.theme.name.fi) : result.department ?? result.query.text;
  return registerSearchAnswerCard(tr, lang, {
    form: { by: result.query.by, text: result.query.text },
    matched, people: result.people, entries: result.entries, ...(result.partialAt ? { partialAt: result.partialAt } : {}),
    byState: SEARCH_STATES.map((s) => [s, result.byState[s]]),
    rows: shownRows(result).map((r) => rowView(result, themes, lang, tr, r)),
  });
}

/** One CSV cell: quoted, quotes doubled, a formula start neutralised. */
export function csvCell(value: string): string {
  const text = plainLabel(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The whole result as a CSV file (with the byte order mark), headers in the reader's language. */
export function registerSearchCsv(tr: Translate, lang: Lang, result: Found, themes: ReadonlyMap<string, Theme>): string {
  const header = ['person', 'mail', 'department', 'themeId', 'theme', 'validFrom', 'validUntil', 'state', 'revokedOn']
    .map((k) => csvCell(tr(`search.csv.${k}` as MessageKey)));
  const lines = result.rows.map((r) => {
    const person = result.persons.get(r.subjectId);
    return [person?.displayName ?? tr('search.unknownPerson'), person?.mail ?? '', person?.department ?? '', r.themeId, themeName(themes, r.themeId, lang),
      r.validFrom, r.validUntil, tr(`mandates.state.${r.state}` as MessageKey), r.revokedAt?.slice(0, 10) ?? ''].map(csvCell);
  });
  return '\uFEFF' + [header, ...lines].map((cells) => cells.join(';')).join('\r\n') + '\r\n';
}
