import { card, heading, text, facts, execute, plain, type AdaptiveCard } from './card';
import type { Translate, Lang, MessageKey } from '../bot/i18n';
import type { GlossaryTerm } from '../bot/domain/glossary';

const OTHER: Record<Lang, Lang[]> = { fi: ['sv', 'en'], sv: ['fi', 'en'], en: ['fi', 'sv'] };

/** One term: name and definition in the user's language, the names in the other two languages. */
export function glossaryTermCard(tr: Translate, lang: Lang, term: GlossaryTerm): AdaptiveCard {
  const entry = term[lang];
  return card([
    heading(entry.term),
    text(entry.definition),
    facts([
      // Each other language labelled in that language ("På svenska", "In English"), not a bare code.
      ...OTHER[lang].map((l): [string, string] => [tr(`glossary.label.${l}` as MessageKey), term[l].term]),
      ...(term.aka.length ? [[tr('glossary.alsoCalled'), term.aka.join(', ')] as [string, string]] : []),
    ]),
  ], [execute(tr('menu.glossary'), 'glossaryList')]);
}

/** The whole glossary, each term with a button to its explanation. */
export function glossaryListCard(tr: Translate, lang: Lang, terms: GlossaryTerm[]): AdaptiveCard {
  return card([
    heading(tr('glossary.title')),
    text(tr('glossary.intro'), { isSubtle: true }),
    ...terms.map((t) => ({ type: 'ColumnSet', columns: [
      { type: 'Column', width: 'stretch', items: [text(`**${t[lang].term}** — ${truncate(t[lang].definition, 110)}`, { size: 'Small' })] },
      { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [execute(tr('glossary.show'), 'glossaryTerm', { termId: t.id })] }] },
    ] })),
  ]);
}

/** An unknown word: the closest terms to choose from. */
export function glossarySuggestionsCard(tr: Translate, lang: Lang, query: string, terms: GlossaryTerm[]): AdaptiveCard {
  return card([text(tr('glossary.unknown', { query: plain(query) }))],
    terms.map((t) => execute(t[lang].term, 'glossaryTerm', { termId: t.id })));
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
