import assert from 'node:assert/strict';
import { LANGS, t } from '../../bot/i18n';
import { fi } from '../../bot/i18n/fi';
import { REPORTS_CSP, reportsShell } from '../../bot/http/reportsPage';

/** The <script type="application/json"> block's content, parsed. */
function labelsIn(html: string): Record<string, Record<string, string>> {
  const m = /<script id="reports-labels" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the labels block is there');
  return JSON.parse(m[1]) as Record<string, Record<string, string>>;
}

describe('reports tab shell (bot/http/reportsPage.ts)', () => {
  it('is in the language asked for, Finnish for anything else', () => {
    assert.match(reportsShell('sv'), /<html lang="sv">/);
    assert.match(reportsShell('sv'), new RegExp(`<title>${t('sv', 'reports.page.title')}</title>`));
    assert.match(reportsShell('de'), /<html lang="fi">/);
    assert.match(reportsShell(null), /<html lang="fi">/);
    assert.match(reportsShell('"><script>'), /<html lang="fi">/);
  });

  it('carries every reports.page text in all three languages as inert JSON, and runs no inline script', () => {
    const html = reportsShell('en');
    const labels = labelsIn(html);
    const keys = Object.keys(fi).filter((k) => k.startsWith('reports.page.'));
    assert.ok(keys.length > 40);
    for (const lang of LANGS) assert.deepEqual(Object.keys(labels[lang]).sort(), [...keys].sort(), lang);
    assert.equal(labels.sv['reports.page.csv'], t('sv', 'reports.page.csv'));
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [' src="/reports/app.js" defer', ' id="reports-labels" type="application/json"']);
  });

  it('allows scripts from its own origin only, and framing by Teams only', () => {
    const directives = new Map(REPORTS_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'self'", 'https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.office.com', 'https://*.cloud.microsoft']);
    assert.ok(!REPORTS_CSP.includes('unsafe'), 'no unsafe-inline or unsafe-eval');
  });
});
