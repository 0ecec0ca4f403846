import type { HandlerDeps, Turn } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { glossaryListCard, glossaryTermCard, glossarySuggestionsCard } from '../../cards/glossary';
import { optionalString } from './verbInput';

/**
 * A question form ("mikä on …", "vad är …", "what is …") that deserves an answer even when the word is unknown.
 * The word ends where no letter or digit follows (`\b` knows only ASCII letters: it never matched after "ä").
 */
const QUESTION = /^\s*(mikä|mika|mitkä|mitä|mita|vad|what|define|selitä|förklara)(?![\p{L}\p{N}])/iu;

/**
 * Free text: a glossary question or a bare term gets the definition in the user's language; a question about
 * an unknown word gets the closest terms; anything else is not the glossary's (undefined).
 */
export async function answerText(deps: HandlerDeps, turn: Turn, text: string): Promise<AdaptiveCard | undefined> {
  const looksLikeQuestion = QUESTION.test(text) || deps.glossary.isGlossaryQuestion(text);
  const result = deps.glossary.lookup(text);
  if (result.kind === 'match' && (looksLikeQuestion || text.trim().split(/\s+/).length <= 3)) {
    return glossaryTermCard(turn.tr, turn.lang, result.term);
  }
  if (looksLikeQuestion && result.kind === 'suggestions' && result.terms.length) {
    return glossarySuggestionsCard(turn.tr, turn.lang, text.trim().slice(0, 80), result.terms);
  }
  return undefined;
}

export async function showGlossaryList(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  return glossaryListCard(turn.tr, turn.lang, deps.glossary.list(turn.lang));
}

export const parseTerm = (data: Record<string, unknown>): { termId?: string } => ({ termId: optionalString(data.termId) });

export async function showGlossaryTerm(deps: HandlerDeps, turn: Turn, { termId }: { termId?: string }): Promise<AdaptiveCard> {
  const term = termId === undefined ? undefined : deps.glossary.terms.find((t) => t.id === termId);
  return term ? glossaryTermCard(turn.tr, turn.lang, term) : glossaryListCard(turn.tr, turn.lang, deps.glossary.list(turn.lang));
}
