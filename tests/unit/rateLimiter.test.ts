import assert from 'node:assert/strict';
import { RateLimiter } from '../../bot/notify/rateLimiter';

/** A limiter on a fake clock: sleeping advances the clock, so waits are measured, not waited. */
function fakeLimiter() {
  let now = 1_000_000;
  const limiter = new RateLimiter(7, 30, () => now, async (ms) => { now += ms; });
  /** How long acquire(key) waited. */
  const waitFor = async (key: string): Promise<number> => {
    const before = now;
    await limiter.acquire(key);
    return now - before;
  };
  return { limiter, waitFor, advance: (ms: number) => { now += ms; } };
}

describe('RateLimiter: a 429 holds its conversation; a storm of them holds the app', () => {
  it('a single 429 holds only the conversation it came from, for its Retry-After', async () => {
    const { limiter, waitFor } = fakeLimiter();
    limiter.throttled('a:one', 1000);
    assert.equal(await waitFor('a:other'), 0, 'another conversation goes on at once');
    assert.ok(await waitFor('a:one') >= 1000, 'the throttled conversation waits for its Retry-After');
  });

  it('three 429s within a second pause every conversation', async () => {
    const { limiter, waitFor } = fakeLimiter();
    limiter.throttled('a:1', 1000);
    limiter.throttled('a:2', 1000);
    assert.equal(await waitFor('a:other'), 0, 'two are not a storm');
    limiter.throttled('a:3', 1000);
    assert.ok(await waitFor('a:other') >= 1000, 'the third within a second pauses the app');
  });

  it('429s spread over more than a second are not a storm', async () => {
    const { limiter, waitFor, advance } = fakeLimiter();
    for (const key of ['a:1', 'a:2', 'a:3']) { limiter.throttled(key, 1000); advance(600); }
    assert.equal(await waitFor('a:other'), 0);
  });
});

describe('RateLimiter: the channel\'s card posts go ahead of the people in the queue for the app\'s tokens', () => {
  it('a `first` caller waiting for the app\'s 30/s is served before the senders to people that queued earlier', async () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(7, 30, () => now, async (ms) => { now += ms; await new Promise((r) => setImmediate(r)); });
    for (let i = 0; i < 30; i++) await limiter.acquire(`a:warm${i}`); // the app's bucket is empty now
    const served: string[] = [];
    const people = Array.from({ length: 6 }, (_, i) => limiter.acquire(`a:person${i}`).then(() => { served.push(`person${i}`); }));
    const channel = limiter.acquire('19:channel', true).then(() => { served.push('channel'); });
    await Promise.all([...people, channel]);
    assert.equal(served.indexOf('channel'), 1, `the channel's post is served right after the one already taking a token: ${served.join(', ')}`);
  });

  it('without `first`, the queue for the app\'s tokens is first come, first served', async () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(7, 30, () => now, async (ms) => { now += ms; await new Promise((r) => setImmediate(r)); });
    for (let i = 0; i < 30; i++) await limiter.acquire(`a:warm${i}`);
    const served: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => limiter.acquire(`a:p${i}`).then(() => { served.push(i); })));
    assert.deepEqual(served, [0, 1, 2, 3, 4, 5]);
  });
});

describe('RateLimiter: one conversation\'s callers are served in turn, without polling', () => {
  it('past its 7 a second, each caller has its turn reserved at once, one interval after the one before', async () => {
    let now = 1_000_000;
    const slept: number[] = [];
    const limiter = new RateLimiter(7, 1e9, () => now, async (ms) => { slept.push(ms); });
    // Ten callers at the same instant: their turns are decided when they ask, in the order they ask.
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire('a:busy')));
    assert.deepEqual(slept, [143, 286, 429], 'one slept wait each past the burst, one interval apart (1/7 s), in the order they came');
    await limiter.acquire('a:other');
    assert.equal(slept.length, 3, 'another conversation has its own turns');
    await limiter.acquire('a:busy');
    assert.deepEqual(slept.slice(3), [572], 'the next one waits for the four before it');
    now += 2000;
    await limiter.acquire('a:busy');
    assert.equal(slept.length, 4, 'two seconds later the queue has gone');
  });

  it('a conversation\'s queue is remembered while thousands of other conversations are written to', async () => {
    const now = 1_000_000;
    const slept: number[] = [];
    const limiter = new RateLimiter(7, 1e9, () => now, async (ms) => { slept.push(ms); });
    for (let i = 0; i < 10; i++) await limiter.acquire('a:busy');
    for (let i = 0; i < 10_500; i++) await limiter.acquire(`a:p${i}`);
    assert.deepEqual(slept, [143, 286, 429], 'the other conversations never waited');
    await limiter.acquire('a:busy');
    assert.deepEqual(slept.slice(3), [572], 'its queue is kept: the buckets forgotten are the others');
  });
});

describe('RateLimiter: a stop ends the waits at once', () => {
  /** A limiter whose sleeps end only when the test says so (the clock then moves a second), or their signal aborts. */
  function heldLimiter() {
    let now = 1_000_000;
    const sleeping: Array<() => void> = [];
    const limiter = new RateLimiter(7, 30, () => now, (_ms, signal) => new Promise<void>((r) => {
      sleeping.push(r);
      signal?.addEventListener('abort', () => r(), { once: true });
    }));
    return { limiter, wakeAll: () => { now += 1000; for (const r of sleeping.splice(0)) r(); } };
  }
  const stopped = (reason = new Error('stopping')) => { const c = new AbortController(); c.abort(reason); return { c, reason }; };

  it('a caller waiting for its conversation\'s turn is let go with the signal\'s reason, and onWait was told of the wait', async () => {
    const { limiter } = heldLimiter();
    for (let i = 0; i < 7; i++) await limiter.acquire('a:busy');
    const c = new AbortController();
    let told = 0;
    const waiting = limiter.acquire('a:busy', false, { signal: c.signal, onWait: () => { told++; } });
    const reason = new Error('stopping');
    c.abort(reason);
    await assert.rejects(waiting, (err) => err === reason);
    assert.equal(told, 1, 'onWait was told before the wait');
    await assert.rejects(limiter.acquire('a:free', false, { signal: stopped().c.signal }), /stopping/, 'an aborted signal lets nobody in');
  });

  it('a caller aborted in the queue for the app\'s tokens leaves it: the ones behind it are served', async () => {
    const { limiter, wakeAll } = heldLimiter();
    for (let i = 0; i < 30; i++) await limiter.acquire(`a:warm${i}`); // the app's bucket is empty now
    const served: string[] = [];
    const head = limiter.acquire('a:head').then(() => { served.push('head'); }); // holds the app's turn, sleeping
    await new Promise((r) => setImmediate(r));
    const c = new AbortController();
    const aborted = limiter.acquire('a:aborted', false, { signal: c.signal });
    const behind = limiter.acquire('a:behind').then(() => { served.push('behind'); });
    await new Promise((r) => setImmediate(r));
    c.abort(new Error('stopping'));
    await assert.rejects(aborted, /stopping/);
    // The app's bucket refills with time: the sleeps end (a second passes) until both are served.
    for (let i = 0; i < 5 && served.length < 2; i++) { wakeAll(); await new Promise((r) => setImmediate(r)); }
    await Promise.race([Promise.all([head, behind]), new Promise((_, no) => setTimeout(() => no(new Error(`stuck: served ${served.join(', ')}`)), 2000))]);
    assert.deepEqual(served, ['head', 'behind']);
  });
});
