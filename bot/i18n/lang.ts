/** The three languages of the product. Finnish is the fallback. */
export type Lang = 'fi' | 'sv' | 'en';
export const LANGS: readonly Lang[] = ['fi', 'sv', 'en'];

/** Text in every product language. */
export type LocalizedText = Record<Lang, string>;

/** Maps a locale tag such as "sv-FI", "en-US" or "fi" to a product language, or undefined if none fits. */
export function langFromLocale(locale: string | undefined | null): Lang | undefined {
  if (!locale) return undefined;
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(primary) ? (primary as Lang) : undefined;
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}
