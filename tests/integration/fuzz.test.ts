import assert from 'node:assert/strict';
import { startTestBot, type TestBot } from '../helpers/botHarness';
import { rawPost, INTERNAL_TEXT } from '../helpers/rawHttp';
import { hostileRequest, makeBombs, prng } from '../helpers/hostile';

/**
 * Fuzz of the /api/messages boundary with a fixed seed (FUZZ_SEED, FUZZ_COUNT override): random and hostile
 * bodies, headers, encodings and activities against the real server, Azurite and the connector sink.
 *
 * Answers allowed: 2xx, 4xx, 503. A JSON body on every refusal and every invoke answer; an empty 200 only for
 * non-invoke activities, as Bot Framework expects. Never internal text.
 *
 * Memory bound: peak RSS of this process at most 150 MB above its level when the fuzz starts. The process is
 * shared (mocha, earlier suites, the bot, the sink, the fuzzer), so its absolute RSS says little; what the bot
 * may add is bounded by the caps: 8 in flight × (256 KB on the wire + 256 KB inflated + the parsed activity) is a
 * few MB, the rest of the 150 MB is GC lag and the sink's records. One bomb inflated in full would be 64 MB, eight
 * in flight 512 MB, which the bound catches. The app's own RSS, in its own process, is what `npm run attack`
 * reports (about 180 MB ready, 230 MB peak under attack: under the 300 MB the issue suggests).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2500);
const CONCURRENCY = 8;
const RSS_GROWTH_MB = 150;

describe(`fuzz: ${COUNT} hostile requests to /api/messages (seed ${SEED})`, function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => { bot = await startTestBot(); });
  after(async () => { await bot?.stop(); });

  it('the process stays up, every answer is 2xx/4xx/503 with JSON and no internal text, RSS stays under the bound', async () => {
    const r = prng(SEED);
    const bombs = makeBombs();
    const url = `${bot.app.url}/api/messages`;
    const baseRss = process.memoryUsage().rss;
    const byStatus = new Map<number, number>();
    const failures: string[] = [];
    let peakRss = 0;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < COUNT) {
        // Generated when sent (synchronously, in index order, so the seed alone fixes every request).
        const i = next++;
        const q = hostileRequest(r, bot.sink.url, bombs);
        const a = await rawPost(url, q.body, q.headers, { chunked: q.chunked, timeoutMs: 20_000 });
        byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
        const problem = judge(a.status, a.text, String(a.headers['content-type'] ?? ''), q.activityType);
        if (problem && failures.length < 20) failures.push(`#${i} ${q.kind} [${JSON.stringify(q.headers)}]: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const seconds = (Date.now() - started) / 1000;
    console.log(`      fuzz: ${COUNT} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}; peak RSS ${(peakRss / 1048576).toFixed(0)} MB (at start ${(baseRss / 1048576).toFixed(0)} MB)`);

    assert.deepEqual(failures, []);
    assert.equal((await fetch(`${bot.app.url}/healthz/live`)).status, 200, 'the process still serves');
    assert.ok((peakRss - baseRss) / 1048576 < RSS_GROWTH_MB, `RSS grew ${((peakRss - baseRss) / 1048576).toFixed(0)} MB ≥ ${RSS_GROWTH_MB} MB`);
    assert.ok((byStatus.get(200) ?? 0) > COUNT / 10 && (byStatus.get(400) ?? 0) > COUNT / 20, 'the run exercised both accepted and refused requests');
  });
});

/** What is wrong with one answer, or undefined when it is acceptable. */
function judge(status: number, text: string, contentType: string, sentType: unknown): string | undefined {
  if (status === 0) return 'no answer (connection closed or timed out)';
  if (!((status >= 200 && status < 300) || (status >= 400 && status < 500) || status === 503)) return `status ${status}`;
  if (INTERNAL_TEXT.test(text)) return `internal text: ${text.slice(0, 200)}`;
  if (text === '') {
    if (status >= 400) return `empty ${status}`;
    if (sentType === 'invoke') return 'empty answer to an invoke';
    return undefined;
  }
  if (!/application\/json/.test(contentType)) return `content-type ${contentType}`;
  try { JSON.parse(text); } catch { return `not JSON: ${text.slice(0, 100)}`; }
  if (text.length > 64 * 1024) return `answer of ${text.length} bytes`;
  return undefined;
}
