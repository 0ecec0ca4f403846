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
