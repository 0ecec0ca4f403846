/**
 * Tolerant text comparison for names typed by people (job titles, glossary terms, scopes in a spreadsheet).
 * Pure functions, no I/O.
 */

/** Punctuation and symbols that may wrap a name: "Rehtori.", "“valtuusasia”?", "(Rektor)". */
const LEADING_PUNCTUATION = /^[\p{P}\p{S}\s]+/u;
const EDGE_CHAR = /^[\p{P}\p{S}\s]$/u;

/**
 * Counts the work of the edit-distance comparisons (cells of the distance table), so a test can show that a
 * lookup's cost does not grow with the length of what was typed. Optional; pass one to measure.
 */
export interface MatchMeter { cells: number }

/**
 * The comparable form of a name: NFKC (full-width and ligature forms fold; å/ä/ö stay composed and are NOT
 * folded to a/o, since that merges different words, e.g. "sääli" (pity) and "saali" (catch)), lower case,
 * every run of whitespace as one space, punctuation and symbols trimmed from both ends (inner hyphens and
 * dots stay: "Suomi.fi-valtuudet", "Kaupunki-infra").
 */
export function normalizeText(s: string): string {
  const t = s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(LEADING_PUNCTUATION, '');
  return t.slice(0, trailingEdgeStart(t));
}

/**
 * Where the trailing run of punctuation, symbols and spaces begins, found by walking back from the end: a
 * regex anchored at the end ([…]+$) would retry at every position of a long inner run (quadratic).
 */
function trailingEdgeStart(s: string): number {
  let end = s.length;
  while (end > 0) {
    let start = end - 1;
    const code = s.charCodeAt(start);
    if (start > 0 && code >= 0xdc00 && code <= 0xdfff) {
      const high = s.charCodeAt(start - 1);
      if (high >= 0xd800 && high <= 0xdbff) start--;
    }
    if (!EDGE_CHAR.test(s.slice(start, end))) break;
    end = start;
  }
  return end;
}

/**
 * Levenshtein edit distance over code points. With `max`, stops early and returns max + 1 as soon as the
 * distance must exceed it, so comparing a query with many names stays cheap.
 */
export function levenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY, meter?: MatchMeter): number {
  if (a === b) return 0;
  const s = Array.from(a);
  const t = Array.from(b);
  if (Math.abs(s.length - t.length) > max) return max + 1;
  if (meter) meter.cells += s.length * t.length;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (current[j] < rowMin) rowMin = current[j];
    }
    // Every later row is at least this row's minimum, so the bound is already lost.
    if (rowMin > max) return max + 1;
    [previous, current] = [current, previous];
  }
  const distance = previous[t.length];
  return distance > max ? max + 1 : distance;
}

/** 1 for equal strings, 0 for nothing in common: 1 − distance / length of the longer (in code points). */
export function similarity(a: string, b: string, meter?: MatchMeter): number {
  const longest = Math.max(Array.from(a).length, Array.from(b).length);
  if (longest === 0) return 1;
  return 1 - levenshtein(a, b, Number.POSITIVE_INFINITY, meter) / longest;
}

/** Length of the common prefix in code points ("valtuuskartta" / "valtuuskartalla" → 12). */
export function commonPrefixLength(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  const n = Math.min(s.length, t.length);
  let i = 0;
  while (i < n && s[i] === t[i]) i++;
  return i;
}
