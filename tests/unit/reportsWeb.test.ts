import assert from 'node:assert/strict';
import path from 'node:path';
import { buildSync } from 'esbuild';

/**
 * The reports page's pure functions (web/reports/), bundled for Node with the same esbuild the page is built with:
 * the page is not part of the server's TypeScript project, so this is how its logic meets the unit suite.
 */
interface Web {
  histogram(values: number[]): Array<{ bin: number; count: number }>;
  percent(part: number, whole: number): number;
  hasData(option: object): boolean;
  filtersFrom(params: URLSearchParams): { from?: string; to?: string; department?: string };
  queryOf(filters: { from?: string; to?: string; department?: string }, lang: string): URLSearchParams;
  langOf(locale: string | null | undefined): string;
  themeOf(value: string | null | undefined, fallback?: string): string;
}

function loadWeb(): Web {
  const dir = path.resolve(__dirname, '..', '..', '..', 'web', 'reports');
  const entry = [
    `export { histogram, percent, hasData } from ${JSON.stringify(path.join(dir, 'charts'))};`,
    `export { filtersFrom, queryOf } from ${JSON.stringify(path.join(dir, 'api'))};`,
    `export { langOf, themeOf } from ${JSON.stringify(path.join(dir, 'host'))};`,
  ].join('\n');
  const out = buildSync({ stdin: { contents: entry, loader: 'ts', resolveDir: dir }, bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error' });
  const mod = { exports: {} as Web };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, require);
  return mod.exports;
}

describe('reports page logic (web/reports)', function () {
  this.timeout(30_000);
  let web: Web;
  before(() => { web = loadWeb(); });

  it('histogram: bin k counts the values in (k−1, k], zeros in bin 0, empty bins kept, nothing for no values', () => {
    const values = [0, 0.5, 1, 1, 2.1, 3, 3.0001, 6.9];
    const top = Math.ceil(Math.max(...values));
    const expected = Array.from({ length: top + 1 }, (_, k) => ({ bin: k, count: values.filter((v) => (k === 0 ? v === 0 : v > k - 1 && v <= k)).length }));
    assert.deepEqual(web.histogram(values), expected);
    assert.equal(web.histogram(values).reduce((a, b) => a + b.count, 0), values.length);
    assert.deepEqual(web.histogram([]), []);
  });

  it('percent: one decimal, 0 of nothing', () => {
    assert.equal(web.percent(6, 7), 85.7);
    assert.equal(web.percent(1, 3), 33.3);
    assert.equal(web.percent(0, 0), 0);
  });

  it('hasData: any series value above zero, heat-map cells by their value', () => {
    assert.equal(web.hasData({ series: [{ data: [0, 0] }, { data: [] }] }), false);
    assert.equal(web.hasData({ series: [{ data: [0, 2] }] }), true);
    assert.equal(web.hasData({ series: [{ data: [[1, 0, 0], [0, 1, 0]] }] }), false);
    assert.equal(web.hasData({ series: [{ data: [[1, 0, 3]] }] }), true);
  });

  it('filtersFrom keeps well-formed dates and a bounded department, drops the rest', () => {
    assert.deepEqual(web.filtersFrom(new URLSearchParams('from=2026-01-01&to=2026-06-30&department=Elinvoima')), { from: '2026-01-01', to: '2026-06-30', department: 'Elinvoima' });
    assert.deepEqual(web.filtersFrom(new URLSearchParams(`from=1.1.2026&to=2026-13&department=${'x'.repeat(201)}`)), {});
  });

  it('queryOf names only what is set, and always the language', () => {
    assert.equal(web.queryOf({}, 'sv').toString(), 'lang=sv');
    assert.equal(web.queryOf({ from: '2026-01-01', department: 'Kasvu ja oppiminen' }, 'fi').toString(), 'from=2026-01-01&department=Kasvu+ja+oppiminen&lang=fi');
  });

  it('langOf maps Teams locales to fi/sv/en (Finnish otherwise); themeOf knows Teams\' three themes', () => {
    assert.deepEqual(['fi-FI', 'sv-FI', 'sv-SE', 'en-GB', 'en_US', 'de-DE', '', null].map((l) => web.langOf(l)), ['fi', 'sv', 'sv', 'en', 'en', 'fi', 'fi', 'fi']);
    assert.deepEqual(['default', 'dark', 'contrast', 'glass', null].map((t) => web.themeOf(t)), ['default', 'dark', 'contrast', 'default', 'default']);
    assert.equal(web.themeOf(null, 'auto'), 'auto');
  });
});
