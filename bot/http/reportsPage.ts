/**
 * The reports tab's HTML shell and its headers (issue #13). The page itself is the esbuild bundle
 * (web/reports/ → dist/web/reports/app.js); the shell only loads it, and carries the page's own texts in the three
 * languages (keys `reports.page.*`) as inert JSON, so the page can say "loading" or "not allowed" in the
 * reader's language before any data arrives. No inline script: the CSP allows scripts from our origin only.
 */
import { LANGS, isLang, t, type MessageKey } from '../i18n';
import { fi } from '../i18n/fi';

/** A file of the page, read once at start. */
export interface PageAsset {
  body: Buffer;
  /** The same bytes gzipped once at start (the bundle is ~700 kB, ~230 kB gzipped); not for the source map. */
  gzip?: Buffer;
  etag: string;
}

/** What the server needs to serve the tab: the bundle's files by name (app.js, app.js.map, app.css). */
export interface ReportsPage { assets: Map<string, PageAsset> }

/**
 * Teams shows the tab in an iframe on its own origins; nothing else may frame it. ECharts' canvas renderer sets
 * styles through the CSSOM only, so no 'unsafe-inline' is needed for styles either. teams-js reads the current list
 * of Teams' host origins from Microsoft's CDN (its built-in list is the fallback): the one other address it may ask.
 */
export const REPORTS_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self' https://res.cdn.office.net",
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.office.com https://*.cloud.microsoft",
  "base-uri 'none'", "form-action 'none'", "object-src 'none'",
].join('; ');

const PAGE_KEYS = (Object.keys(fi) as MessageKey[]).filter((k) => k.startsWith('reports.page.'));

/** JSON that is safe inside a <script> element: no `<` can close it. */
function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}

/** The shell in the language of `?lang=` (the page switches to Teams' language when it runs inside Teams). */
export function reportsShell(langParam: string | null): string {
  const lang = isLang(langParam) ? langParam : 'fi';
  const labels = Object.fromEntries(LANGS.map((l) => [l, Object.fromEntries(PAGE_KEYS.map((k) => [k, t(l, k)]))]));
  const title = escapeHtml(t(lang, 'reports.page.title'));
  const loading = escapeHtml(t(lang, 'reports.page.loading'));
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/reports/app.css">
<script src="/reports/app.js" defer></script>
</head>
<body>
<main id="app" aria-busy="true"><h1>${title}</h1><p id="status" role="status">${loading}</p></main>
<script id="reports-labels" type="application/json">${inertJson(labels)}</script>
</body>
</html>
`;
}

export const ASSET_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};
