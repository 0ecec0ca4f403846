import assert from 'node:assert/strict';
import { downloadRegisterExport } from '../../bot/handlers/registerSearch';
import type { HandlerDeps } from '../../bot/handlers/turn';
import { createLogger } from '../../bot/log';

describe('register export download when storage does not answer', () => {
  it('answers 503 in the link\'s language with an error id, and no internal text', async () => {
    const deps = {
      log: createLogger('silent'),
      now: () => new Date('2026-11-30T08:00:00Z'),
      exportLinks: { consume: async () => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10002'), { statusCode: undefined }); } },
    } as unknown as HandlerDeps;
    const answer = await downloadRegisterExport(deps, 'A'.repeat(43), 'sv');
    assert.equal(answer.status, 503);
    assert.match(answer.body, /^Tjänsten svarar inte just nu/);
    assert.match(answer.body, /[0-9a-f]{8}/, 'an id to find the log line by');
    assert.ok(!/ECONNREFUSED|10002/.test(answer.body), answer.body);
    assert.equal(answer.headers['Retry-After'], '5');
  });
});
