import assert from 'node:assert/strict';
import { loadSeedGlossary } from '../../bot/catalog/seed';
import { Glossary, type GlossaryLookup } from '../../bot/domain/glossary';
import { levenshtein, normalizeText, similarity } from '../../bot/domain/textMatch';

function matchedId(result: GlossaryLookup): string | undefined {
  return result.kind === 'match' ? result.term.id : undefined;
}

describe('Glossary (sanasto)', () => {
  const glossary = loadSeedGlossary();

  it('answers a Finnish question with its term: "mikä on edustamisvaltuus?"', () => {
    assert.equal(matchedId(glossary.lookup('Mikä on edustamisvaltuus?')), 'edustamisvaltuus');
  });

  it('answers a Swedish question by the Swedish name: "vad är fullmaktsrätt?"', () => {
    assert.equal(matchedId(glossary.lookup('Vad är fullmaktsrätt?')), 'valtuutusoikeus');
  });

  it('answers an English question with an article: "what is a mandate theme?"', () => {
    assert.equal(matchedId(glossary.lookup('What is a mandate theme?')), 'valtuusasia');
  });

  it('maps an informal name to the official term: "mikä on valtuusoikeus" → valtuutusoikeus', () => {
    const result = glossary.lookup('mikä on valtuusoikeus');
    assert.equal(matchedId(result), 'valtuutusoikeus');
    assert.equal(result.kind === 'match' && result.term.fi.term, 'Valtuutusoikeus');
  });

  it('tolerates a typo: "mikä on edustamisvaltus?"', () => {
    assert.equal(matchedId(glossary.lookup('mikä on edustamisvaltus?')), 'edustamisvaltuus');
  });

  it('recognises inflected forms in Finnish and Swedish', () => {
    assert.equal(matchedId(glossary.lookup('Mitä tarkoitetaan valtuuskartalla?')), 'valtuuskartta');
    assert.equal(matchedId(glossary.lookup('vad betyder fullmaktsrätten')), 'valtuutusoikeus');
    assert.equal(matchedId(glossary.lookup('mitä valtuutettu tarkoittaa')), 'valtuutettu');
  });

  it('understands the other question forms of each language', () => {
    assert.equal(matchedId(glossary.lookup('What does invalidation mean?')), 'mitatointi');
    assert.equal(matchedId(glossary.lookup('define assignor')), 'valtuuttaja');
    assert.equal(matchedId(glossary.lookup('“Fullmaktskarta”')), 'valtuuskartta');
  });

  it('does not confuse neighbouring terms: valtuutettu and valtuuttaja', () => {
    assert.equal(matchedId(glossary.lookup('valtuuttajan')), 'valtuuttaja');
    assert.equal(matchedId(glossary.lookup('valtuutetun')), 'valtuutettu');
  });

  it('offers the 3 closest terms for an unknown word, the nearest first', () => {
    const unknown = glossary.lookup('mikä on banaani?');
    assert.equal(unknown.kind, 'suggestions');
    assert.equal(unknown.kind === 'suggestions' && unknown.terms.length, 3);
    const partial = glossary.lookup('valtuutus');
    assert.equal(partial.kind, 'suggestions');
    assert.equal(partial.kind === 'suggestions' && partial.terms[0].id, 'valtuutusoikeus');
  });

  it('routes definition questions here and leaves other "mikä on" questions alone', () => {
    assert.equal(glossary.isGlossaryQuestion('mikä on edustamisvaltuus?'), true);
    assert.equal(glossary.isGlossaryQuestion('Vad är fullmaktsrätt?'), true);
    assert.equal(glossary.isGlossaryQuestion('mitä tarkoittaa kummajainen'), true);
    assert.equal(glossary.isGlossaryQuestion('Valtuuskartta'), true);
    assert.equal(glossary.isGlossaryQuestion('mikä on tilaukseni tila?'), false);
    assert.equal(glossary.isGlossaryQuestion('hei'), false);
    assert.equal(glossary.isGlossaryQuestion('mikä on?'), false);
  });

  it('lists every term sorted by its name in the asked language', () => {
    const fi = glossary.list().map((t) => t.fi.term);
    assert.equal(fi.length, glossary.terms.length);
    assert.deepEqual(fi, [...fi].sort((a, b) => a.localeCompare(b, 'fi')));
    const sv = glossary.list('sv').map((t) => t.sv.term);
    assert.deepEqual(sv, [...sv].sort((a, b) => a.localeCompare(b, 'sv')));
    assert.notDeepEqual(glossary.list('sv').map((t) => t.id), glossary.list('fi').map((t) => t.id));
  });

  it('rejects glossary data without names in every language', () => {
    assert.throws(() => Glossary.fromJson({ terms: [{ id: 'x', fi: { term: 'X', definition: '' } }] }), /"sv"/);
    assert.throws(() => Glossary.fromJson([]), /terms/);
  });
});

describe('textMatch', () => {
  it('normalises case, width, spacing and end punctuation but keeps å, ä and ö', () => {
    assert.equal(normalizeText('  Mikä   ON\tÄÄNI? '), 'mikä on ääni');
    assert.equal(normalizeText('«Suomi.fi-valtuudet».'), 'suomi.fi-valtuudet');
    assert.equal(normalizeText('ＲＥＨＴＯＲＩ'), 'rehtori');
    assert.notEqual(normalizeText('sääli'), normalizeText('saali'));
  });

  it('counts edits and stops early past the bound', () => {
    assert.equal(levenshtein('valtuutus', 'valtuutus'), 0);
    assert.equal(levenshtein('edustamisvaltus', 'edustamisvaltuus'), 1);
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('abcdefgh', 'zyxwvuts', 2), 3);
    assert.equal(similarity('abc', 'abc'), 1);
    assert.equal(similarity('abcd', 'abce'), 0.75);
  });
});
