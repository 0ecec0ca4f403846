import { LANGS, type Lang } from '../i18n/lang';
import { commonPrefixLength, levenshtein, normalizeText, similarity, type MatchMeter } from './textMatch';

export interface GlossaryEntry {
  term: string;
  definition: string;
}

/** One term of the sanasto (glossary), in every product language. */
export interface GlossaryTerm {
  id: string;
  fi: GlossaryEntry;
  sv: GlossaryEntry;
  en: GlossaryEntry;
  /** Other names people use, often informal or outdated ("valtuusoikeus" for "valtuutusoikeus"). */
  aka: string[];
}

export type GlossaryLookup =
  | { kind: 'match'; term: GlossaryTerm }
  | { kind: 'suggestions'; terms: GlossaryTerm[] };

/**
 * "What is X?" in the three languages, on normalised text (lower case, end punctuation gone). Each
 * pattern captures X. Checked in order, so the longer phrasings come before their prefixes.
 */
const QUESTION_WRAPPERS: readonly RegExp[] = [
  // Finnish
  /^(?:mitä|mita) (?:tarkoittaa|tarkoitetaan|tarkoittavat|merkitsee|on|ovat) (?:sana |termi |käsite )?(.+)$/u,
  /^(?:mitä|mita) (.+?) (?:tarkoittaa|tarkoittavat|merkitsee|on)$/u,
  /^(?:mikä|mika|mitkä|mitka) (?:on|ovat) (?:sana |termi |käsite )?(.+)$/u,
  /^(?:selitä|selita|määrittele|maarittele|kerro mikä on|kerro mitä on) (.+)$/u,
  // Swedish
  /^vad (?:är|betyder|innebär|menas med) (?:en |ett |ordet |begreppet |termen )?(.+)$/u,
  /^vad (.+?) (?:betyder|innebär)$/u,
  /^(?:förklara|definiera) (?:en |ett |ordet |begreppet |termen )?(.+)$/u,
  // English
  /^what (?:is|are) meant by (?:an? |the )?(.+)$/u,
  /^what(?:'s| is| are|s) (?:an? |the )?(.+)$/u,
  /^what (?:does|do) (?:an? |the )?(.+?) mean$/u,
  /^(?:define|explain|(?:the )?(?:definition|meaning) of) (?:an? |the )?(.+)$/u,
];

/** How well a name matched: an exact name beats an inflected form, which beats a typo. */
const enum Level { None = 0, Typo = 1, Stem = 2, Exact = 3 }

interface Candidate {
  term: GlossaryTerm;
  level: Level;
  /** Lower is better within a level (edit distance, or letters of inflection ending). */
  cost: number;
}

/** The glossary and its tolerant lookup; built once from data/glossary.json's structure. */
export class Glossary {
  private readonly names: ReadonlyArray<{ term: GlossaryTerm; names: string[] }>;
  /** Longest name in code points: a subject much longer than this cannot match any name. */
  private readonly longestName: number;

  /** `meter` (tests) counts the edit-distance work of every lookup. */
  constructor(readonly terms: readonly GlossaryTerm[], private readonly meter?: MatchMeter) {
    this.names = terms.map((term) => ({ term, names: namesOf(term) }));
    this.longestName = Math.max(0, ...this.names.flatMap((n) => n.names.map((name) => Array.from(name).length)));
  }

  /** Parses the glossary JSON ({ terms: [{ id, fi, sv, en, aka? }] }); throws naming the bad term. */
  static fromJson(json: unknown): Glossary {
    const terms = isRecord(json) && Array.isArray(json.terms) ? json.terms : undefined;
    if (!terms) throw new Error('glossary: expected an object with a "terms" array');
    return new Glossary(terms.map((t: unknown, i: number) => parseTerm(t, i)));
  }

  /** Every term, sorted by its name in the given language. */
  list(lang: Lang = 'fi'): GlossaryTerm[] {
    return [...this.terms].sort((a, b) => a[lang].term.localeCompare(b[lang].term, lang));
  }

  /**
   * The term a person asks about ("mikä on edustamisvaltuus?", "vad betyder fullmaktsrätt", "what is a
   * mandate theme?"), by name in any language or a known other name, inflected ("valtuuskartalla") or
   * mistyped ("edustamisvaltus"). When no single term fits: the three closest, best first.
   */
  lookup(query: string): GlossaryLookup {
    const subject = questionSubject(query) ?? cleanSubject(query);
    const best = this.bestCandidates(subject);
    if (best.length === 1) return { kind: 'match', term: best[0].term };
    const closest = this.closest(subject);
    const ranked = [...best.map((c) => c.term), ...closest.filter((t) => !best.some((c) => c.term === t))];
    return { kind: 'suggestions', terms: ranked.slice(0, 3) };
  }

  /**
   * Whether a chat message asks for a definition, so the router can send it here: a question form whose
   * subject is a known term (also inflected or mistyped), an unmistakable definition question ("mitä
   * tarkoittaa …", "vad betyder …", "define …") whatever the subject, or just a term's exact name.
   * "Mikä on tilaukseni tila?" is not one: it asks about an order.
   */
  isGlossaryQuestion(text: string): boolean {
    const subject = questionSubject(text);
    if (subject === undefined) {
      const whole = cleanSubject(text);
      return whole !== '' && this.names.some((n) => n.names.includes(whole));
    }
    if (subject === '') return false;
    if (isDefinitionQuestion(text)) return true;
    return this.bestCandidates(subject).length === 1;
  }

  /** The terms at the best match level, or none when nothing reaches the typo level. */
  private bestCandidates(subject: string): Candidate[] {
    if (subject === '') return [];
    // Exact needs equal length, a stem at most 8 letters more, a typo at most 3: a longer subject matches
    // nothing, and saying so early keeps a long message from costing (length × every name).
    if (subject.length > 2 * (this.longestName + 8)) return [];
    const candidates: Candidate[] = [];
    for (const { term, names } of this.names) {
      let best: Candidate = { term, level: Level.None, cost: Number.POSITIVE_INFINITY };
      for (const name of names) {
        const c = matchName(subject, name, this.meter);
        if (c.level > best.level || (c.level === best.level && c.cost < best.cost)) best = { term, ...c };
      }
      if (best.level !== Level.None) candidates.push(best);
    }
    if (candidates.length === 0) return [];
    const top = Math.max(...candidates.map((c) => c.level));
    const atTop = candidates.filter((c) => c.level === top);
    const cheapest = Math.min(...atTop.map((c) => c.cost));
    return atTop.filter((c) => c.cost === cheapest);
  }

  /**
   * All terms by closeness to the subject: edit similarity or shared beginning, whichever is higher; a
   * subject that is the start of a name ("valtuutus" → "valtuutusoikeus") or close to one word of a
   * longer name ("fullmaktsrätt" in "representantens fullmaktsrätt") ranks high.
   */
  private closest(fullSubject: string): GlossaryTerm[] {
    // Only the beginning of a long subject is compared: beyond the longest name (and a stem ending) every score is already
    // near zero, and the edit distance would cost (subject length × name length) per name.
    const subject = Array.from(fullSubject).slice(0, this.longestName + 8).join('');
    const closeness = (name: string): number => {
      const prefix = commonPrefixLength(subject, name);
      const startsName = subject.length >= 4 && prefix === subject.length ? 0.8 + 0.2 * (subject.length / name.length) : 0;
      return Math.max(similarity(subject, name, this.meter), prefix / Math.max(subject.length, name.length, 1), startsName);
    };
    const scored = this.names.map(({ term, names }, order) => {
      let score = 0;
      for (const name of names) {
        score = Math.max(score, closeness(name));
        const words = name.split(/[\s-]+/u);
        if (words.length > 1) for (const word of words) score = Math.max(score, 0.9 * closeness(word));
      }
      return { term, score, order };
    });
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    return scored.map((s) => s.term);
  }
}

/** The subject of a question ("mikä on X?" → "x"), or undefined when the text is not a question form. */
function questionSubject(text: string): string | undefined {
  const normal = cleanSubject(text);
  for (const pattern of QUESTION_WRAPPERS) {
    const m = pattern.exec(normal);
    if (m) return cleanSubject(m[1]);
  }
  return undefined;
}

function isDefinitionQuestion(text: string): boolean {
  const normal = cleanSubject(text);
  return /^(?:mitä|mita) (?:tarkoittaa|tarkoitetaan)\b|\b(?:tarkoittaa|tarkoittavat)$|^vad (?:betyder|innebär|menas med)\b|\b(?:betyder|innebär)$|^(?:define|definiera|määrittele)\b|^what (?:does|do) .+ mean$|^(?:the )?(?:definition|meaning) of\b/u
    .test(normal);
}

/** Normalised text with typographic quotes made plain and wrapping quotes removed. */
function cleanSubject(text: string): string {
  return normalizeText(text.replace(/[‘’´`]/gu, "'").replace(/[“”„«»]/gu, '"'));
}

/** Every name a term goes by, normalised: fi/sv/en names, aka, the id, and "A (B)" as A and B too. */
function namesOf(term: GlossaryTerm): string[] {
  const raw = [...LANGS.map((l) => term[l].term), ...term.aka, term.id.replace(/-/g, ' ')];
  const names = new Set<string>();
  for (const name of raw) {
    names.add(cleanSubject(name));
    const paren = /^(.+?)\s*\((.+)\)$/u.exec(name);
    if (paren) {
      names.add(cleanSubject(paren[1]));
      names.add(cleanSubject(paren[2]));
    }
  }
  names.delete('');
  return [...names];
}

/**
 * How a subject matches one name. Stem: the subject is the name with an inflection ending, allowing the
 * last three letters of the name to change (Finnish consonant gradation: "valtuuskartta" →
 * "valtuuskartalla", "mitätöinti" → "mitätöinnin"; Swedish/English endings: "fullmaktsrätten", "themes").
 * Typo: an edit distance of about one per five letters.
 */
function matchName(subject: string, name: string, meter?: MatchMeter): { level: Level; cost: number } {
  if (subject === name) return { level: Level.Exact, cost: 0 };
  const nameLength = Array.from(name).length;
  const subjectLength = Array.from(subject).length;
  const prefix = commonPrefixLength(subject, name);
  const stemNeeded = Math.max(4, nameLength - 3, Math.ceil(nameLength * 0.75));
  if (nameLength >= 5 && prefix >= stemNeeded && subjectLength >= nameLength - 1 && subjectLength - prefix <= 8) {
    return { level: Level.Stem, cost: subjectLength - prefix + (nameLength - prefix) };
  }
  const allowed = typoAllowance(nameLength);
  if (allowed > 0) {
    const distance = levenshtein(subject, name, allowed, meter);
    if (distance <= allowed) return { level: Level.Typo, cost: distance };
  }
  return { level: Level.None, cost: Number.POSITIVE_INFINITY };
}

function typoAllowance(length: number): number {
  if (length < 4) return 0;
  if (length <= 9) return 1;
  return Math.min(3, Math.floor(length / 5));
}

function parseTerm(value: unknown, index: number): GlossaryTerm {
  const where = `glossary term #${index + 1}`;
  if (!isRecord(value)) throw new Error(`${where}: expected an object`);
  const id = value.id;
  if (typeof id !== 'string' || id.trim() === '') throw new Error(`${where}: missing "id"`);
  const entry = (lang: Lang): GlossaryEntry => {
    const e = value[lang];
    if (!isRecord(e) || typeof e.term !== 'string' || typeof e.definition !== 'string' || e.term.trim() === '') {
      throw new Error(`glossary term "${id}": "${lang}" needs a term and a definition`);
    }
    return { term: e.term, definition: e.definition };
  };
  const aka = value.aka === undefined ? [] : value.aka;
  if (!Array.isArray(aka) || !aka.every((a): a is string => typeof a === 'string')) {
    throw new Error(`glossary term "${id}": "aka" must be a list of names`);
  }
  return { id, fi: entry('fi'), sv: entry('sv'), en: entry('en'), aka: [...aka] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
