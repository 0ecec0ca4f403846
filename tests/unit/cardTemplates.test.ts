import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CardTemplates, TEMPLATE_NAMES, defaultTemplatesDir, formatProblem, sampleData } from '../../bot/templates/cardTemplates';
import { scan, positionAt } from '../../bot/templates/jsonLocate';
import { LANGS } from '../../bot/i18n/lang';
import { translator } from '../../bot/i18n';
import { menuCard } from '../../cards/menu';
import { validateCard, cardTexts } from '../helpers/cardCheck';

const ORG = { fi: 'Porvoon kaupunki', sv: 'Borgå stad', en: 'City of Porvoo' };
const sample = sampleData(ORG);

function orgDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-templates-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const GOOD_WELCOME = JSON.stringify({
  type: 'AdaptiveCard', version: '1.5', body: [
    { type: 'TextBlock', text: 'Tervetuloa, ${givenName}! Yhteyshenkilö: Liisa Laine, puh. 040 123 4567', wrap: true },
  ], actions: [{ type: 'Action.OpenUrl', title: 'Intranetin ohjesivu', url: 'https://intra.example.fi/valtuudet' }],
}, null, 2);

describe('Card templates: the organisation\'s own words', () => {
  describe('the shipped defaults', () => {
    const { templates, problems } = CardTemplates.load({ defaultsDir: defaultTemplatesDir(), sample });
    it('load without problems', () => assert.deepEqual(problems, []));
    for (const name of TEMPLATE_NAMES) {
      for (const lang of LANGS) {
        it(`${name}.${lang}: bound, alone and with the menu, is a valid Adaptive Card 1.5 that Teams accepts`, () => {
          const c = templates.render(name, lang, sample(lang));
          assert.deepEqual(validateCard(c), []);
          assert.deepEqual(validateCard(menuCard(translator(lang), { firstName: 'Maija', content: c })), []);
          assert.ok(!JSON.stringify(c).includes('${'), 'everything bound');
        });
      }
      it(`${name}: fi, sv and en differ in every text (each language file is written in its language)`, () => {
        const [fi, sv, en] = LANGS.map((l) => cardTexts(templates.render(name, l, sample(l))));
        for (let i = 0; i < fi.length; i++) {
          if (/^Valtuusbotti$/.test(fi[i])) continue;
          assert.notEqual(fi[i], sv[i]); assert.notEqual(fi[i], en[i]); assert.notEqual(sv[i], en[i]);
        }
      });
    }
    it('the welcome binds the person\'s first name, markdown-escaped', () => {
      const c = templates.render('welcome', 'fi', { ...sample('fi'), givenName: 'Mikko_*' });
      assert.match(JSON.stringify(c), /Hei Mikko\\\\_\\\\\*!/);
    });
  });

  describe('an organisation\'s override', () => {
    it('replaces that one card and language; the others stay the defaults', () => {
      const dir = orgDir({ 'welcome.fi.json': GOOD_WELCOME });
      const { templates, problems, overrides } = CardTemplates.load({ defaultsDir: defaultTemplatesDir(), orgDir: dir, sample });
      assert.deepEqual(problems, []);
      assert.deepEqual(overrides, [path.join(dir, 'welcome.fi.json')]);
      const fi = templates.render('welcome', 'fi', { ...sample('fi'), givenName: 'Mikko' });
      assert.match(cardTexts(fi).join(' '), /Tervetuloa, Mikko! Yhteyshenkilö: Liisa Laine/);
      assert.match(cardTexts(templates.render('welcome', 'sv', sample('sv'))).join(' '), /Hej Maija!/);
      assert.equal(templates.fileOf('help', 'fi'), path.join(defaultTemplatesDir(), 'help.fi.json'));
    });

    it('invalid JSON: the file, line and column of the mistake are reported, and the default is kept', () => {
      const broken = '{\n  "type": "AdaptiveCard",\n  "version": "1.5",\n  "body": [\n    { "type": "TextBlock", "text": "Hei" },\n  ]\n}\n';
      const dir = orgDir({ 'help.sv.json': broken });
      const { templates, problems } = CardTemplates.load({ defaultsDir: defaultTemplatesDir(), orgDir: dir, sample });
      assert.equal(problems.length, 1);
      assert.equal(problems[0].file, path.join(dir, 'help.sv.json'));
      assert.equal(problems[0].line, 6, formatProblem(problems[0]));
      assert.equal(problems[0].column, 3);
      assert.match(problems[0].message, /not valid JSON: .*comma before "\]"/);
      assert.match(cardTexts(templates.render('help', 'sv', sample('sv'))).join(' '), /Så fungerar Valtuusbotti/);
    });

    it('valid JSON but not a card Teams shows: each problem at its line (unknown element, Action.Execute, unknown data, http link)', () => {
      const text = [
        '{',
        '  "type": "AdaptiveCard",',
        '  "version": "1.5",',
        '  "body": [',
        '    { "type": "TextBlock", "text": "Hei ${givenName}" },',
        '    { "type": "Carousel", "pages": [] },',
        '    { "type": "TextBlock", "text": "Soita ${contactPhone}" }',
        '  ],',
        '  "actions": [',
        '    { "type": "Action.Execute", "title": "Go", "verb": "x" },',
        '    { "type": "Action.OpenUrl", "title": "Intra", "url": "http://intra" }',
        '  ]',
        '}',
      ].join('\n');
      const dir = orgDir({ 'instructions.en.json': text });
      const { problems } = CardTemplates.load({ defaultsDir: defaultTemplatesDir(), orgDir: dir, sample });
      const lines = problems.map((p) => `${p.line}: ${p.message}`);
      assert.deepEqual(problems.map((p) => p.line), [6, 7, 10, 11], lines.join('\n'));
      assert.match(lines[0], /unknown element type "Carousel"/);
      assert.match(lines[1], /\$\{contactPhone\} is not data the bot binds/);
      assert.match(lines[2], /Action\.Execute/);
      assert.match(lines[3], /https:\/\//);
    });

    it('a card version newer than Teams renders is refused with the line of "version"', () => {
      const dir = orgDir({ 'welcome.en.json': GOOD_WELCOME.replace('"1.5"', '"1.6"') });
      const { problems } = CardTemplates.load({ defaultsDir: defaultTemplatesDir(), orgDir: dir, sample });
      assert.equal(problems.length, 1);
      assert.equal(problems[0].line, 3);
      assert.match(problems[0].message, /1\.6 is newer/);
    });
  });

  describe('locating a JSON mistake', () => {
    const where = (text: string) => { try { scan(text); return undefined; } catch (e) { return { ...positionAt(text, (e as { offset: number }).offset), message: (e as Error).message }; } };
    it('finds a missing comma, a missing colon, an unclosed text and a cut-off file', () => {
      assert.deepEqual({ ...where('{\n "a": 1\n "b": 2\n}'), message: undefined }, { line: 3, column: 2, message: undefined });
      assert.equal(where('{"a" 1}')?.column, 6);
      assert.match(where('{"a": "x\n}')?.message ?? '', /same line/);
      assert.match(where('{"a": [1, 2')?.message ?? '', /ends too early/);
      assert.equal(where('{"a": [1, 2], "b": {"c": null}}'), undefined);
    });
  });
});
