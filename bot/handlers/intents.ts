/** What a typed message asks for, in any of the three languages. Pure text matching, no I/O. */
export type Intent =
  | { kind: 'menu' }
  | { kind: 'order' }
  | { kind: 'myOrders' }
  | { kind: 'myMandates' }
  | { kind: 'teamMandates' }
  | { kind: 'registerSearch'; text: string }
  | { kind: 'suggest' }
  | { kind: 'glossaryList' }
  | { kind: 'language'; value?: string }
  | { kind: 'openOrders' }
  | { kind: 'help' }
  | { kind: 'instructions' }
  | { kind: 'catalogAdmin' }
  | { kind: 'reviewProgress' }
  | { kind: 'showOrder'; number: string }
  | { kind: 'text'; text: string }
  | { kind: 'tooLong'; max: number };

/**
 * Longest chat message the bot reads. Commands, order numbers and glossary questions are a few words; a
 * longer text gets a polite "too long" before any matching runs, so no message can cost more than this.
 */
export const MAX_CHAT_TEXT = 2000;

// Trailing punctuation is cut by a loop, not by /[!?.,]+$/ (quadratic on a long run of punctuation).
const norm = (s: string): string => trimEndChars(s.toLowerCase().normalize('NFKC'), '!?.,').replace(/\s+/g, ' ').trim();

function trimEndChars(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

const EXACT: Array<[RegExp, Intent]> = [
  [/^(hei|moi|moikka|terve|huomenta|päivää|hej|hejsan|god morgon|hello|hi|hey|menu|valikko|meny|start|aloita)$/, { kind: 'menu' }],
  [/^(tilaa|tilaa valtuus|uusi tilaus|beställ|beställ fullmakt|order|order a mandate|new order)$/, { kind: 'order' }],
  [/^(omat tilaukset|tilaukseni|mina beställningar|my orders|orders)$/, { kind: 'myOrders' }],
  [/^(omat valtuudet|valtuuteni|minun valtuuteni|omat valtuuteni|mina fullmakter|mina egna fullmakter|my mandates|my own mandates)$/, { kind: 'myMandates' }],
  // "my team's mandates" with a straight or a typographic apostrophe, or none.
  [/^(alaisteni valtuudet|alaisten valtuudet|tiimini valtuudet|mina medarbetares fullmakter|medarbetarnas fullmakter|mitt teams fullmakter|my team['’]?s mandates|team mandates|my reports['’]? mandates)$/, { kind: 'teamMandates' }],
  [/^(mitä tarvitsen|mitä valtuuksia tarvitsen|vad behöver jag|vilka fullmakter behöver jag|what do i need|which mandates do i need)$/, { kind: 'suggest' }],
  [/^(sanasto|ordlista|glossary|termit|terms)$/, { kind: 'glossaryList' }],
  [/^(avoimet|avoimet tilaukset|öppna|öppna beställningar|open|open orders)$/, { kind: 'openOrders' }],
  [/^(ohje|apua|hjälp|help)$/, { kind: 'help' }],
  [/^(ohjeet|ohjeet ja yhteystiedot|yhteystiedot|instruktioner|anvisningar|anvisningar och kontakter|kontaktuppgifter|instructions|guidance|guidance and contacts|contacts)$/, { kind: 'instructions' }],
  [/^(valtuusasiat|fullmaktsärenden|themes|catalog|katalogi)$/, { kind: 'catalogAdmin' }],
  [/^(tarkistukset|valtuuksien tarkistukset|granskningar|granskning av fullmakter|reviews|mandate reviews)$/, { kind: 'reviewProgress' }],
];

export function recognise(raw: string): Intent {
  if (raw.length > MAX_CHAT_TEXT) return { kind: 'tooLong', max: MAX_CHAT_TEXT };
  const text = norm(raw);
  const lang = /^(kieli|språk|language|lang)(?:\s+(\S+))?$/.exec(text);
  if (lang) return { kind: 'language', value: lang[2] };
  for (const [re, intent] of EXACT) if (re.test(text)) return intent;
  // The administrators' register search, optionally with what to search ("hae valtuuksia Virtanen").
  const search = /^(hae valtuuksia|hae valtuudet|valtuushaku|sök fullmakter|search mandates)(?:\s+(.+))?$/.exec(text);
  if (search) return { kind: 'registerSearch', text: search[2] ?? '' };
  const number = /\bvb-(\d{4})-(\d{1,7})\b/i.exec(text);
  if (number) return { kind: 'showOrder', number: `VB-${number[1]}-${number[2].padStart(5, '0')}` };
  return { kind: 'text', text: raw.trim() };
}
