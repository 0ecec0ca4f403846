import assert from 'node:assert/strict';
import { fi, type MessageKey } from '../../bot/i18n/fi';
import { sv } from '../../bot/i18n/sv';
import { en } from '../../bot/i18n/en';
import { formatDate, t, translator, LANGS, type Lang } from '../../bot/i18n';

const catalogs: Record<Lang, Record<string, string>> = { fi, sv, en };
const keys = Object.keys(fi) as MessageKey[];

/** The {name} placeholders of a template, as a sorted list without repeats. */
function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

/**
 * Strings that are the same in every language on purpose: the product's name and a pure format with no words.
 * Anything else equal to the Finnish text in sv or en is an untranslated copy.
 */
// Glossary language labels name each language in that language ("På svenska" in every UI), so they are the same everywhere.
const SAME_IN_ALL_LANGUAGES: ReadonlySet<string> = new Set(['app.name', 'catalog.changed', 'glossary.label.fi', 'glossary.label.sv', 'glossary.label.en']);

describe('i18n strings (fi, sv, en)', () => {
  it('has Finnish strings to compare against', () => {
    assert.ok(keys.length > 100, `only ${keys.length} Finnish keys`);
  });

  for (const lang of ['sv', 'en'] as const) {
    it(`${lang} has exactly the Finnish keys: none missing, none extra`, () => {
      const other = Object.keys(catalogs[lang]);
      const missing = keys.filter((k) => !(k in catalogs[lang]));
      const extra = other.filter((k) => !(k in fi));
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
      assert.equal(other.length, keys.length);
    });
  }

  for (const lang of LANGS) {
    it(`${lang} has no empty or blank strings`, () => {
      const blank = Object.entries(catalogs[lang]).filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      assert.deepEqual(blank, []);
    });

    it(`${lang} has no unbalanced placeholder braces`, () => {
      const broken = Object.entries(catalogs[lang])
        .filter(([, v]) => v.replace(/\{\w+\}/g, '').includes('{') || v.replace(/\{\w+\}/g, '').includes('}'))
        .map(([k, v]) => `${k}: ${v}`);
      assert.deepEqual(broken, []);
    });
  }

  it('every key has the same set of {placeholders} in fi, sv and en', () => {
    const mismatches = keys
      .map((k) => ({ key: k, fi: placeholders(fi[k]), sv: placeholders(sv[k]), en: placeholders(en[k]) }))
      .filter((m) => m.sv.join() !== m.fi.join() || m.en.join() !== m.fi.join())
      .map((m) => `${m.key}: fi {${m.fi}} sv {${m.sv}} en {${m.en}}`);
    assert.deepEqual(mismatches, []);
  });

  it('sv and en translate every string instead of repeating the Finnish text', () => {
    const copies = keys.filter((k) => !SAME_IN_ALL_LANGUAGES.has(k) && (sv[k] === fi[k] || en[k] === fi[k]))
      .map((k) => `${k}: ${fi[k]}`);
    assert.deepEqual(copies, []);
  });

  it('the language menu entry names each language in that language', () => {
    assert.match(t('fi', 'menu.language'), /suomi/i);
    assert.match(t('sv', 'menu.language'), /svenska/i);
    assert.match(t('en', 'menu.language'), /English/);
  });
});

describe('t() and translator()', () => {
  it('returns the template of the language when there are no params', () => {
    for (const lang of LANGS) {
      for (const k of keys) assert.equal(t(lang, k), catalogs[lang][k], `${lang} ${k}`);
    }
  });

  it('fills {placeholders} with the given params', () => {
    assert.equal(t('fi', 'confirm.title', { number: 'VB-2026-00042' }), 'Tilaus vastaanotettu: VB-2026-00042');
    assert.equal(t('sv', 'confirm.title', { number: 'VB-2026-00042' }), 'Beställningen har tagits emot: VB-2026-00042');
    assert.equal(t('en', 'catalog.more', { shown: 25, total: 44 }), 'Showing 25/44. Filter with a search word.');
  });

  it('fills every placeholder of every key in every language, numbers as digits', () => {
    for (const lang of LANGS) {
      for (const k of keys) {
        const names = placeholders(fi[k]);
        if (!names.length) continue;
        const params = Object.fromEntries(names.map((n, i) => [n, i % 2 ? 1000 + i : `«${n}»`]));
        const out = t(lang, k, params);
        assert.doesNotMatch(out, /\{\w+\}/, `${lang} ${k}: ${out}`);
        for (const [name, value] of Object.entries(params)) assert.ok(out.includes(String(value)), `${lang} ${k} lacks ${name}: ${out}`);
      }
    }
  });

  it('fills a template with several params, numbers included, per language', () => {
    const out = t('fi', 'digest.row', { number: 'VB-2026-00001', subject: 'Matti Meikäläinen', days: 3, path: 'P', status: 'S' });
    assert.equal(out, 'VB-2026-00001 · Matti Meikäläinen · 3 pv · P · S');
    assert.equal(t('en', 'digest.row', { number: 'VB-2026-00001', subject: 'Matti Meikäläinen', days: 3, path: 'P', status: 'S' }),
      'VB-2026-00001 · Matti Meikäläinen · 3 d · P · S');
  });

  it('inserts param values literally, even ones that look like $-patterns or placeholders', () => {
    assert.equal(t('en', 'order.noThemesFound', { query: '$& $1 {query}' }).startsWith('No mandate themes match "$& $1 {query}"'), true);
  });

  it('leaves a placeholder whose param is missing as it is, and ignores extra params', () => {
    assert.equal(t('en', 'err.dateRange', { min: '2026-03-17', extra: 'x' }), 'The date must be between 2026-03-17 and {max}.');
  });

  it('translator(lang) gives the same text as t(lang, …)', () => {
    for (const lang of LANGS) {
      const tr = translator(lang);
      assert.equal(tr('menu.greeting', { name: 'Maija' }), t(lang, 'menu.greeting', { name: 'Maija' }));
      assert.equal(tr('my.title'), catalogs[lang]['my.title']);
    }
    assert.notEqual(translator('fi')('my.title'), translator('sv')('my.title'));
  });
});

describe('formatDate()', () => {
  it('writes Finnish and Swedish dates as day.month.year without leading zeros', () => {
    assert.equal(formatDate('fi', '2026-11-27'), '27.11.2026');
    assert.equal(formatDate('sv', '2026-11-27'), '27.11.2026');
    assert.equal(formatDate('fi', '2026-03-05'), '5.3.2026');
    assert.equal(formatDate('sv', '2027-01-09'), '9.1.2027');
  });

  it('writes English dates as day, short month name and year', () => {
    assert.equal(formatDate('en', '2026-11-27'), '27 Nov 2026');
    assert.equal(formatDate('en', '2026-03-05'), '5 Mar 2026');
  });

  it('names every month correctly in English', () => {
    const months = Array.from({ length: 12 }, (_, i) => formatDate('en', `2026-${String(i + 1).padStart(2, '0')}-15`).split(' ')[1]);
    assert.deepEqual(months, ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
  });

  it('uses the date part of a full ISO timestamp', () => {
    assert.equal(formatDate('fi', '2026-03-16T08:15:00.000Z'), '16.3.2026');
    assert.equal(formatDate('en', '2026-03-16T08:15:00.000Z'), '16 Mar 2026');
  });

  it('returns text that is not an ISO date unchanged', () => {
    for (const lang of LANGS) {
      assert.equal(formatDate(lang, ''), '');
      assert.equal(formatDate(lang, '27.11.2026'), '27.11.2026');
    }
  });
});
