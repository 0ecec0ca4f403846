import { fi, type MessageKey, type Messages } from './fi';
import { sv } from './sv';
import { en } from './en';
import type { Lang } from './lang';

export type { MessageKey } from './fi';
export * from './lang';

const catalogs: Record<Lang, Messages> = { fi, sv, en };

export type Params = Record<string, string | number>;

/** The message in the language, with {name} placeholders filled. */
export function t(lang: Lang, key: MessageKey, params?: Params): string {
  const template = catalogs[lang][key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A translator bound to one language: `const tr = translator('sv'); tr('menu.order')`. */
export type Translate = (key: MessageKey, params?: Params) => string;
export function translator(lang: Lang): Translate {
  return (key, params) => t(lang, key, params);
}

/** Formats an ISO date (YYYY-MM-DD) the way each language writes dates: 27.11.2026 (fi, sv) or 27 Nov 2026 (en). */
export function formatDate(lang: Lang, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (lang === 'en') {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    return `${Number(d)} ${months[Number(mo) - 1]} ${y}`;
  }
  return `${Number(d)}.${Number(mo)}.${y}`;
}

/** A wall-clock time "HH:MM" as each language writes it: 10.00 (fi, sv) or 10:00 (en). */
function formatClock(lang: Lang, hhmm: string): string {
  const [h, m] = hhmm.split(':');
  return lang === 'en' ? `${Number(h)}:${m}` : `${Number(h)}.${m}`;
}

/** A local date and time "YYYY-MM-DD HH:MM" (Finnish wall clock) as people write it: 24.11.2027 klo 10.00. */
export function formatLocalDateTime(lang: Lang, local: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})/.exec(local);
  if (!m) return local;
  return t(lang, 'format.dateTime', { date: formatDate(lang, m[1]), time: formatClock(lang, m[2]) });
}

const HELSINKI_PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** An instant (ISO with zone, e.g. an audit time) in Finnish time, as people write it: 24.11.2027 klo 10.00. */
export function formatInstant(lang: Lang, iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const p = Object.fromEntries(HELSINKI_PARTS.formatToParts(when).map((x) => [x.type, x.value]));
  return formatLocalDateTime(lang, `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`);
}

/** Free text that is only an ISO date or local date-time (a sent date, a meeting time) in the reader's form; other text unchanged. */
export function formatIsoText(lang: Lang, text: string): string {
  const s = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return formatDate(lang, s);
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/.test(s)) return formatLocalDateTime(lang, s);
  return text;
}
