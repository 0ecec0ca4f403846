import assert from 'node:assert/strict';
import { BodyError, parseObject } from '../../bot/http/body';
import { checkActivityShape } from '../../bot/http/activityShape';

const refusal = (fn: () => unknown): BodyError => {
  try { fn(); } catch (err) { if (err instanceof BodyError) return err; throw err; }
  throw new Error('expected a refusal');
};

describe('request body parsing (bot/http)', () => {
  it('accepts a JSON object, with or without a UTF-8 byte order mark', () => {
    assert.deepEqual(parseObject(Buffer.from('{"type":"message","text":"hei"}'), 64), { type: 'message', text: 'hei' });
    assert.deepEqual(parseObject(Buffer.from('\ufeff{"type":"message"}'), 64), { type: 'message' });
  });

  it('refuses invalid JSON, non-objects and empty bodies with 400 and a message saying what to send', () => {
    for (const [body, code] of [['{"type":', 'invalid_json'], ['[]', 'not_an_object'], ['42', 'not_an_object'], ['null', 'not_an_object'], ['  ', 'empty_body']]) {
      const e = refusal(() => parseObject(Buffer.from(body), 64));
      assert.equal(e.status, 400);
      assert.equal(e.code, code, body);
    }
  });

  it('counts nesting outside strings only: brackets inside text are fine, deep structures are refused', () => {
    const inText = JSON.stringify({ type: 'message', text: '['.repeat(500) + '\\"{{{' });
    assert.equal(parseObject(Buffer.from(inText), 64).type, 'message');
    const deep = `{"type":"message","value":${'['.repeat(65)}${']'.repeat(65)}}`;
    assert.equal(refusal(() => parseObject(Buffer.from(deep), 64)).code, 'too_deep');
    const atLimit = `{"v":${'['.repeat(63)}${']'.repeat(63)}}`;
    assert.ok(parseObject(Buffer.from(atLimit), 64));
  });

  it('activity shape: names the field of the wrong type; unknown fields and nulls pass', () => {
    assert.doesNotThrow(() => checkActivityShape({ type: 'message', text: null, from: null, custom: [1, { a: 2 }] }));
    assert.match(refusal(() => checkActivityShape({ text: 'hei' })).message, /activity\.type is required/);
    assert.match(refusal(() => checkActivityShape({ type: 'message', text: 5 })).message, /activity\.text must be a string/);
    assert.match(refusal(() => checkActivityShape({ type: 'message', conversation: [] })).message, /activity\.conversation must be an object/);
    assert.match(refusal(() => checkActivityShape({ type: 'message', entities: {} })).message, /activity\.entities must be an array/);
    assert.match(refusal(() => checkActivityShape({ type: 'message', from: { aadObjectId: 7 } })).message, /activity\.from\.aadObjectId must be a string/);
  });
});
