/**
 * Text people type, made safe twice: once where it enters (so storing it cannot fail and it means the same
 * everywhere) and once where another person sees it (so it is shown as the characters typed and nothing more:
 * no link, no formatting, no reordered text, no henkilötunnus). Pure, no I/O.
 */
import { redactHetus } from './hetu';

/** Unpaired UTF-16 surrogates: not text, and JSON/OData parsers disagree about them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Every way to say "new line": CRLF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const LINE_BREAK = /\r\n|[\r\u0085\u2028\u2029]/g;
/** C0 controls except tab and newline, DEL, C1 controls, and the non-characters U+FFFE/U+FFFF. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
/**
 * Bidirectional controls (embeddings, overrides, isolates, marks): invisible, and they reorder what follows
 * ("‮fdp.exe" shows as "exe.pdf"). Nobody needs them in a name, a reason or a justification.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * The boundary form of typed text, applied to every string an activity carries before any handler reads it:
 * lone surrogates and controls (except tab and newline) removed, every line break as "\n", bidi controls
 * removed, composed (NFC) so "ä" typed two ways is one string. Azurite's batch parser cuts a JSON body at
 * U+2028/U+2029 (its regex "." stops there), so without this such a save fails every time it is retried.
 * Linear in the length.
 */
export function normalizeInput(value: string): string {
  return value
    .replace(LONE_SURROGATE, '')
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .normalize('NFC');
}

/**
 * Applies normalizeInput to every string inside a parsed JSON value (card data), in place. Iterative, so a
 * deeply nested hostile payload cannot exhaust the stack; bounded to `maxNodes` visited values.
 */
export function normalizeInputDeep<T>(value: T, maxNodes = 10_000): T {
  if (typeof value === 'string') return normalizeInput(value) as T;
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length && visited++ < maxNodes) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'string') record[key] = normalizeInput(v);
      else if (v && typeof v === 'object') stack.push(v);
    }
  }
  return value;
}

/**
 * Characters with a meaning in Teams markdown (text messages and Adaptive Card TextBlock/FactSet/RichText),
 * escaped wherever they stand: emphasis and code (* _ ~ `), links and images ([ ] ( ) !), raw HTML and
 * autolinks in angle brackets (< >), entities ("&#8238;" would become a bidi override) (&), headings (#),
 * tables (|), card text functions ({{DATE(…)}}) ({ }) and the escape itself (\).
 */
const ALWAYS = String.raw`[\\\x60*_~\[\]()!<>&#|{}]`;
/**
 * What a linkifier turns into a link without any markup: a scheme ("https://", the colon before "//"), a
 * host or an e-mail address (a dot or an at sign between letters or digits: "evil.example", "www.x.fi",
 * "a@b.fi"). Escaping that one character splits the text where CommonMark renderers look for links (an
 * escape becomes its own text node in both markdown-it and cmark-gfm), while the reader still sees it.
 */
const LINKISH = String.raw`:(?=\/\/)|(?<=[\p{L}\p{N}])[.@](?=[\p{L}\p{N}])`;
const ESCAPE = new RegExp(`${ALWAYS}|${LINKISH}`, 'gu');
/** Block markup that counts only at the start of a line: quotes, list bullets, setext underlines, numbered lists. */
const LINE_START = /^([ \t]*)([>+=-]|\d+[.)])/gm;

/**
 * Text one person typed, as another person sees it, in a card or a text message: exactly the characters
 * typed, shown as plain text. Henkilötunnus codes (however written) become "[HETU]", bidi controls go, every
 * markdown, HTML and autolink character is backslash-escaped (CommonMark: an escaped punctuation character
 * renders as itself), and each line break becomes a paragraph break (a single "\n" is folded away in Teams).
 * The one function for this: cards use it through cards/card.ts `plain`, text messages in bot/presenters/notifications.
 */
export function plainText(value: string): string {
  return redactHetus(normalizeInput(value))
    .replace(ESCAPE, (c) => `\\${c}`)
    .replace(LINE_START, (_m, indent: string, mark: string) => `${indent}${mark.replace(/([>+=.)-])$/, '\\$1')}`)
    .replace(/\n/g, '\n\n');
}

/**
 * Typed text in a place Teams shows verbatim, without markdown (button titles, input values): the same
 * neutralising of henkilötunnus codes, controls and bidi, but no escapes (they would show as backslashes).
 */
export function plainLabel(value: string): string {
  return redactHetus(normalizeInput(value)).replace(/\n+/g, ' ');
}
