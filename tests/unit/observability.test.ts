import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../bot/log';
import { Metrics } from '../../bot/metrics';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logs and metrics', () => {
  it('never writes a henkilötunnus, a token or a message text, even when code passes one by mistake', () => {
    const out = capture();
    const log = createLogger('info', out.stream);
    log.info({ orderId: 'o1', text: 'hetu 010594Y9032', token: 'eyJabc', note: 'koodi 010594Y9032 kentässä' }, 'debug 020594X903P');
    const all = JSON.stringify(out.lines());
    assert.ok(!all.includes('010594Y9032') && !all.includes('020594X903P'), all);
    assert.ok(!all.includes('eyJabc'));
    assert.match(all, /\[HETU\]/);
    assert.match(all, /"orderId":"o1"/);
  });

  it('times storage calls as dependencies and requests, and flushes one summary line per series', async () => {
    const out = capture();
    const metrics = new Metrics(createLogger('info', out.stream));
    const policy = metrics.policy('tables');
    const ok = { status: 200, headers: {}, request: {} } as never;
    await policy.sendRequest({} as never, async () => ok);
    await policy.sendRequest({} as never, async () => ({ ...(ok as object), status: 503 }) as never);
    await assert.rejects(policy.sendRequest({} as never, async () => { throw new Error('socket hang up'); }));
    metrics.record('request', 'messages', 12, false);
    metrics.flush();
    const lines = out.lines();
    const dep = lines.find((l) => l.metric === 'dependency');
    assert.equal(dep?.name, 'tables');
    assert.equal(dep?.count, 3);
    assert.equal(dep?.failures, 2);
    assert.equal(lines.find((l) => l.metric === 'request')?.count, 1);
    metrics.flush();
    assert.equal(out.lines().length, lines.length, 'nothing new to report after a flush');
  });
});
