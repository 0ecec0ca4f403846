/**
 * Where the page runs: inside Teams (context, theme, SSO token from @microsoft/teams-js) or in a plain browser
 * (local mode: language and theme from the query string, no token). The page asks this module and nothing else
 * about its host, so the rest of it is the same in both.
 */
import { app, authentication, pages } from '@microsoft/teams-js';

export type Lang = 'fi' | 'sv' | 'en';
/** Teams' themes; 'auto' = a plain browser without ?theme=, where the CSS follows prefers-color-scheme. */
export type Theme = 'default' | 'dark' | 'contrast' | 'auto';

export interface Host {
  inTeams: boolean;
  lang: Lang;
  theme: Theme;
  /** The bearer token for our own API; undefined outside Teams (local mode needs none). */
  token(): Promise<string | undefined>;
  onThemeChange(handler: (theme: Theme) => void): void;
  /** The configurable tab's config page: tells Teams what to pin when the administrator saves. */
  offerTabConfig(contentUrl: string, name: string): void;
}

/** fi-FI, sv-FI, sv-SE, en-GB, … → our three languages; anything else reads Finnish (the city's main language). */
export function langOf(locale: string | null | undefined): Lang {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'sv' || base === 'en' ? base : 'fi';
}

/** Teams says default/dark/contrast (and lately glass, which is light); anything unknown is the light theme. */
export function themeOf(value: string | null | undefined, fallback: Theme = 'default'): Theme {
  return value === 'dark' || value === 'contrast' || value === 'default' ? value : fallback;
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error('not in Teams')), ms));
}

/** Teams answers initialize() at once; a plain browser either refuses at once or never answers, hence the race. */
export async function connectHost(params: URLSearchParams, timeoutMs = 2000): Promise<Host> {
  try {
    await Promise.race([app.initialize(), timeout(timeoutMs)]);
    const context = await app.getContext();
    return {
      inTeams: true,
      lang: langOf(context.app.locale),
      theme: themeOf(context.app.theme),
      token: () => authentication.getAuthToken(),
      onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(themeOf(theme))),
      offerTabConfig: (contentUrl, name) => {
        pages.config.registerOnSaveHandler((saveEvent) => {
          pages.config.setConfig({ contentUrl, websiteUrl: contentUrl, entityId: 'reports', suggestedDisplayName: name })
            .then(() => saveEvent.notifySuccess(), (err: unknown) => saveEvent.notifyFailure(String(err)));
        });
        pages.config.setValidityState(true);
      },
    };
  } catch {
    return {
      inTeams: false,
      lang: langOf(params.get('lang')),
      // ?theme= is honoured only here, outside Teams (tests and a look at the themes in a plain browser).
      theme: themeOf(params.get('theme'), 'auto'),
      token: async () => undefined,
      onThemeChange: () => undefined,
      offerTabConfig: () => undefined,
    };
  }
}
