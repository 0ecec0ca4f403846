import assert from 'node:assert/strict';
import { recognise } from '../../bot/handlers/intents';
import { parseLanguage } from '../../bot/handlers/menu';

describe('intents in three languages', () => {
  const cases: Array<[string, string]> = [
    ['hei', 'menu'], ['Hej!', 'menu'], ['hello', 'menu'],
    ['tilaa', 'order'], ['beställ', 'order'], ['order', 'order'],
    ['Omat tilaukset', 'myOrders'], ['mina beställningar', 'myOrders'], ['my orders', 'myOrders'],
    ['mitä tarvitsen?', 'suggest'], ['Vad behöver jag', 'suggest'], ['what do I need', 'suggest'],
    ['sanasto', 'glossaryList'], ['ordlista', 'glossaryList'], ['glossary', 'glossaryList'],
    ['avoimet', 'openOrders'], ['öppna', 'openOrders'], ['open', 'openOrders'],
    ['Omat valtuudet', 'myMandates'], ['valtuuteni', 'myMandates'], ['Mina fullmakter', 'myMandates'], ['my mandates!', 'myMandates'],
    ['alaisteni valtuudet', 'teamMandates'], ['mina medarbetares fullmakter', 'teamMandates'], ["My team's mandates", 'teamMandates'],
    ['my team’s mandates', 'teamMandates'], ['team mandates', 'teamMandates'],
    ['valtuudet', 'text'], ['mikä on valtuusasia?', 'text'],
  ];
  for (const [text, kind] of cases) {
    it(`"${text}" → ${kind}`, () => assert.equal(recognise(text).kind, kind));
  }

  it('"kieli sv" switches to Swedish and "language" alone offers the choice', () => {
    assert.deepEqual(recognise('kieli sv'), { kind: 'language', value: 'sv' });
    assert.deepEqual(recognise('språk'), { kind: 'language', value: undefined });
    assert.equal(parseLanguage('svenska'), 'sv');
    assert.equal(parseLanguage('en-GB'), 'en');
    assert.equal(parseLanguage('klingon'), undefined);
  });
});
