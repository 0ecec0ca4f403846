import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadSeedGlossary } from '../../bot/catalog/seed';
import { Glossary } from '../../bot/domain/glossary';
import { normalizeText, type MatchMeter } from '../../bot/domain/textMatch';
import { recognise, MAX_CHAT_TEXT } from '../../bot/handlers/intents';
import { loadConfig, LOCAL_CLIENT_TENANT_ID } from '../../bot/config';
import { PLAYGROUND_IDS } from '../../infra/local/playgroundConfig';

/** A chat message of about `bytes` characters made of glossary-like words, typos and punctuation. */
function longMessage(bytes: number, prefix = 'mikä on '): string {
  const words = ['valtuutusoikeus', 'edustamisvaltus', 'fullmaktsrätt', 'mandate', 'theme?!', '…', 'Suomi.fi-valtuudet'];
  let s = prefix;
  for (let i = 0; s.length < bytes; i++) s += `${words[i % words.length]} `;
  return s;
}

describe('long input costs no more than short input', () => {
  const seed = loadSeedGlossary();

  it('the glossary lookup does the same edit-distance work for 10 KB and 100 KB (bounded, not growing with length)', () => {
    const work = (text: string): number => {
      const meter: MatchMeter = { cells: 0 };
      const glossary = new Glossary(seed.terms, meter);
      glossary.isGlossaryQuestion(text);
      glossary.lookup(text);
      return meter.cells;
    };
    const short = work('mikä on edustamisvaltus?');
    const tenKb = work(longMessage(10_000));
    const hundredKb = work(longMessage(100_000));
    assert.ok(short > 0, 'the meter counts');
    // Quadratic or even linear growth would make the 100 KB work about 10× the 10 KB work.
    assert.ok(hundredKb <= tenKb * 1.1, `10 KB: ${tenKb} cells, 100 KB: ${hundredKb} cells`);
    assert.ok(tenKb <= short * 20, `10 KB: ${tenKb} cells vs a short question: ${short}`);
  });

  it('a long run of punctuation is trimmed correctly (by a loop, not an end-anchored regex)', () => {
    assert.equal(normalizeText(`${'!'.repeat(100_000)}a${'?'.repeat(100_000)}`), 'a');
    assert.equal(normalizeText(`"Rehtori."${'.!'.repeat(50_000)}x`), `rehtori."${'.!'.repeat(50_000)}x`);
  });

  it('a chat message over the cap is recognised as too long before any matching', () => {
    assert.deepEqual(recognise('x'.repeat(MAX_CHAT_TEXT + 1)), { kind: 'tooLong', max: MAX_CHAT_TEXT });
    assert.deepEqual(recognise('x'.repeat(240 * 1024)), { kind: 'tooLong', max: MAX_CHAT_TEXT });
    assert.equal(recognise(`hei${' '.repeat(MAX_CHAT_TEXT - 3)}`).kind, 'menu', 'at the cap it is still read');
    assert.equal(recognise(`${'?'.repeat(1990)}hei!!!`).kind, 'text');
  });
});

describe('local mode answers the local client\'s tenant only', () => {
  it('without MICROSOFT_APP_TENANT_ID, local mode is pinned to the Agents Playground\'s tenant', () => {
    assert.equal(loadConfig({}).tenantId, LOCAL_CLIENT_TENANT_ID);
    assert.equal(PLAYGROUND_IDS.tenantId, LOCAL_CLIENT_TENANT_ID);
    const yml = fs.readFileSync(path.join(__dirname, '..', '..', '..', '.m365agentsplayground.yml'), 'utf8');
    assert.match(yml, new RegExp(`^tenantId: "${LOCAL_CLIENT_TENANT_ID}"$`, 'm'), 'the playground config sends this tenant');
  });

  it('a configured tenant still wins in local mode', () => {
    const other = '11111111-2222-4333-8444-555555555555';
    assert.equal(loadConfig({ MICROSOFT_APP_TENANT_ID: other }).tenantId, other);
  });
});
