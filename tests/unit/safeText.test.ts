import assert from 'node:assert/strict';
import { normalizeInput, normalizeInputDeep, plainText, plainLabel } from '../../bot/domain/safeText';
import { hetuCheckChar } from '../../bot/domain/hetu';

/** What a CommonMark renderer shows for a backslash escape: the character itself. */
const rendered = (escaped: string): string => escaped.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\n\n/g, '\n');

describe('plainText: what one person typed, as another sees it', () => {
  it('a markdown link and a bidi override become visible plain characters', () => {
    const typed = 'Katso [ohje tästä](https://evil.example/phish) \u202Eexe.pdf';
    const out = plainText(typed);
    assert.ok(!/\]\(/.test(out), 'no "](" left unescaped');
    assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/.test(out), 'no bidi controls');
    assert.ok(!/(?<!\\):\/\//.test(out), 'the scheme is broken for linkifiers');
    assert.equal(rendered(out), 'Katso [ohje tästä](https://evil.example/phish) exe.pdf', 'the reader still sees what was typed');
  });

  it('every bidi control is removed', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      assert.equal(plainText(`a${String.fromCodePoint(cp)}b`), 'a\\b'.replace('\\', ''), `U+${cp.toString(16)}`);
    }
  });

  it('escapes emphasis, code, headings, quotes, lists, tables, HTML, entities and card text functions', () => {
    const typed = '**lihava** _kursiivi_ ~~yli~~ `koodi` <b>html</b> &#8238; | {{DATE(2026-01-01T00:00:00Z)}}';
    const out = plainText(typed);
    assert.ok(!/(?<!\\)[*_~`<>&#|{}()]/.test(out), `every markup character escaped: ${out}`);
    assert.equal(rendered(out), typed);
    for (const line of ['# otsikko', '> lainaus', '- kohta', '+ kohta', '1. kohta', '2) kohta', '===']) {
      const o = plainText(line);
      assert.match(o, /^\s*\\|^\d+\\/, `${line} → ${o}`);
      assert.equal(rendered(o), line);
    }
  });

  it('defuses autolinks: bare URLs, www. addresses and e-mail addresses', () => {
    for (const typed of ['http://evil.example', 'www.evil.com/login', 'phish@evil.example', 'evil.com/x', 'ftp://1.2.3.4/']) {
      const out = plainText(typed);
      assert.ok(!/[\p{L}\p{N}][.@][\p{L}\p{N}]/u.test(out) && !/(?<!\\):\/\//.test(out), `${typed} → ${out}`);
      assert.equal(rendered(out), typed);
    }
  });

  it('keeps ordinary text readable: hyphenated names, sentences, dates', () => {
    assert.equal(plainText('Anna-Liisa Mäkelä'), 'Anna-Liisa Mäkelä');
    assert.equal(plainText('Palkanlaskentaan, kiitos!'), 'Palkanlaskentaan, kiitos\\!');
    assert.equal(plainText('Muistutus 2026-12-03 klo 10:00'), 'Muistutus 2026-12-03 klo 10:00');
  });

  it('redacts a henkilötunnus however written, and turns line breaks into paragraph breaks', () => {
    const c = `150385${hetuCheckChar('150385245')}`;
    const typed = `Tunnus 150385 ${'-'}245${c.slice(6)}\u2028toinen rivi`;
    // "[HETU]" is escaped too: unescaped it could pair with typed text into a link reference definition.
    assert.equal(plainText(typed), 'Tunnus \\[HETU\\]\n\ntoinen rivi');
    assert.equal(rendered(plainText(typed)), 'Tunnus [HETU]\ntoinen rivi');
  });

  it('plainLabel (button titles, input values) neutralises the same things without backslashes', () => {
    assert.equal(plainLabel('Suomi.fi-valtuudet \u202Etxt.exe'), 'Suomi.fi-valtuudet txt.exe');
    assert.equal(plainLabel(`x 010594Y9032`), 'x [HETU]');
  });
});

describe('normalizeInput: the boundary form of typed text', () => {
  it('line and paragraph separators, CR and NEL become "\\n"', () => {
    assert.equal(normalizeInput('a\u2028b\u2029c\r\nd\re\u0085f'), 'a\nb\nc\nd\ne\nf');
  });

  it('drops NUL, other controls, lone surrogates and non-characters, keeps tab, newline and emoji', () => {
    assert.equal(normalizeInput('a\u0000b\u0007c\u001Bd\u007Fe\u0090f\tg\nh'), 'abcdef\tg\nh');
    assert.equal(normalizeInput('x\uD800y\uDC00z\uFFFF😀'), 'xyz😀');
  });

  it('composes (NFC): "ä" typed as a + combining diaeresis is the same string as "ä"', () => {
    assert.equal(normalizeInput('Ma\u0308kela\u0308'), 'Mäkelä');
  });

  it('normalises every string of nested card data in place, even very deep data, without recursion', () => {
    const data = { a: 'x\u2028y', list: ['p\u0000', { q: 'r\u2029' }], n: 5 };
    normalizeInputDeep(data);
    assert.deepEqual(data, { a: 'x\ny', list: ['p', { q: 'r\n' }], n: 5 });
    let deep: Record<string, unknown> = { s: 'end\u2028' };
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    assert.doesNotThrow(() => normalizeInputDeep(deep));
  });
});
